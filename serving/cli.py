"""``asepred serve`` and ``asepred up`` (train if needed, then serve)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Annotated

import typer

from asepred.core import config
from asepred.core.console import err, fail
from asepred.core.errors import AsepredError, NoChampionError

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


@app.command()
def predict(
    material: Annotated[str, typer.Argument(help="Formula as the literature writes it, e.g. CsPbBr3.")],
    dimensionality: Annotated[
        str, typer.Option(help="nanocrystal, nanoplatelet, quasi-2D, 2D, 3D film, single crystal or microstructure.")
    ] = "3D film",
    spacer: Annotated[str | None, typer.Option(help="Spacer: a key of data/ligands.csv or a SMILES.")] = None,
    n_layers: Annotated[int | None, typer.Option(help="Nominal n of a quasi-2D phase.")] = None,
    strategy: Annotated[str | None, typer.Option(help="Engineering strategy (empty: a reference sample).")] = None,
    pump_pulse: Annotated[str, typer.Option(help="fs, ps or ns.")] = "fs",
    pump_wavelength_nm: Annotated[float | None, typer.Option(help="Pump wavelength, nm.")] = None,
    temperature_k: Annotated[float, typer.Option(help="Measurement temperature, K.")] = 295.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the service's JSON response.")] = False,
) -> None:
    """Predict one record with the champion model, locally (no server): the same answer POST /predict gives."""
    import json

    from pydantic import ValidationError

    from asepred.core.registry import load_champion
    from asepred.serving import answers
    from asepred.serving.schemas import PredictionRecord

    fields = {
        "material": material,
        "dimensionality": dimensionality,
        "spacer": spacer,
        "n_layers": n_layers,
        "strategy": strategy,
        "pump_pulse": pump_pulse,
        "pump_wavelength_nm": pump_wavelength_nm,
        "temperature_k": temperature_k,
    }
    try:
        try:
            record = PredictionRecord(**fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise AsepredError(first["msg"], field=".".join(map(str, first["loc"]))) from None
        predictor, current = load_champion()
        response = answers.predict(predictor, current, [record])
    except AsepredError as error:
        raise fail(error) from None
    if as_json:
        print(json.dumps(response.model_dump(), indent=2))
        return
    p = response.predictions[0]
    low, high = p.interval_uj_cm2
    err.print(f"{response.model.name} v{response.model.version}")
    print(
        f"{material}: {p.threshold_uj_cm2:g} µJ/cm2 (90 % interval {low:g}–{high:g})"
        f"{'' if p.in_domain else '  OUT OF DOMAIN'}"
    )
    for warning in p.warnings:
        print(f"  warning: {warning}")
