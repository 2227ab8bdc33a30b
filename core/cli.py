"""The ``asepred`` command: each group lives in the folder it belongs to and is joined here."""

from __future__ import annotations

import os

import typer

from asepred.data.cli import app as data_app
from asepred.features.cli import app as features_app
from asepred.screening.cli import app as screening_app
from asepred.serving.cli import app as serving_app
from asepred.serving.predict_cli import app as predict_app
from asepred.training.cli import app as training_app

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

app = typer.Typer(
    help="asepred: predict the ASE threshold of a metal-halide perovskite from the published record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
app.registered_commands += training_app.registered_commands
app.registered_commands += serving_app.registered_commands
app.registered_commands += predict_app.registered_commands
app.registered_commands += features_app.registered_commands
app.registered_commands += screening_app.registered_commands
