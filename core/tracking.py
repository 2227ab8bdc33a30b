"""Pointing MLflow at the configured store, for every stage that logs runs (training, campaigns)."""

from __future__ import annotations

from asepred.core import config
from asepred.core.registry import quiet


def connect(experiment: str = config.EXPERIMENT) -> str:
    """Point MLflow at the configured store; create ``experiment`` with an explicit artifact location. Its id."""
    import mlflow
    from mlflow.tracking import MlflowClient

    quiet()
    mlflow.set_tracking_uri(config.tracking_uri())
    client = MlflowClient()
    found = client.get_experiment_by_name(experiment)
    experiment_id = (
        found.experiment_id
        if found
        else client.create_experiment(experiment, artifact_location=f"{config.artifact_root()}/{experiment}")
    )
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id
