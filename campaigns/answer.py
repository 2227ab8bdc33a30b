"""The answer of ``asepred suggest --json`` and ``POST /suggest`` (DESIGN.md, "Campaigns"): one model for both."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from asepred.data.record import BY_NAME, REQUEST_FIELDS

DEFAULT_BATCH = 4
MAX_BATCH = 50


def _candidate_field(name: str) -> tuple[Any, Any]:
    field = BY_NAME[name]
    kind = {"int": int, "float": float}.get(field.kind, str)
    return (kind, Field(description=field.description)) if field.required else (kind | None, None)


#: A candidate's record fields, as ``POST /predict`` takes them: the record contract's request fields, in order.
Candidate: type[BaseModel] = create_model(
    "Candidate",
    __doc__="A candidate's record fields, as POST /predict takes them.",
    __module__=__name__,
    **{name: _candidate_field(name) for name in REQUEST_FIELDS},
)


class Suggestion(BaseModel):
    rank: int = Field(description="1 = measure first.")
    candidate: Candidate
    threshold_uj_cm2: float = Field(
        description="Predicted threshold, µJ/cm² (the lab's surrogate; in a space-filling "
        "batch, the published record's)."
    )
    interval_uj_cm2: tuple[float, float] = Field(description="90 % interval of one measurement, µJ/cm².")
    acquisition: float = Field(
        description="The acquisition value (expected improvement, decades; in a space-filling "
        "batch, the distance to the nearest measured sample)."
    )
    why: str
    in_domain: bool = Field(description="Inside the published record's applicability domain.")


class Surrogate(BaseModel):
    name: str
    description: str
    lab_records: int = Field(description="Measurements it was fitted on.")
    loo_mae: float | None = Field(description="Leave-one-out mean absolute error, decades (None: not fitted).")
    loo_mae_lab_mean: float | None = Field(description="The same for predicting the lab's mean (the baseline).")
    loo_coverage_90: float | None = Field(description="Share of measurements inside their 90 % leave-one-out interval.")
    noise_sd_decades: float | None = Field(description="One measurement's noise, as the surrogate learnt it.")
    dimensions: int = Field(description="Descriptor components it works in.")
    acquisition: str


class SuggestResponse(BaseModel):
    suggestions: list[Suggestion]
    surrogate: Surrogate
    notes: list[str]
    candidates: int = Field(description="Candidates in the space.")
    run_id: str | None = Field(None, description="The MLflow run of this suggestion (experiment ase-campaigns).")
