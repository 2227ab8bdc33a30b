"""MLflow set-up and the registry policy: who is champion, and when the alias may move."""

from __future__ import annotations

from asepred.core.registry import Champion, champion, quiet
from asepred.core.tracking import connect

__all__ = ["Champion", "champion", "connect", "quiet", "should_promote"]


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
