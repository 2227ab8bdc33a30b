"""Paths and settings, read from the environment when asked (no side effects at import)."""

from __future__ import annotations

import os
from pathlib import Path

MODEL_NAME = "ase-threshold"
EXPERIMENT = "ase-threshold"
CHAMPION = "champion"
#: The MLflow experiment of the lab campaigns (`asepred suggest`), apart from the threshold model's.
CAMPAIGN_EXPERIMENT = "ase-campaigns"


def home() -> Path:
    """The project folder that holds the default MLflow store: ``$ASEPRED_HOME``, else the working directory."""
    return Path(os.environ.get("ASEPRED_HOME", Path.cwd())).resolve()


def tracking_uri() -> str:
    """``$MLFLOW_TRACKING_URI``, else an SQLite file ``mlflow.db`` in the project folder."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{home() / 'mlflow.db'}"


def artifact_root() -> str:
    """Where new experiments keep artifacts (set explicitly, or MLflow uses ./mlruns of whatever cwd)."""
    return os.environ.get("ASEPRED_ARTIFACT_ROOT") or (home() / "mlruns").as_uri()
