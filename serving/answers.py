"""From validated requests to answers: the one place that turns the predictor's output into response models.

The service and ``asepred predict`` both call these, so the CLI's ``--json`` is the service's answer.
"""

from __future__ import annotations

from asepred.core import config
from asepred.core.registry import Champion
from asepred.models.predictor import ThresholdPredictor
from asepred.serving.schemas import (
    Anchored,
    Contribution,
    Evidence,
    ExplainResponse,
    Explanation,
    ModelCard,
    ModelInfo,
    PairedEvidence,
    Prediction,
    PredictionRecord,
    PredictionResponse,
    ReferenceSample,
    ScoreCard,
)


def significant(value: float, digits: int = 3) -> float:
    """``value`` to ``digits`` significant figures: intervals span decades, more digits would be noise."""
    return float(f"{value:.{digits}g}")


def model_info(current: Champion) -> ModelInfo:
    return ModelInfo(name=config.MODEL_NAME, version=current.version)


def _records(records: list[PredictionRecord]) -> list[dict]:
    # a record's field values as they are (``model_dump`` without its per-record cost); read, never written
    return [vars(r) for r in records]


def _reference(reference: ReferenceSample | None) -> dict | None:
    return None if reference is None else reference.model_dump()


def predict(
    predictor: ThresholdPredictor,
    current: Champion,
    records: list[PredictionRecord],
    reference: ReferenceSample | None = None,
    evidence: int = 5,
) -> PredictionResponse:
    """The answer to ``POST /predict`` (an ``AsepredError`` carries the offending row in ``row``)."""
    rows = _records(records)
    table = predictor.predict_records(rows, reference=_reference(reference))
    cited = predictor.evidence(rows, evidence) if evidence > 0 else [[] for _ in rows]
    anchored = reference is not None
    # Records that repeat get one Prediction object, built once: a 1,000-record request of a few materials would
    # otherwise spend most of its time building identical objects (docs/performance.md).
    built: dict[tuple, Prediction] = {}
    paired = _paired_evidence(predictor, rows)
    predictions = []
    for i, row in enumerate(table.itertuples(index=False)):
        # log10 and the warnings list fix the rest (interval, domain flag); repeats share their warnings object
        key = (row.log10_threshold, id(row.warnings), *row[6:])
        prediction = built.get(key)
        if prediction is None:
            prediction = built[key] = _prediction(row, anchored)
        update: dict[str, object] = {}
        if cited[i]:
            update["evidence"] = [Evidence(**e) for e in cited[i]]
        if paired.get(rows[i].get("strategy")):
            update["paired_evidence"] = paired[rows[i]["strategy"]]
        if update:
            prediction = prediction.model_copy(update=update)
        predictions.append(prediction)
    return PredictionResponse(model=model_info(current), predictions=predictions)


def _paired_evidence(predictor: ThresholdPredictor, rows: list[dict]) -> dict[str, PairedEvidence]:
    """The paired evidence of each strategy the records name, built once per request."""
    index = predictor.evidence_index
    found: dict[str, PairedEvidence] = {}
    for strategy in {r.get("strategy") for r in rows} - {None, ""}:
        summary = index.paired(strategy) if index is not None else None
        if summary is not None:
            found[strategy] = PairedEvidence(
                **{
                    **summary,
                    "median_ratio": None if summary["median_ratio"] is None else significant(summary["median_ratio"]),
                    "comparisons": [{**c, "ratio": significant(c["ratio"])} for c in summary["comparisons"]],
                }
            )
    return found


def _prediction(row: tuple, anchored: bool) -> Prediction:
    return Prediction(
        threshold_uj_cm2=significant(row.threshold_uj_cm2),
        log10_threshold=round(row.log10_threshold, 3),
        interval_uj_cm2=(significant(row.lower_uj_cm2), significant(row.upper_uj_cm2)),
        in_domain=bool(row.in_domain),
        warnings=list(row.warnings),
        anchored=Anchored(
            threshold_uj_cm2=significant(row.anchored_threshold_uj_cm2),
            log10_threshold=round(row.anchored_log10_threshold, 3),
            interval_uj_cm2=(significant(row.anchored_lower_uj_cm2), significant(row.anchored_upper_uj_cm2)),
            ratio=significant(row.anchored_ratio),
        )
        if anchored
        else None,
    )


def explain(predictor: ThresholdPredictor, current: Champion, records: list[PredictionRecord]) -> ExplainResponse:
    """The answer to ``POST /explain``."""
    explanations = [
        Explanation(
            base_log10=e["base_log10"],
            log10_threshold=e["log10_threshold"],
            contributions=[Contribution(**c) for c in e["contributions"]],
            note=e["note"],
        )
        for e in predictor.explain(_records(records))
    ]
    return ExplainResponse(model=model_info(current), explanations=explanations)


def _score(entry: object) -> ScoreCard | None:
    return ScoreCard(**entry) if isinstance(entry, dict) else None


def model_card(predictor: ThresholdPredictor, current: Champion) -> ModelCard:
    """``GET /model``: the registry's facts beside what training stored in ``predictor.card``."""
    card = predictor.card
    absolute = _score(card.get("absolute")) or ScoreCard(model=predictor.model_name, mae=current.cv_mae)
    resolvable = predictor.resolvable_decades()
    return ModelCard(
        name=config.MODEL_NAME,
        version=current.version,
        run_id=current.run_id,
        trained_at=card.get("trained_at"),
        data_hash=current.data_hash,
        n_records=card.get("n_records"),
        n_publications=card.get("n_publications"),
        candidate=predictor.model_name or current.model,
        absolute=absolute,
        absolute_baseline=_score(card.get("absolute_baseline")),
        anchored=_score(card.get("anchored")),
        anchored_baseline=_score(card.get("anchored_baseline")),
        anchored_selection=card.get("anchored_selection"),
        interval_halfwidth_decades=predictor.interval_halfwidth,
        resolvable_decades=resolvable,
        features=[str(f) for f in predictor.featurizer.get_feature_names_out()],
        citations=predictor.featurizer.citations(),
        meaning=(
            "Errors are in decades of µJ cm⁻² (log10), scored leave-publication-out: a MAE of 0.5 is a typical "
            f"factor of {10**0.5:.1f}. The 90 % interval is ±{predictor.interval_halfwidth:.2f} decades. "
            + f"Two predictions closer than {resolvable:.2f} decades (a factor of {10**resolvable:.0f}) are a tie."
        ),
    )
