"""A server process never outlives the process that started it (DESIGN.md, "Serving process").

Two guards, because either alone has a gap: Linux's parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is delivered
even when the parent is killed with SIGKILL, but only on Linux; a thread that polls ``os.getppid()`` catches a
re-parented process anywhere, a second late.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0


def signal_on_parent_death(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux; elsewhere nothing).

    Safe as a ``subprocess`` ``preexec_fn``: it only calls ``prctl`` and ``getppid``."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os.kill(os.getpid(), signum)


def watch_parent(signum: int = signal.SIGTERM, poll_seconds: float = POLL_SECONDS) -> threading.Thread:
    """A daemon thread that sends ``signum`` to this process once it is re-parented (its parent died)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os.kill(os.getpid(), signum)

    thread = threading.Thread(target=watch, name="asepred-parent-watch", daemon=True)
    thread.start()
    return thread


def in_bentoml_worker() -> bool:
    """True inside a process BentoML started to serve (not in a test client or a notebook)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", "") == "_bentoml_impl.worker.service"
