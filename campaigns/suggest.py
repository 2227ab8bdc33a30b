"""One suggestion: the lab's measurements and a candidate space in, the next batch of experiments out.

1. The space's candidates are featurized by the champion's featurizer, in partitions (in this process, or on Dask for
   large spaces), and each is flagged against the published record's applicability domain; candidates the lab has
   already measured (same descriptors) drop out.
2. The descriptor coordinates (``asepred.campaigns.descriptors``) are fitted on a sample of the candidates and the
   lab's samples; the surrogate on the lab's measurements alone.
3. Each partition keeps its best ``shortlist`` candidates by the acquisition (by distance from everything measured in
   a space-filling batch); the batch is chosen from the union (``asepred.campaigns.batch``). The kriging believer
   only lowers the acquisition near a pick, so a candidate outside every partition's shortlist would not have been
   picked from the full list either, unless the shortlist is smaller than the batch's spread: it holds
   ``max(256, 64 × batch)`` per partition.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel

from asepred.campaigns import acquisition as acquisitions
from asepred.campaigns import batch as batches
from asepred.campaigns.answer import DEFAULT_BATCH, MAX_BATCH, Candidate, Suggestion, SuggestResponse, Surrogate
from asepred.campaigns.descriptors import DescriptorMap, same_as_any
from asepred.campaigns.lab import LabTable
from asepred.campaigns.surrogate import DESCRIPTION, MIN_MEASUREMENTS, NAME, LabSurrogate
from asepred.core.errors import AsepredError
from asepred.data.record import BY_NAME, REQUEST_FIELDS
from asepred.screening.grid import RECORD_COLUMNS, Grid
from asepred.screening.job import Failures, predict_isolating

#: Candidates featurized to fit the descriptor coordinates (all of a smaller space).
SAMPLE = 20_000
PARTITION = 20_000


class CampaignError(AsepredError):
    """A suggestion that cannot be made as asked (an empty space, a batch too large, …)."""


@dataclass
class Scorer:
    """What a partition needs to score its candidates; travels to the Dask workers."""

    descriptors: DescriptorMap
    surrogate: LabSurrogate | None
    measured_standard: np.ndarray
    measured_z: np.ndarray
    acquisition: str | None  # None: a space-filling batch
    best: float
    shortlist: int

    def score(self, Z: np.ndarray) -> np.ndarray:
        if self.surrogate is None:
            if len(self.measured_z) == 0:
                return -np.sqrt((Z**2).sum(axis=1))  # nearest the centre first (the coordinates are centred)
            return np.min(np.stack([np.sqrt(((Z - m) ** 2).sum(axis=1)) for m in self.measured_z]), axis=0)
        mean, sd = self.surrogate.predict(Z)
        return acquisitions.ACQUISITIONS[self.acquisition](mean, sd, self.best)


@dataclass
class Shortlist:
    frame: pd.DataFrame  # record fields, in_domain, literature prediction, z0…, score
    failures: Failures = field(default_factory=Failures)
    repeats: int = 0
    out_of_domain: int = 0
    candidates: int = 0


def _coordinates(predictor: object, frame: pd.DataFrame, descriptors: DescriptorMap) -> tuple[np.ndarray, np.ndarray]:
    features = predictor.featurizer.transform(frame.loc[:, list(RECORD_COLUMNS)])
    return descriptors.standardised(features), descriptors.transform(features)


def shortlist_range(predictor: object, grid: Grid, start: int, stop: int, scorer: Scorer) -> Shortlist:
    """Score candidates ``start`` to ``stop - 1`` and keep the best ``scorer.shortlist`` (runs on a worker, or in this
    process)."""
    failures = Failures()
    scored = predict_isolating(predictor, grid.frame(start, stop), None, failures)
    if not len(scored):
        return Shortlist(scored.iloc[:0], failures, candidates=stop - start)
    standard, Z = _coordinates(predictor, scored, scorer.descriptors)
    repeat = same_as_any(standard, scorer.measured_standard)
    scored, Z = scored.loc[~repeat].reset_index(drop=True), Z[~repeat]
    score = scorer.score(Z)
    in_domain = scored["in_domain"].to_numpy(dtype=bool)
    chosen = shortlisted(score, scorer.shortlist)
    frame = scored.iloc[chosen].reset_index(drop=True)
    frame["score"] = score[chosen]
    for j in range(Z.shape[1]):
        frame[f"z{j}"] = Z[chosen, j]
    return Shortlist(frame, failures, int(repeat.sum()), int((~in_domain).sum()), stop - start)


def shortlisted(score: np.ndarray, size: int) -> np.ndarray:
    """Indices of the best ``size`` candidates by ``score``, best first."""
    return np.argsort(-score, kind="stable")[:size]


def _sample_ids(n: int, size: int = SAMPLE, seed: int = 0) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _lab_features(predictor: object, lab: LabTable) -> np.ndarray | None:
    """The lab's measured samples featurized; a sample the featurizer cannot read is named by its record_id."""
    if not len(lab.candidates):
        return None
    try:
        return predictor.featurizer.transform(lab.candidates)
    except AsepredError as error:
        record = lab.measured["record_id"].iloc[error.row] if error.row is not None else "?"
        raise CampaignError(
            f"the lab's record {record} cannot be featurized: {error.message}", field=error.field, value=error.value
        ) from None


def _fit_descriptors(predictor: object, grid: Grid, lab: LabTable) -> tuple[DescriptorMap, np.ndarray]:
    """The coordinates, fitted on a sample of the space plus the lab's samples; the lab's descriptors."""
    ids = _sample_ids(len(grid))
    failures = Failures()
    sample = predict_isolating(predictor, grid.frame_at(ids), None, failures)
    lab_features = _lab_features(predictor, lab)
    pool = predictor.featurizer.transform(sample.loc[:, list(RECORD_COLUMNS)]) if len(sample) else None
    stacked = [f for f in (pool, lab_features) if f is not None]
    if not stacked:
        raise CampaignError("no candidate of the space could be featurized", field="space")
    descriptors = DescriptorMap().fit(np.vstack(stacked))
    empty = np.empty((0, pool.shape[1] if pool is not None else lab_features.shape[1]))
    return descriptors, lab_features if lab_features is not None else empty


def _loo_of_mean(y: np.ndarray) -> float:
    n = len(y)
    return float(np.mean(np.abs(y - (y.sum() - y) / (n - 1))))


def _candidate(row: pd.Series) -> BaseModel:
    """The grid's row as a ``Candidate``: each request field of the record contract, empty cells as ``None``."""
    values: dict[str, object] = {}
    for name in REQUEST_FIELDS:
        value = row.get(name)
        if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
            values[name] = None
            continue
        kind = BY_NAME[name].kind
        values[name] = int(float(value)) if kind == "int" else float(value) if kind == "float" else str(value)
    return Candidate(**values)


def suggest(
    grid: Grid,
    lab: LabTable,
    predictor: object,
    *,
    batch: int = DEFAULT_BATCH,
    acquisition: str = acquisitions.SHIPPED,
    scheduler: str | None = None,
    on_partition: Callable[[int], None] = lambda n: None,
) -> SuggestResponse:
    """The next ``batch`` experiments from ``grid`` for the lab whose measurements are ``lab``."""
    if not 1 <= batch <= MAX_BATCH:
        raise CampaignError(f"batch must be 1 to {MAX_BATCH}, got {batch}", field="batch", value=batch)
    if acquisition not in acquisitions.ACQUISITIONS:
        raise CampaignError(f"unknown acquisition {acquisition!r}", field="acquisition", value=acquisition)
    descriptors, lab_features = _fit_descriptors(predictor, grid, lab)
    y = lab.log10
    measured_Z = descriptors.transform(lab_features) if len(lab_features) else np.empty((0, descriptors.dimensions))
    fitted = len(y) >= MIN_MEASUREMENTS
    surrogate = LabSurrogate().fit(measured_Z, y) if fitted else None
    best = float(np.min(surrogate.predict(measured_Z)[0])) if surrogate is not None else math.inf
    scorer = Scorer(
        descriptors,
        surrogate,
        descriptors.standardised(lab_features) if len(lab_features) else np.empty((0, 0)),
        measured_Z,
        acquisition if fitted else None,
        best,
        max(256, 64 * batch),
    )
    parts = _shortlists(grid, predictor, scorer, scheduler, on_partition)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    failures = Failures()
    for p in parts:
        failures.merge(p.failures)
    Z = frame[[f"z{j}" for j in range(descriptors.dimensions or 1)]].to_numpy() if len(frame) else np.empty((0, 1))
    if surrogate is not None:
        picks = batches.by_acquisition(Z, surrogate, acquisitions.ACQUISITIONS[acquisition], best, batch)
    else:
        picks = batches.space_filling(Z, measured_Z, batch)
    suggestions = [_suggestion(rank, frame.iloc[p.index], Z[p.index], p, surrogate) for rank, p in enumerate(picks, 1)]
    notes = _notes(lab, grid, parts, failures, picks, suggestions, batch, surrogate)
    loo = surrogate.leave_one_out() if surrogate is not None else None
    summary = Surrogate(
        name=NAME,
        description=DESCRIPTION,
        lab_records=len(y),
        loo_mae=None if loo is None else round(loo.mae, 4),
        loo_mae_lab_mean=None if loo is None else round(_loo_of_mean(y), 4),
        loo_coverage_90=None if loo is None else round(loo.coverage_90, 4),
        noise_sd_decades=None if surrogate is None else round(surrogate.noise_sd, 4),
        dimensions=descriptors.dimensions,
        acquisition=acquisition if fitted else "space-filling",
    )
    if loo is not None and loo.mae >= _loo_of_mean(y):
        notes.append(
            f"the surrogate's leave-one-out error ({loo.mae:.2f} decades) is no better than the lab's mean "
            f"({_loo_of_mean(y):.2f}): the table does not yet show a trend over this space, so this batch mostly "
            "explores"
        )
    return SuggestResponse(suggestions=suggestions, surrogate=summary, notes=notes, candidates=len(grid))


def _suggestion(
    rank: int, row: pd.Series, z: np.ndarray, pick: batches.Pick, surrogate: LabSurrogate | None
) -> Suggestion:
    if surrogate is not None:
        mean, sd = surrogate.predict(z[None, :])
        low, high = surrogate.interval_90(mean, sd)
        value, interval = 10 ** float(mean[0]), (10 ** float(low[0]), 10 ** float(high[0]))
    else:  # nothing of the lab's to predict from: the published record's answer, said so in the notes
        value, interval = float(row["threshold_uj_cm2"]), (float(row["lower_uj_cm2"]), float(row["upper_uj_cm2"]))
    why = pick.why
    if not row["in_domain"]:
        reasons = list(row["warnings"])
        why += "; outside the published record's domain" + (f" ({reasons[0]})" if reasons else "")
    return Suggestion(
        rank=rank,
        candidate=_candidate(row),
        threshold_uj_cm2=_sig(value),
        interval_uj_cm2=(_sig(interval[0]), _sig(interval[1])),
        acquisition=round(pick.acquisition, 6),
        why=why,
        in_domain=bool(row["in_domain"]),
    )


def _sig(value: float) -> float:
    return float(f"{value:.4g}")


def _notes(
    lab: LabTable,
    grid: Grid,
    parts: list[Shortlist],
    failures: Failures,
    picks: list[batches.Pick],
    suggestions: list[Suggestion],
    batch: int,
    surrogate: LabSurrogate | None,
) -> list[str]:
    n = len(lab.measured)
    notes = []
    if surrogate is None:
        notes.append(
            f"{n} lab record{'s' if n != 1 else ''}: a space-filling first batch (the surrogate needs at least "
            f"{MIN_MEASUREMENTS}); the thresholds shown are the published record's, which cannot rank these candidates"
        )
    if lab.skipped:
        notes.append(
            f"{lab.skipped} row(s) of the lab table are not pulsed one-photon ASE thresholds: kept, not learnt from"
        )
    repeats = sum(p.repeats for p in parts)
    if repeats:
        notes.append(f"{repeats:,} candidate(s) of the space are already measured: never suggested again")
    outside = sum(p.out_of_domain for p in parts)
    if outside:
        picked = sum(not s.in_domain for s in suggestions)
        notes.append(
            f"{outside:,} of {len(grid):,} candidates lie outside the published record's applicability domain"
            + (
                f", {picked} of these suggestions among them (flagged): the lab's own measurements score them, "
                "the published record has nothing like them"
                if picked
                else "; none is suggested"
            )
        )
    if failures.count:
        reason = failures.reasons.most_common(1)[0][0]
        notes.append(f"{failures.count:,} candidate(s) could not be featurized (e.g. {reason})")
    if len(picks) < batch:
        notes.append(f"only {len(picks)} distinct candidate(s) left to suggest (asked for {batch})")
    return notes


def _shortlists(
    grid: Grid, predictor: object, scorer: Scorer, scheduler: str | None, on_partition: Callable[[int], None]
) -> list[Shortlist]:
    ranges = grid.partitions(PARTITION)
    if scheduler is None:
        out = []
        for start, stop in ranges:
            out.append(shortlist_range(predictor, grid, start, stop, scorer))
            on_partition(stop - start)
        return out
    return _on_dask(grid, predictor, scorer, scheduler, ranges, on_partition)


def _score_on_worker(model: object, grid: Grid, start: int, stop: int, scorer: Scorer) -> Shortlist:
    return shortlist_range(model.predictor, grid, start, stop, scorer)


def _on_dask(
    grid: Grid,
    predictor: object,
    scorer: Scorer,
    scheduler: str,
    ranges: list[tuple[int, int]],
    on_partition: Callable[[int], None],
) -> list[Shortlist]:
    from distributed import as_completed

    from asepred.screening.job import SharedModel, dask_client

    with dask_client(scheduler) as client:
        model = client.scatter(SharedModel(predictor, "campaign"), broadcast=True, hash=False)
        futures = [client.submit(_score_on_worker, model, grid, a, b, scorer, pure=False) for a, b in ranges]
        out = []
        for future in as_completed(futures):
            result = future.result()
            out.append(result)
            on_partition(result.candidates)
            future.release()
        return sorted(out, key=lambda s: s.frame["candidate_id"].min() if len(s.frame) else 0)
