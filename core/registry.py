"""The model registry look-up every stage shares: who is champion, and loading it (DESIGN.md, "Folders")."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asepred.core import config
from asepred.core.errors import NoChampionError

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


def quiet() -> None:
    """Telemetry off and MLflow's own logging down to warnings (logs are quiet by default)."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    for name in ("mlflow", "alembic", "urllib3", "shap", "numba"):
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class Champion:
    version: str
    run_id: str
    data_hash: str
    cv_mae: float
    model: str


def champion(name: str = config.MODEL_NAME) -> Champion:
    """The model version under the ``champion`` alias in the configured store; ``NoChampionError`` if none."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    quiet()
    client = MlflowClient(tracking_uri=config.tracking_uri())
    try:
        version = client.get_model_version_by_alias(name, config.CHAMPION)
    except MlflowException as exc:
        raise NoChampionError(
            f"no '{config.CHAMPION}' version of '{name}' in {config.tracking_uri()}; run `asepred train` first",
            field="model",
        ) from exc
    run = client.get_run(version.run_id)
    return Champion(
        version=str(version.version),
        run_id=version.run_id,
        data_hash=run.data.params.get("data_hash", ""),
        cv_mae=float(run.data.metrics.get("cv_mae", float("inf"))),
        model=run.data.params.get("best_model", ""),
    )


def load_champion() -> tuple[ThresholdPredictor, Champion]:
    """The champion's predictor (the plain ``ThresholdPredictor``, out of its pyfunc wrapper), loaded by version
    number so a concurrent promotion cannot split the load."""
    import mlflow

    from asepred.core.pyfunc import load_predictor

    quiet()
    mlflow.set_tracking_uri(config.tracking_uri())
    current = champion()
    return load_predictor(f"models:/{config.MODEL_NAME}/{current.version}"), current
