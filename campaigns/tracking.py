"""Every suggestion is a run of the MLflow experiment ``ase-campaigns``: a lab browses its campaign history in the
MLflow UI. A run logs the lab table's SHA-256 (and the table itself, which stays in the lab's own store), the
surrogate and its leave-one-out scores, the acquisition, the space, and the suggested batch as artifacts.

Only runs are written: the model registry, and so the ``champion`` alias of the threshold model, is never touched
(tests/campaigns/test_tracking.py checks the alias before and after).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Mapping

from asepred.campaigns.answer import SuggestResponse
from asepred.campaigns.lab import LabTable
from asepred.core import config

ARTIFACTS = ("suggestions.csv", "answer.json", "space.json", "lab_table.csv")


def suggestions_csv(answer: SuggestResponse) -> str:
    """The batch as CSV: rank, the candidate's fields, the prediction, acquisition and why (``--out`` writes it)."""
    buffer = io.StringIO()
    fields = ["rank", *answer.suggestions[0].candidate.model_fields] if answer.suggestions else ["rank"]
    fields += ["threshold_uj_cm2", "lower_uj_cm2", "upper_uj_cm2", "acquisition", "in_domain", "why"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for s in answer.suggestions:
        low, high = s.interval_uj_cm2
        row = {"rank": s.rank, **s.candidate.model_dump(), "threshold_uj_cm2": s.threshold_uj_cm2}
        row.update(lower_uj_cm2=low, upper_uj_cm2=high, acquisition=s.acquisition, in_domain=s.in_domain, why=s.why)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def log_suggestion(
    answer: SuggestResponse, lab: LabTable, space: Mapping[str, object], *, champion: str, origin: str
) -> str:
    """Log one suggestion as a finished run of ``ase-campaigns``; its run id. ``origin``: ``cli`` or ``http``."""
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking import MlflowClient

    from asepred.core.tracking import connect

    experiment_id = connect(config.CAMPAIGN_EXPERIMENT)
    client = MlflowClient(config.tracking_uri())
    surrogate = answer.surrogate
    name = str(space.get("name") or "space")
    run = client.create_run(
        experiment_id,
        run_name=f"suggest {len(answer.suggestions)} from {name}"[:250],
        tags={"asepred.kind": "campaign", "asepred.origin": origin, "lab_table_sha256": lab.sha256()},
    )
    run_id = run.info.run_id
    try:
        now = int(time.time() * 1000)
        params = {
            "space": name[:250],
            "candidates": answer.candidates,
            "batch": len(answer.suggestions),
            "lab_records": surrogate.lab_records,
            "lab_table": lab.origin[:250],
            "surrogate": surrogate.name,
            "acquisition": surrogate.acquisition,
            "dimensions": surrogate.dimensions,
            "champion": champion,
        }
        metrics = {
            key: getattr(surrogate, key)
            for key in ("loo_mae", "loo_mae_lab_mean", "loo_coverage_90", "noise_sd_decades")
            if getattr(surrogate, key) is not None
        }
        client.log_batch(
            run_id,
            metrics=[Metric(k, float(v), now, 0) for k, v in metrics.items()],
            params=[Param(k, str(v)) for k, v in params.items()],
            tags=[RunTag("mlflow.note.content", "\n".join(answer.notes))] if answer.notes else [],
        )
        client.log_text(run_id, suggestions_csv(answer), "suggestions.csv")
        client.log_text(run_id, answer.model_dump_json(indent=1), "answer.json")
        client.log_dict(run_id, dict(space), "space.json")
        client.log_text(run_id, lab.table.to_csv(index=False), "lab_table.csv")
    except Exception:
        client.set_terminated(run_id, "FAILED")
        raise
    client.set_terminated(run_id, "FINISHED")
    return run_id
