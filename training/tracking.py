"""MLflow set-up and the registry policy: who is champion, and when the alias may move."""

from __future__ import annotations

import mlflow
from mlflow.tracking import MlflowClient

from asepred.core import config
from asepred.core.registry import Champion, champion, quiet

__all__ = ["Champion", "champion", "connect", "quiet", "should_promote"]


def connect(experiment: str = config.EXPERIMENT) -> str:
    """Point MLflow at the configured store; create ``experiment`` with an explicit artifact location. Its id."""
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


def should_promote(new_mae: float, data_hash: str, current: Champion | None, force: bool) -> tuple[bool, str]:
    """The registry policy: the alias moves to a new version only if it beats the champion on the same data."""
    if force:
        return True, "forced"
    if current is None:
        return True, "no champion yet"
    if current.data_hash != data_hash:
        return False, (
            f"champion v{current.version} was trained on other data (hash {current.data_hash[:12]}); "
            "scores are not comparable — pass --force to promote"
        )
    if new_mae < current.cv_mae:
        return True, f"CV MAE {new_mae:.3f} < champion's {current.cv_mae:.3f}"
    return False, f"CV MAE {new_mae:.3f} does not beat champion v{current.version}'s {current.cv_mae:.3f}"
