"""The two leaderboards of a training run, from one ``evaluate``: every candidate cross-validated in a child run
tagged with its ``Mode`` — ``absolute`` (the threshold itself) or ``anchored`` (its ratio to a reference measured on
the same set-up) — and the leaderboard, best CV MAE first, logged to the parent run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from asepred.core.console import err
from asepred.models.candidates import Candidate
from asepred.models.pair_candidates import PairCandidate, anchored_candidates
from asepred.training import reports
from asepred.training.cv import CVResult, cross_validate
from asepred.training.dataset import Dataset
from asepred.training.pairs import Pairs, evaluate_pairs, is_constant_ratio
from asepred.training.settings import Settings
from asepred.training.tuning import tuned_factory


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@dataclass(frozen=True)
class Mode:
    """What one leaderboard scores: ``name`` (``absolute`` or ``anchored``) tags its child runs and fills its
    ``mode`` column; ``score(candidate, on_fold)`` cross-validates one candidate; ``params(candidate)`` and
    ``artifacts(result)`` are what a child run logs beside the common parameters and the scores; ``board`` names
    the leaderboard's artifact in the parent run."""

    name: str
    label: str
    board: str
    score: Callable[[Candidate | PairCandidate, Callable[[], None]], CVResult]
    params: Callable[[Candidate | PairCandidate], dict[str, object]]
    artifacts: Callable[[CVResult], None]


@dataclass(frozen=True)
class Leaderboard:
    """Every candidate of one mode, scored: ``board`` best CV MAE first (empty if none was scored)."""

    board: pd.DataFrame
    results: dict[str, CVResult]
    candidates: dict[str, Candidate | PairCandidate]

    @property
    def best(self) -> str:
        return str(self.board.loc[0, "model"])


def absolute_mode(data: Dataset, settings: Settings, study_prefix: str) -> Mode:
    """Thresholds: each candidate tuned inside each outer fold of grouped CV, its out-of-fold residuals logged."""

    def score(candidate: Candidate, on_fold: Callable[[], None]) -> CVResult:
        make = tuned_factory(
            candidate,
            data.names,
            data.X,
            data.y,
            data.groups,
            n_trials=settings.n_trials,
            storage=settings.study_storage,
            study_prefix=study_prefix,
        )
        return cross_validate(
            make,
            data.X,
            data.y,
            data.groups,
            n_splits=settings.n_splits,
            seeds=settings.seeds,
            level=settings.level,
            on_fold=on_fold,
        )

    return Mode(
        name="absolute",
        label="CV",
        board="leaderboard.csv",
        score=score,
        params=lambda candidate: {},
        artifacts=lambda result: reports.log_cv_artifacts(data.frame, data.y, result),
    )


def anchored_mode(data: Dataset, settings: Settings, pairs: Pairs, absolute: Leaderboard) -> Mode:
    """Ratios to a reference: each anchored recipe scored leave-publication-out over the within-set-up ``pairs``,
    on the absolute CV's folds and out-of-fold predictions."""
    oof = {name: result.oof for name, result in absolute.results.items()}
    n_pair_publications = len(np.unique(pairs.group))

    def score(candidate: PairCandidate, on_fold: Callable[[], None]) -> CVResult:
        return evaluate_pairs(
            candidate,
            data.names,
            data.X,
            data.y,
            data.groups,
            pairs,
            oof,
            n_splits=settings.n_splits,
            seeds=settings.seeds,
            level=settings.level,
            on_fold=on_fold,
        )

    def params(candidate: PairCandidate) -> dict[str, object]:
        return {"absolute": candidate.absolute or "", "n_pairs": len(pairs), "n_pair_publications": n_pair_publications}

    def artifacts(result: CVResult) -> None:
        mlflow.log_text(reports.pair_table(data.frame, data.y, pairs, result).to_csv(index=False), "cv/oof_pairs.csv")

    return Mode("anchored", "anchored", "anchored_leaderboard.csv", score, params, artifacts)


def evaluate(
    mode: Mode, candidates: Sequence[Candidate | PairCandidate], data: Dataset, settings: Settings
) -> Leaderboard:
    """Score each candidate in a child run tagged ``mode.name``, and log the leaderboard to the parent run.

    A metric undefined for a candidate (the rank correlation of a constant ratio) is left out of its run rather
    than logged as NaN."""
    results: dict[str, CVResult] = {}
    rows = []
    n_folds = min(settings.n_splits, len(np.unique(data.groups))) * len(settings.seeds)
    with _progress() as progress:
        task = progress.add_task(mode.label, total=n_folds * len(candidates))
        for candidate in candidates:
            progress.update(task, description=f"{mode.label} {candidate.name}")
            result = results[candidate.name] = mode.score(candidate, lambda: progress.advance(task))
            with mlflow.start_run(run_name=candidate.name, nested=True, tags={"mode": mode.name}) as child:
                mlflow.log_params(
                    {
                        "model": candidate.name,
                        "is_baseline": candidate.is_baseline,
                        "data_hash": data.digest,
                        **mode.params(candidate),
                    }
                )
                mlflow.log_metrics({f"cv_{k}": v for k, v in result.metrics.items() if np.isfinite(v)})
                for metric, (low, high) in result.intervals.items():
                    if np.isfinite(low):
                        mlflow.log_metrics({f"cv_{metric}_ci_low": low, f"cv_{metric}_ci_high": high})
                mode.artifacts(result)
            rows.append(reports.leaderboard_row(candidate, result, child.info.run_id, mode=mode.name))
    board = pd.DataFrame(rows).sort_values("cv_mae").reset_index(drop=True) if rows else pd.DataFrame()
    if len(board):
        mlflow.log_text(board.to_csv(index=False), mode.board)
    return Leaderboard(board, results, {c.name: c for c in candidates})


def evaluate_anchored(data: Dataset, settings: Settings, pairs: Pairs, absolute: Leaderboard) -> Leaderboard:
    """The anchored leaderboard: the baseline and pair models, and the ratio of every absolute candidate that is
    not constant (a constant's ratio is "same as reference" again); empty without pairs from two publications."""
    if len(np.unique(pairs.group)) < 2:
        return Leaderboard(pd.DataFrame(), {}, {})
    varying = [name for name, result in absolute.results.items() if not is_constant_ratio(result.oof, pairs)]
    return evaluate(anchored_mode(data, settings, pairs, absolute), anchored_candidates(varying), data, settings)
