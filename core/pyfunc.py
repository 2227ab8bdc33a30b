"""The thin MLflow pyfunc wrapper around the plain ``ThresholdPredictor`` (DESIGN.md, "Folders": ``models/`` never
imports MLflow; "a thin pyfunc wrapper does that").

Training logs a predictor through ``PredictorModel``; ``asepred.core.registry.load_champion`` loads it back with
``load_predictor`` and hands out the predictor itself, so no caller sees the wrapper. ``mlflow models serve`` and
``mlflow.pyfunc.load_model(...).predict`` still work: ``predict`` answers ``predict_records`` of its input.

It lives in ``core/`` because both training (to log) and every stage that loads the champion (to load) need it,
and serving must not import training. It imports no stage: the predictor is a type hint only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import mlflow.pyfunc
import pandas as pd

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


class PredictorModel(mlflow.pyfunc.PythonModel):
    """A ``ThresholdPredictor`` as MLflow stores it: cloudpickled with the predictor inside."""

    def __init__(self, predictor: ThresholdPredictor) -> None:
        self.predictor = predictor

    def predict(self, context: object, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        return self.predictor.predict_records(model_input)


def load_predictor(model_uri: str) -> ThresholdPredictor:
    """The predictor logged at ``model_uri`` (``models:/NAME/VERSION``, ``runs:/…``, a local folder)."""
    try:
        # suppress_warnings skips comparing the model's pip requirements with every installed distribution: ~2 s of
        # a server's start-up, for a warning the lock file makes moot (docs/performance.md, "Start-up")
        model = mlflow.pyfunc.load_model(model_uri, suppress_warnings=True)
    except AttributeError as error:
        if error.name != "load_context":
            raise
        return _pickled_predictor(model_uri)
    return model.unwrap_python_model().predictor


def _pickled_predictor(model_uri: str) -> ThresholdPredictor:
    """A model logged before this wrapper existed pickled the predictor itself (then an MLflow ``PythonModel``), which
    MLflow's loader can no longer prepare: it is unpickled as that loader does, so an existing store still serves."""
    import cloudpickle
    from mlflow.models import Model

    folder = Path(mlflow.artifacts.download_artifacts(model_uri))
    with open(folder / Model.load(folder).flavors["python_function"]["python_model"], "rb") as file:
        return cloudpickle.load(file)
