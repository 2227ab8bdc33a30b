"""Read a training run's candidates back from MLflow."""

from __future__ import annotations

import math

from mlflow.tracking import MlflowClient

from asepred.core.errors import AsepredError
from asepred.training.tracking import connect


def _num(metrics: dict, key: str) -> float | None:
    value = metrics.get(key)
    return None if value is None or math.isnan(value) else float(value)


def leaderboard(experiment: str, run_id: str | None = None) -> list[dict]:
    """Child runs of ``run_id`` (default: the latest finished ``train`` run): absolute candidates, then anchored
    ones (``mode``), each best CV MAE first. Runs from before anchored recipes count as absolute."""
    experiment_id = connect(experiment)
    client = MlflowClient()
    if run_id is None:
        parents = client.search_runs(
            [experiment_id],
            "attributes.run_name = 'train' and attributes.status = 'FINISHED'",
            order_by=["attributes.start_time DESC"],
            max_results=1,
        )
        if not parents:
            raise AsepredError(
                f"no finished training run in experiment '{experiment}'; run `asepred train`", field="experiment"
            )
        run_id = parents[0].info.run_id
    children = client.search_runs([experiment_id], f"tags.mlflow.parentRunId = '{run_id}'")
    rows = []
    for child in children:
        m, p = child.data.metrics, child.data.params
        rows.append(
            {
                "mode": child.data.tags.get("mode", "absolute"),
                "model": p.get("model", child.info.run_name),
                "is_baseline": p.get("is_baseline") == "True",
                "cv_mae": _num(m, "cv_mae"),
                "cv_mae_ci": [_num(m, "cv_mae_ci_low"), _num(m, "cv_mae_ci_high")],
                "cv_rmse": _num(m, "cv_rmse"),
                "cv_spearman": _num(m, "cv_spearman"),
                "cv_r2": _num(m, "cv_r2"),
                "coverage_90": _num(m, "cv_coverage_90"),
                **(
                    {"sign_agreement": _num(m, "cv_sign_agreement")}
                    if child.data.tags.get("mode") == "anchored"
                    else {}
                ),
                "run_id": child.info.run_id,
                "parent_run_id": run_id,
            }
        )
    return sorted(rows, key=lambda r: (r["mode"] != "absolute", r["cv_mae"] is None, r["cv_mae"] or 0.0))
