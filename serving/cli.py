"""``asepred serve`` and ``asepred up`` (train if needed, then serve)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import Annotated

import typer

from asepred.core import config
from asepred.core.console import err, fail
from asepred.core.errors import NoChampionError

app = typer.Typer()

Host = Annotated[str, typer.Option(help="Interface to bind.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _has_champion() -> bool:
    from asepred.core.registry import champion

    try:
        champion()
    except NoChampionError:
        return False
    return True


#: How long the server gets to stop after SIGTERM before its whole process group is killed.
STOP_GRACE_SECONDS = 8.0


class _StopRequestedError(Exception):
    """A stop signal reached the CLI while it waits for the server."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _StopRequestedError(signum)


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (its supervisor and workers); SIGKILL what is left after the grace."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=STOP_GRACE_SECONDS)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # workers of a supervisor that exited early, too
    server.wait()


def _serve(host: str, port: int) -> None:
    """Run ``bentoml serve`` as a child this process owns: in its own process group, stopped with it (SIGTERM, SIGINT
    or SIGHUP here stops the server within ``STOP_GRACE_SECONDS``), and told by the kernel to stop if this process
    dies without a word (``serving/lifecycle.py``)."""
    from asepred.serving.lifecycle import signal_on_parent_death

    env = {**os.environ, "ASEPRED_HOME": str(config.home()), "MLFLOW_TRACKING_URI": config.tracking_uri()}
    command = [
        sys.executable,
        "-m",
        "bentoml",
        "serve",
        "asepred.serving.service:ASEPredictor",
        "--host",
        host,
        "--port",
        str(port),
    ]
    err.print(f"serving {config.MODEL_NAME}@{config.CHAMPION} on http://{host}:{port} (POST /predict; Ctrl-C stops)")
    stops = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.signal(signum, _raise_stop) for signum in stops}
    server = None
    try:
        server = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=signal_on_parent_death)
        code = server.wait()
    except (_StopRequestedError, KeyboardInterrupt):
        code = 0
    finally:
        for signum in stops:  # a second signal must not cut the stop short
            signal.signal(signum, signal.SIG_IGN)
        if server is not None:
            _stop(server)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    raise typer.Exit(code)


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 3000) -> None:
    """Serve the champion model over HTTP (BentoML). Exits 1 if no champion is registered."""
    if not _has_champion():
        raise fail(NoChampionError(f"no champion model in {config.tracking_uri()}: run `asepred train` first"))
    _serve(host, port)


@app.command()
def up(host: Host = "127.0.0.1", port: Port = 3000) -> None:
    """The main job: train on the bundled data if no champion is registered, then serve."""
    if not _has_champion():
        from asepred.training.cli import run_training
        from asepred.training.settings import Settings

        err.print("no champion registered: training on the bundled data first")
        run_training(Settings())
    _serve(host, port)
