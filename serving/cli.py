"""``asepred serve``, and the server-owning helpers ``asepred up`` composes from above (``cli/main.py``).

Serving never trains (DESIGN.md, "Folders"): this module does not import ``asepred.training``; ``up``, which trains
when no champion is registered and then serves, lives in the CLI root."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
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
    ``AsepredError`` from it stops the server and exits 1.

    "serving …" is said only once ``/readyz`` answers. A port already in use is refused before the server starts; a
    server whose workers cannot load the model writes why (``lifecycle.stop_serving``) and stops, and this exits 1
    with that line."""
    from asepred.serving.lifecycle import FAILURE_FILE, signal_on_parent_death

    try:
        _require_free_port(host, port)
    except AsepredError as error:
        raise fail(error) from None
    failure_file = Path(tempfile.mkstemp(prefix="asepred-serve-", suffix=".txt")[1])
    env = {
        **os.environ,
        "ASEPRED_HOME": str(config.home()),
        "MLFLOW_TRACKING_URI": config.tracking_uri(),
        FAILURE_FILE: str(failure_file),
        # one thread per worker for every model library: two workers on two cores, each predicting alone
        **{name: "1" for name in THREAD_VARIABLES},
    }
    if workers:
        overrides = [env["BENTOML_CONFIG_OPTIONS"]] if env.get("BENTOML_CONFIG_OPTIONS") else []
        env["BENTOML_CONFIG_OPTIONS"] = " ".join([*overrides, f"services.ASEPredictor.workers={workers}"])
    command = [
        sys.executable,
        "-m",
        "asepred.serving.launch",  # `bentoml serve` without building BentoML's whole CLI first (serving/launch.py)
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
        _wait_until_ready(server, host, port, failure_file)
        err.print(
            f"serving {config.MODEL_NAME}@{config.CHAMPION} on http://{host}:{port} "
            "(web page /ui, POST /predict; Ctrl-C stops)"
        )
        code = server.wait()
        reason = _reason(failure_file)
        if reason:
            failure = AsepredError(reason)
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
        failure_file.unlink(missing_ok=True)
    if failure is not None:
        raise fail(failure)
    raise typer.Exit(code)


#: The thread pools of the libraries a model predicts with (OpenMP, OpenBLAS, MKL, numexpr).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
#: How long a server may take to answer /readyz (a cold start is ~5 s; a loaded machine is slower).
READY_WITHIN_SECONDS = 180.0


def _require_free_port(host: str, port: int) -> None:
    """``AsepredError`` naming ``--port`` if ``host:port`` cannot be bound (BentoML would print a 40-line traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closing socket is no owner
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AsepredError(
                f"cannot listen on {host}:{port} ({exc.strerror}): stop what holds it, or choose another with --port",
                field="--port",
            ) from None


def _reason(failure_file: Path) -> str:
    try:
        lines = failure_file.read_text(encoding="utf-8").strip().splitlines()
    except OSError:
        return ""
    return lines[0] if lines else ""


def _wait_until_ready(server: subprocess.Popen, host: str, port: int, failure_file: Path) -> None:
    """Return once ``/readyz`` answers 200; ``AsepredError`` (with the worker's reason) if the server stops first."""
    import urllib.error
    import urllib.request

    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/readyz"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the server is local: never a proxy
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while True:
        reason = _reason(failure_file)
        if reason or server.poll() is not None:
            raise AsepredError(reason or f"the server stopped before it was ready (exit code {server.poll()})")
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise AsepredError(f"the server was not ready in {READY_WITHIN_SECONDS:.0f} s")
        time.sleep(0.25)


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 3000, workers: Workers = None) -> None:
    """Serve the champion model over HTTP (BentoML) until SIGTERM or Ctrl-C, which stop the server too. Exits 1 if no
    champion is registered."""
    uri = config.tracking_uri()
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        raise fail(_no_champion())  # no store at all: say so at once, without starting a server or creating a store
    run_server(host, port, workers, check=require_champion)
