"""Request and response models of the service (DESIGN.md, "Prediction request and answer", "/explain", "/model")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from asepred.data.schema import DIMENSIONALITIES, STRATEGIES

Dimensionality = Literal[DIMENSIONALITIES]  # type: ignore[valid-type]
Strategy = Literal[STRATEGIES]  # type: ignore[valid-type]
MAX_RECORDS = 10_000
MAX_EVIDENCE = 20
DEFAULT_EVIDENCE = 5


class PredictionRecord(BaseModel):
    """One material and its measurement conditions."""

    model_config = ConfigDict(extra="forbid")

    material: str = Field(
        min_length=1,
        max_length=200,
        description="Formula as the literature writes it; a spacer given as SMILES is written L (L2MA2Pb3I10).",
        examples=["CsPbBr3", "PEA2(FA0.7Cs0.3)2Pb3Br10", "CsPbCl1.5Br1.5"],
    )
    dimensionality: Dimensionality = Field(description="Morphology of the gain medium.", examples=["nanocrystal"])
    spacer: str | None = Field(
        None,
        max_length=300,
        description="Spacer cation: a key of data/ligands.csv (PEA, BA, OA, …) or a SMILES; a spacer written in the "
        "formula counts as given.",
        examples=["PEA"],
    )
    n_layers: int | None = Field(None, ge=1, le=100, description="Nominal n of a quasi-2D phase (inorganic layers).")
    strategy: Strategy | None = Field(None, description="Engineering strategy; empty for a reference sample.")
    pump_pulse: Literal["fs", "ps", "ns"] = Field("fs", description="Pump pulse regime (pulsed only).")
    pump_wavelength_nm: float | None = Field(None, ge=200, le=2500, description="Pump wavelength, nm.")
    temperature_k: float = Field(295.0, ge=1, le=500, description="Measurement temperature, K.")


class ReferenceSample(PredictionRecord):
    """A sample the lab measured itself, on the same set-up as the records it asks about."""

    threshold_uj_cm2: float = Field(
        gt=0,
        le=1.0e5,
        strict=True,
        description="The lab's measured pulsed ASE threshold of this sample, µJ cm⁻² (a number > 0, ≤ 1e5).",
        examples=[12.0],
    )


class Anchored(BaseModel):
    threshold_uj_cm2: float = Field(description="Reference's measured threshold × predicted ratio, µJ cm⁻².")
    log10_threshold: float
    interval_uj_cm2: tuple[float, float] = Field(description="90 % interval calibrated on within-publication pairs.")
    ratio: float = Field(description="Predicted threshold ratio record / reference.")


class Evidence(BaseModel):
    """A curated (or lab) record near the request, with its provenance."""

    record_id: str
    material: str
    dimensionality: str
    spacer: str | None
    n_layers: int | None
    strategy: str | None
    pump_pulse: str | None
    temperature_k: float | None
    measurement: str
    threshold_uj_cm2: float | None
    year: int | None
    reference: str
    link: str | None = Field(description="DOI URL where known, else the page the value was read on.")
    quote: str | None
    source: str = Field(description="literature, seed-table, seed-text or lab.")
    distance: float = Field(description="Dissimilarity to the request (0: same material and conditions).")
    matches: list[str] = Field(description="What it shares with the request, in words.")
    differs: list[str] = Field(description="Where it differs from the request, in words.")


class Prediction(BaseModel):
    threshold_uj_cm2: float = Field(description="Predicted pulsed ASE threshold, µJ cm⁻².")
    log10_threshold: float = Field(description="log10 of the threshold in µJ cm⁻².")
    interval_uj_cm2: tuple[float, float] = Field(description="Calibrated 90 % prediction interval, µJ cm⁻².")
    in_domain: bool = Field(description="False when the record lies outside the training data.")
    warnings: list[str] = Field(description="Why the record is out of domain, or other caveats.")
    anchored: Anchored | None = Field(None, description="With a reference: the prediction relative to it.")
    evidence: list[Evidence] = Field(default_factory=list, description="The nearest published records.")


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
    interval_halfwidth_decades: float
    resolvable_decades: float | None = Field(description="Smallest predicted difference that is a 90 % ranking.")
    features: list[str]
    citations: list[str]
    meaning: str = Field(description="What the numbers mean, in words.")
