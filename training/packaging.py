"""Packaging and registration: the trained predictor logged as an MLflow pyfunc, registered as a new version, and
the ``champion`` alias moved only if the registry policy allows — the very last thing a training run touches."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from mlflow.tracking import MlflowClient

from asepred.core import config
from asepred.core.errors import NoChampionError
from asepred.core.pyfunc import log_kwargs
from asepred.features.base import RECORD_DEFAULTS
from asepred.models.predictor import ThresholdPredictor
from asepred.training.tracking import champion, should_promote

#: The columns of the logged input example and signature: every field a featurizer reads.
INPUT_FIELDS = tuple(RECORD_DEFAULTS)
#: Explicit, because MLflow's inferred requirements picked up pytest, rich and psutil (STACK.md, "MLflow 3.17").
PIP_REQUIREMENTS = ["asepred"]


def log_predictor(predictor: ThresholdPredictor, frame: pd.DataFrame) -> str:
    """Log ``predictor`` as the ``model`` of the active run, with the first three training records (``frame``) as
    its input example and the signature of their answer (``warnings``, a list per row, has no MLflow column type);
    its model URI."""
    example = frame[list(INPUT_FIELDS)].head(3)
    with tempfile.TemporaryDirectory() as folder:
        info = mlflow.pyfunc.log_model(
            name="model",
            **log_kwargs(predictor, Path(folder)),
            input_example=example,
            signature=infer_signature(example, predictor.predict_records(example).drop(columns="warnings")),
            pip_requirements=PIP_REQUIREMENTS,
        )
    return info.model_uri


def register(run_id: str, model_uri: str) -> str:
    """A new version of the registered model (created on first use). Quiet, unlike ``registered_model_name``."""
    client = MlflowClient()
    with contextlib.suppress(MlflowException):  # it exists after the first run
        client.create_registered_model(config.MODEL_NAME)
    return str(client.create_model_version(config.MODEL_NAME, model_uri, run_id=run_id).version)


def promote(version: str, cv_mae: float, data_hash: str, force: bool) -> tuple[bool, str]:
    """Apply the registry policy (``should_promote``) to ``version``, tag the active run with the verdict, and move
    the ``champion`` alias if it allows: call it last, so that a failure anywhere before leaves the alias alone."""
    try:
        current = champion()
    except NoChampionError:
        current = None
    promoted, reason = should_promote(cv_mae, data_hash, current, force)
    mlflow.set_tags({"promoted": str(promoted), "promotion_reason": reason, "model_version": version})
    if promoted:
        MlflowClient().set_registered_model_alias(config.MODEL_NAME, config.CHAMPION, version)
    return promoted, reason
