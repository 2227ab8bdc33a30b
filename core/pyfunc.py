"""The thin MLflow pyfunc wrapper around the plain ``ThresholdPredictor`` (DESIGN.md, "Folders": ``models/`` never
imports MLflow; "a thin pyfunc wrapper does that").

Training logs a predictor with ``log_kwargs``: the predictor is the pyfunc artifact ``predictor`` and the wrapper
``PredictorModel`` holds nothing; its ``load_context`` unpickles that artifact (MLflow's own pattern for a model
kept beside its wrapper). ``asepred.core.registry.load_champion`` loads it back with
``core.predictor_io.load_predictor``, which reads a local model's artifact without importing MLflow, and hands out
the predictor itself, so no caller sees the wrapper. ``mlflow models serve`` and
``mlflow.pyfunc.load_model(...).predict`` still work: ``predict`` answers ``predict_records`` of its input.

It lives in ``core/`` because both training (to log) and every stage that loads the champion need it, and serving
must not import training. It imports no stage: the predictor is a type hint only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow.pyfunc
import pandas as pd  # at run time: MLflow reads ``predict``'s type hints when the model is logged

from asepred.core.predictor_io import PREDICTOR_ARTIFACT, read_predictor_file, write_predictor

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


class PredictorModel(mlflow.pyfunc.PythonModel):
    """A ``ThresholdPredictor`` as MLflow stores it: an empty wrapper whose ``load_context`` reads the predictor
    from the model's ``predictor`` artifact. (Models logged before that artifact pickled the predictor inside the
    wrapper, as ``self.predictor``; they load as they are.)"""

    predictor: ThresholdPredictor

    def load_context(self, context: Any) -> None:
        if PREDICTOR_ARTIFACT in context.artifacts:
            self.predictor = read_predictor_file(context.artifacts[PREDICTOR_ARTIFACT])

    def predict(self, context: object, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        return self.predictor.predict_records(model_input)


def log_kwargs(predictor: ThresholdPredictor, folder: Path) -> dict[str, Any]:
    """The ``python_model`` and ``artifacts`` arguments of ``mlflow.pyfunc.log_model`` for ``predictor``, its file
    written into ``folder`` (a temporary folder MLflow copies from)."""
    artifact = write_predictor(predictor, folder)
    return {"python_model": PredictorModel(), "artifacts": {PREDICTOR_ARTIFACT: str(artifact)}}
