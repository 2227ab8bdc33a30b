"""The ``asepred`` command: each stage's command group lives in its own folder and is joined here, after typer's
"One File Per Command" (``add_typer`` without a name puts a group's commands at the top level).

This root sits above the stages (DESIGN.md, "Folders"): it may import any of them, none imports it. It also holds
``up``, which composes ``train`` and ``serve`` — the one command that both trains and serves, so neither
``training/`` nor ``serving/`` has to know the other.

Every group's module imports only typer, Rich and light constants at module level; heavy libraries (pandas,
scikit-learn, MLflow, BentoML, RDKit, …) load inside the commands that use them, so ``asepred --help`` and
``asepred serve`` start at once (``tests/cli/test_main.py`` checks which modules a help loads; ``bench/startup.py``
times it). Registration itself stays eager, as in typer's docs: a lazy group would still import every group's module
for ``asepred --help`` (it shows each command's help line), so light modules are what makes a help fast either way.
"""

from __future__ import annotations

import os

import typer

from asepred.campaigns.cli import app as campaigns_app
from asepred.campaigns.cli import lab_app
from asepred.core.console import err
from asepred.data.cli import app as data_app
from asepred.features.cli import app as features_app
from asepred.screening.cli import app as screening_app
from asepred.serving import cli as serving
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
app.add_typer(training_app)
app.add_typer(serving.app)


@app.command()
def up(host: serving.Host = "127.0.0.1", port: serving.Port = 3000, workers: serving.Workers = None) -> None:
    """The main job: train on the bundled data if no champion is registered, then serve."""
    if not serving.has_champion():
        from asepred.training.cli import run_training
        from asepred.training.settings import Settings

        err.print("no champion registered: training on the bundled data first")
        run_training(Settings())
    serving.run_server(host, port, workers)


app.add_typer(predict_app)
app.add_typer(features_app)
app.add_typer(screening_app)
app.add_typer(campaigns_app)
app.add_typer(lab_app, name="lab")
