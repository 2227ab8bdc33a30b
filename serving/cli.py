"""``asepred serve``, and the server-owning helpers ``asepred up`` composes from above (``cli/main.py``).

Serving never trains (DESIGN.md, "Folders"): this module does not import ``asepred.training``; ``up``, which trains
when no champion is registered and then serves, lives in the CLI root."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from asepred.core import config
from asepred.core.console import err, fail
from asepred.core.errors import AsepredError, NoChampionError

app = typer.Typer()

Host = Annotated[str, typer.Option(help="Interface to bind.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Workers = Annotated[
    int | None,
    typer.Option(min=1, max=16, help="Server worker processes (default: the service's own; more serve more clients)."),
]


def has_champion() -> bool:
    """Whether the configured store holds a ``champion`` version (``asepred up`` trains first if not)."""
    try:
        require_champion()
    except NoChampionError:
        return False
    return True


def require_champion() -> None:
    """``NoChampionError``, with the advice to train, if the configured store holds no ``champion`` version.

    A default SQLite store answers a *yes* in milliseconds (``core/store_probe.py``); anything else, a *no*
    included, is MLflow's to decide, as before."""
    from asepred.core.store_probe import champion_registered

    if champion_registered(config.tracking_uri()):
        return
    from asepred.core.registry import champion

    try:
        champion()
    except NoChampionError:
        raise _no_champion() from None


def _no_champion() -> NoChampionError:
    return NoChampionError(f"no champion model in {config.tracking_uri()}: run `asepred train` first", field="model")


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


def run_server(host: str, port: int, workers: int | None = None, check: Callable[[], None] | None = None) -> None:
    """Run ``bentoml serve`` as a child this process owns: in its own process group, stopped with it (SIGTERM, SIGINT
    or SIGHUP here stops the server within ``STOP_GRACE_SECONDS``), and told by the kernel to stop if this process
    dies without a word (``serving/lifecycle.py``).

    ``check`` runs while the server starts (``require_champion``: milliseconds on a default SQLite store, else
    MLflow's ~2 s of imports and a registry query, on whatever CPU the server leaves; docs/performance.md); an
    ``AsepredError`` from it stops the server and exits 1."""
    from asepred.serving.lifecycle import signal_on_parent_death

    env = {**os.environ, "ASEPRED_HOME": str(config.home()), "MLFLOW_TRACKING_URI": config.tracking_uri()}
    if workers:
        overrides = [env["BENTOML_CONFIG_OPTIONS"]] if env.get("BENTOML_CONFIG_OPTIONS") else []
        env["BENTOML_CONFIG_OPTIONS"] = " ".join([*overrides, f"services.ASEPredictor.workers={workers}"])
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
    stops = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.signal(signum, _raise_stop) for signum in stops}
    server = None
    failure: AsepredError | None = None
    try:
        server = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=signal_on_parent_death)
        if check is not None:
            check()
        err.print(
            f"serving {config.MODEL_NAME}@{config.CHAMPION} on http://{host}:{port} "
            "(web page /ui, POST /predict; Ctrl-C stops)"
        )
        code = server.wait()
    except (_StopRequestedError, KeyboardInterrupt):
        code = 0
    except AsepredError as error:
        failure = error
    finally:
        for signum in stops:  # a second signal must not cut the stop short
            signal.signal(signum, signal.SIG_IGN)
        if server is not None:
            _stop(server)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if failure is not None:
        raise fail(failure)
    raise typer.Exit(code)


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 3000, workers: Workers = None) -> None:
    """Serve the champion model over HTTP (BentoML) until SIGTERM or Ctrl-C, which stop the server too. Exits 1 if no
    champion is registered."""
    uri = config.tracking_uri()
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        raise fail(_no_champion())  # no store at all: say so at once, without starting a server or creating a store
    run_server(host, port, workers, check=require_champion)
