"""Request and response models of the service (DESIGN.md, "Prediction request and answer", "/explain", "/model")."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from asepred.data.record import BY_NAME, CITED_FIELDS, LINK_DESCRIPTION
from asepred.data.request import PredictionRecord, ReferenceSample

__all__ = ["PredictionRecord", "ReferenceSample"]  # derived from the record contract (asepred.data.request)

MAX_RECORDS = 10_000
MAX_EVIDENCE = 20
DEFAULT_EVIDENCE = 5


class Anchored(BaseModel):
    threshold_uj_cm2: float = Field(description="Reference's measured threshold × predicted ratio, µJ cm⁻².")
    log10_threshold: float
    interval_uj_cm2: tuple[float, float] = Field(description="90 % interval calibrated on within-publication pairs.")
    ratio: float = Field(description="Predicted threshold ratio record / reference.")


def _cited(name: str) -> tuple[Any, Any]:
    field = BY_NAME[name]
    kind = {"int": int, "float": float}.get(field.kind, str)
    return (kind if field.always_given else kind | None, Field(description=field.description))


#: A curated (or lab) record near the request, with its provenance: the record contract's cited fields, typed as
#: the contract types them, then how it compares with the request.
Evidence = create_model(
    "Evidence",
    __doc__="A curated (or lab) record near the request, with its provenance.",
    __module__=__name__,
    **{name: _cited(name) for name in CITED_FIELDS},
    link=(str | None, Field(description=LINK_DESCRIPTION)),
    distance=(float, Field(description="Dissimilarity to the request (0: same material and conditions).")),
    matches=(list[str], Field(description="What it shares with the request, in words.")),
    differs=(list[str], Field(description="Where it differs from the request, in words.")),
)


class PairedComparison(BaseModel):
    """One publication's control sample and its treated sample, measured on one set-up."""

    control_id: str
    treated_id: str
    control_material: str
    treated_material: str
    ratio: float = Field(description="Treated / control threshold, as published.")
    link: str | None = Field(description="Where the treated value was read.")
    quote: str | None = Field(description="The verbatim snippet holding the treated value.")


class PairedEvidence(BaseModel):
    """The published within-set-up control → treated comparisons of the record's strategy."""

    strategy: str
    pairs: int = Field(description="How many published comparisons.")
    publications: int = Field(description="From how many publications.")
    lowered: int = Field(description="How many of them lowered the threshold.")
    median_ratio: float | None = Field(description="Median treated / control ratio; null without comparisons.")
    summary: str = Field(description="The same in one sentence.")
    comparisons: list[PairedComparison] = Field(description="Each comparison, lowest ratio first.")


class Prediction(BaseModel):
    threshold_uj_cm2: float = Field(description="Predicted pulsed ASE threshold, µJ cm⁻².")
    log10_threshold: float = Field(description="log10 of the threshold in µJ cm⁻².")
    interval_uj_cm2: tuple[float, float] = Field(description="Calibrated 90 % prediction interval, µJ cm⁻².")
    in_domain: bool = Field(description="False when the record lies outside the training data.")
    warnings: list[str] = Field(description="Why the record is out of domain, or other caveats.")
    anchored: Anchored | None = Field(None, description="With a reference: the prediction relative to it.")
    evidence: list[Evidence] = Field(default_factory=list, description="The nearest published records.")
    paired_evidence: PairedEvidence | None = Field(
        None, description="For a record with a strategy: the published control → treated comparisons of it."
    )


class ModelInfo(BaseModel):
    name: str
    version: str


class PredictionResponse(BaseModel):
    model: ModelInfo
    predictions: list[Prediction]


class Contribution(BaseModel):
    feature: str = Field(description="The descriptor, named for people.")
    value: float | None = Field(description="The record's value of it.")
    contribution: float = Field(description="Its contribution to log10 threshold, decades.")


class Explanation(BaseModel):
    base_log10: float = Field(description="The model's expected log10 threshold over the training records.")
    log10_threshold: float = Field(description="base_log10 plus the contributions.")
    contributions: list[Contribution] = Field(description="Largest |contribution| first.")
    note: str = Field(description="How to read it (and, for a constant model, where to look instead).")


class ExplainResponse(BaseModel):
    model: ModelInfo
    explanations: list[Explanation]


class ScoreCard(BaseModel):
    """Cross-validated scores of one recipe (decades of µJ cm⁻²)."""

    model: str
    mae: float | None
    mae_ci: tuple[float | None, float | None] | None = None
    rmse: float | None = None
    coverage_90: float | None = None
    sign_agreement: float | None = Field(
        None,
        description="Anchored: share of held-out control → treated pairs whose predicted ratio has the sign measured.",
    )


class AnchoredSelection(BaseModel):
    """How the shipped anchored recipe was chosen: a procedure fixed in advance, scored by nested CV."""

    shipped: str = Field(description="The recipe the model carries.")
    leader: str = Field(description="The competing recipe with the best leave-publication-out MAE.")
    nested_mae: float = Field(description="The procedure's held-out MAE, chosen inside each outer fold (decades).")
    nested_sign_agreement: float | None = Field(description="The procedure's held-out sign agreement.")
    baseline_mae: float = Field(description="'Same as the reference' over the same pairs (decades).")
    reason: str = Field(description="Why this recipe ships.")
    wins: dict[str, int] = Field(description="How often each recipe was chosen across the outer folds.")


class ModelCard(BaseModel):
    name: str
    version: str
    run_id: str
    trained_at: str | None
    data_hash: str
    n_records: int | None
    n_publications: int | None
    candidate: str = Field(description="The winning recipe.")
    absolute: ScoreCard = Field(description="The served model's leave-publication-out scores.")
    absolute_baseline: ScoreCard | None = Field(description="The best baseline's scores, for comparison.")
    anchored: ScoreCard | None = Field(None, description="The shipped anchored recipe's scores over pairs.")
    anchored_baseline: ScoreCard | None = Field(None, description="'Same as the reference' over pairs.")
    anchored_selection: AnchoredSelection | None = Field(None, description="How the anchored recipe was chosen.")
    interval_halfwidth_decades: float
    resolvable_decades: float | None = Field(description="Smallest predicted difference that is a 90 % ranking.")
    features: list[str]
    citations: list[str]
    meaning: str = Field(description="What the numbers mean, in words.")
