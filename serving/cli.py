"""``asepred serve`` and ``asepred up`` (train if needed, then serve)."""

from __future__ import annotations

import os
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


def _serve(host: str, port: int) -> None:
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
    try:
        raise typer.Exit(subprocess.call(command, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


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
