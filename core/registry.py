"""The model registry look-up every stage shares: who is champion, and loading it (DESIGN.md, "Folders")."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from asepred.core import config
from asepred.core.errors import NoChampionError, StoreError

if TYPE_CHECKING:
    from mlflow.entities.model_registry import ModelVersion
    from mlflow.tracking import MlflowClient

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


def missing_store() -> bool:
    """The configured store is an SQLite file that does not exist: a read-only command must not create it."""
    uri = config.tracking_uri()
    return uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists()


def one_line(error: BaseException) -> str:
    """An exception's message on one line (a library's multi-line message, cut to its first line)."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".strip()


def champion(name: str = config.MODEL_NAME) -> Champion:
    """The model version under the ``champion`` alias in the configured store; ``NoChampionError`` if none (and no
    store is created where there is none); ``StoreError`` if the store cannot be read."""
    if missing_store():
        raise NoChampionError(f"no MLflow store at {config.tracking_uri()}: run `asepred train` first", field="model")
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    quiet()
    try:
        client = MlflowClient(tracking_uri=config.tracking_uri())
        version = client.get_model_version_by_alias(name, config.CHAMPION)
    except MlflowException as exc:
        if "RESOURCE_DOES_NOT_EXIST" not in str(getattr(exc, "error_code", "")) and "not found" not in str(exc):
            raise StoreError(f"cannot read the MLflow store {config.tracking_uri()} ({one_line(exc)})") from None
        raise NoChampionError(
            f"no '{config.CHAMPION}' version of '{name}' in {config.tracking_uri()}; run `asepred train` first",
            field="model",
        ) from exc
    except Exception as exc:  # a damaged store (truncated, not a database): SQLAlchemy's or sqlite3's error
        raise StoreError(f"cannot read the MLflow store {config.tracking_uri()} ({one_line(exc)})") from None
    return version_record(client, version)


def version_record(client: MlflowClient, version: ModelVersion, missing_mae: float = float("inf")) -> Champion:
    """A registered ``version`` as a ``Champion`` record: its number and run, and that run's ``data_hash``,
    ``cv_mae`` (``missing_mae`` if the run logged none) and ``best_model``."""
    run = client.get_run(version.run_id)
    return Champion(
        version=str(version.version),
        run_id=version.run_id,
        data_hash=run.data.params.get("data_hash", ""),
        cv_mae=float(run.data.metrics.get("cv_mae", missing_mae)),
        model=run.data.params.get("best_model", ""),
    )


def load_champion() -> tuple[ThresholdPredictor, Champion]:
    """The champion's predictor (the plain ``ThresholdPredictor``, out of its pyfunc wrapper), loaded by version
    number so a concurrent promotion cannot split the load.

    On the default SQLite store the version and its artifact folder come from one read-only query
    (``core/store_probe.py``) and the model loads from that folder: a server's worker then never opens MLflow's
    SQLAlchemy store (~1.5 s of its start-up, docs/performance.md), nor imports MLflow at all when the model holds
    its ``predictor`` artifact (``core/predictor_io.py``). Anything that query cannot answer goes through MLflow's
    registry as before."""
    from asepred.core.predictor_io import load_predictor
    from asepred.core.store_probe import champion_version

    quiet()
    found = champion_version(config.tracking_uri()) if not missing_store() else None
    if found is not None:
        current = Champion(
            version=str(found["version"]),
            run_id=str(found["run_id"]),
            data_hash=str(found["data_hash"]),
            cv_mae=float(found["cv_mae"]),
            model=str(found["model"]),
        )
        uri = str(found["folder"])
    else:
        import mlflow

        current = champion()
        mlflow.set_tracking_uri(config.tracking_uri())  # for the models:/ URI; MLflow opens the store only when asked
        uri = f"models:/{config.MODEL_NAME}/{current.version}"
    try:
        return load_predictor(uri), current
    except Exception as exc:  # missing or unreadable artifacts: say which model, and how to get one that loads
        raise StoreError(
            f"the champion {config.MODEL_NAME} v{current.version} cannot be loaded from {config.tracking_uri()} "
            f"({one_line(exc)}): its artifacts are missing or damaged; run `asepred train` to register a new one"
        ) from None
