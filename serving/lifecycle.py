"""A server process never outlives the process that started it (DESIGN.md, "Serving process").

Two guards, because either alone has a gap: Linux's parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is delivered
even when the parent is killed with SIGKILL, but only on Linux; a thread that polls ``os.getppid()`` catches a
re-parented process anywhere, a second late.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from typing import NoReturn

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


#: Where a worker that cannot start writes why (set by ``asepred serve`` for its server), for the CLI to say.
FAILURE_FILE = "ASEPRED_START_FAILURE"


def stop_serving(message: str) -> NoReturn:
    """A worker that cannot serve: write ``message`` where ``asepred serve`` reads it, stop the server (SIGTERM to
    its supervisor, this worker's parent) and exit, before BentoML can log a traceback and start the worker again."""
    path = os.environ.get(FAILURE_FILE)
    if path:
        with contextlib.suppress(OSError), open(path, "a", encoding="utf-8") as handle:
            handle.write(message.replace("\n", " ") + "\n")
    else:
        sys.stderr.write(f"error: {message}\n")
    with contextlib.suppress(ProcessLookupError):
        os.kill(os.getppid(), signal.SIGTERM)
    os._exit(3)


def in_bentoml_worker() -> bool:
    """True inside a process BentoML started to serve (not in a test client or a notebook)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", "") == "_bentoml_impl.worker.service"
