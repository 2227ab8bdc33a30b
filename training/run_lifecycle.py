"""A training run never stays ``RUNNING`` after its process is gone.

- SIGTERM or SIGINT to ``asepred train`` ends its MLflow run as ``KILLED`` (``stopped_runs_killed``), not ``FAILED``
  (what MLflow's context manager records for any exception) and not left ``RUNNING``.
- A SIGKILL leaves no chance to say anything: each run is tagged with its host and process id, and the next
  ``train`` marks a ``RUNNING`` run whose process on this host no longer exists ``FAILED`` (``fail_orphans``),
  saying so in one line. A run of a live process (a concurrent training) is left alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlflow.entities import RunStatus
from mlflow.tracking import MlflowClient

HOST_TAG, PID_TAG = "asepred.host", "asepred.pid"


class TrainingStoppedError(Exception):
    """A stop signal reached a training run."""


@dataclass
class Stops:
    """What ``stopped_runs_killed`` yields: the runs to mark ``KILLED`` if the training is stopped, and the signal
    received, if any.

    The signal handler raises ``TrainingStoppedError`` where the main thread happens to be; when that is inside a
    finalizer or a weakref callback (SQLAlchemy's, MLflow's), Python reports it to ``sys.unraisablehook`` ("Exception
    ignored") and carries on, so the stop would be lost and the run could go on to move the alias (the hook is kept
    quiet for it while the block runs). ``check()`` raises it again from a safe place:
    the training calls it before it registers a model and before it promotes one."""

    started: list[str] = field(default_factory=list)
    received: str | None = None

    def handler(self, signum: int, frame: object) -> None:
        self.received = signal.Signals(signum).name
        raise TrainingStoppedError(self.received)

    def check(self) -> None:
        """``TrainingStoppedError`` if a stop signal was received (even one whose first raise was swallowed)."""
        if self.received is not None:
            raise TrainingStoppedError(self.received)


def owner_tags() -> dict[str, str]:
    """The tags that let a later ``train`` tell whether this run's process is still alive."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_orphans(experiment_id: str) -> list[str]:
    """Mark ``FAILED`` every ``RUNNING`` run of ``experiment_id`` started on this host by a process that is gone;
    their ids."""
    client = MlflowClient()
    host = socket.gethostname()
    running = client.search_runs([experiment_id], "attributes.status = 'RUNNING'", max_results=5000)
    orphans = [
        run.info.run_id
        for run in running
        if run.data.tags.get(HOST_TAG) == host
        and run.data.tags.get(PID_TAG, "").isdigit()
        and not _alive(int(run.data.tags[PID_TAG]))
    ]
    children = [run.info.run_id for run in running if run.data.tags.get("mlflow.parentRunId") in orphans]
    for run_id in orphans + children:
        client.set_terminated(run_id, RunStatus.to_string(RunStatus.FAILED))
    return orphans


@contextlib.contextmanager
def stopped_runs_killed(client: MlflowClient | None = None) -> Iterator[Stops]:
    """Within the block, SIGTERM and SIGINT raise ``TrainingStoppedError``; the runs whose ids the block appends to
    the yielded ``Stops.started`` are then marked ``KILLED`` and the error propagates (``Stops`` says why the block
    also checks for a stop itself before what it must not do once stopped)."""
    state = Stops()
    stops = (signal.SIGTERM, signal.SIGINT) if threading.current_thread() is threading.main_thread() else ()
    previous = {signum: signal.signal(signum, state.handler) for signum in stops}
    unraisable = sys.unraisablehook

    def swallowed(info: sys.UnraisableHookArgs) -> None:
        """A stop raised inside a finalizer: Python would print it as "Exception ignored" with a traceback; it is
        recorded already (``Stops.received``) and stops the run at the next check, so it is kept quiet."""
        if info.exc_type is not TrainingStoppedError:
            unraisable(info)

    sys.unraisablehook = swallowed
    try:
        yield state
    except (TrainingStoppedError, KeyboardInterrupt):
        for signum in stops:
            signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the bookkeeping short
        client = client or MlflowClient()
        for run_id in state.started:
            with contextlib.suppress(Exception):
                client.set_terminated(run_id, RunStatus.to_string(RunStatus.KILLED))
        raise
    finally:
        sys.unraisablehook = unraisable
        for signum, handler in previous.items():
            signal.signal(signum, handler)
