"""Leave-publication-out cross-validation, repeated over seeds, with honest interval coverage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.model_selection import GroupKFold

from asepred.training.metrics import METRICS, bootstrap_ci, conformal_halfwidth, coverage


@dataclass(frozen=True)
class CVResult:
    """Out-of-fold predictions of every repeat (``oof[r, i]``) and the metrics derived from them."""

    oof: np.ndarray
    interval_lower: np.ndarray
    interval_upper: np.ndarray
    metrics: dict[str, float]
    intervals: dict[str, tuple[float, float]]


def folds(groups: np.ndarray, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Group k-fold splits: no publication has records on both sides."""
    n_splits = min(n_splits, len(np.unique(groups)))
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def cross_validate(
    make: Callable[[int, np.ndarray], RegressorMixin],
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    n_splits: int = 5,
    seeds: tuple[int, ...] = (0, 1, 2),
    level: float = 0.9,
    on_fold: Callable[[], None] | None = None,
) -> CVResult:
    """Repeated grouped CV of ``make(seed, train_rows)`` (the factory may tune on the training rows), scored by
    ``summarize``."""
    oof = np.full((len(seeds), len(y)), np.nan)
    splits_per_seed = []
    for r, seed in enumerate(seeds):
        splits = folds(groups, n_splits, seed)
        splits_per_seed.append([test for _, test in splits])
        for train, test in splits:
            model = make(seed, train).fit(X[train], y[train])
            oof[r, test] = model.predict(X[test])
            if on_fold:
                on_fold()
    return summarize(y, oof, groups, splits_per_seed, level)


def summarize(
    y: np.ndarray, oof: np.ndarray, groups: np.ndarray, tests: list[list[np.ndarray]], level: float = 0.9
) -> CVResult:
    """Metrics, fold-calibrated intervals and publication-bootstrap CIs of out-of-fold predictions ``oof[r, i]``;
    ``tests[r]`` lists the held-out rows of each fold of repeat ``r`` (rows in no fold count nowhere).

    Intervals are checked on held-out folds only: the half-width applied to fold k is the conformal quantile of the
    out-of-fold residuals of the *other* folds, so no interval is calibrated on the rows it is scored on.
    """
    lower = np.full_like(oof, np.nan)
    upper = np.full_like(oof, np.nan)
    for r, fold_tests in enumerate(tests):
        residual = np.abs(y - oof[r])
        for test in fold_tests:
            others = np.setdiff1d(np.flatnonzero(np.isfinite(oof[r])), test)
            if len(test) == 0 or len(others) == 0:
                continue
            q = conformal_halfwidth(residual[others], level)
            lower[r, test] = oof[r, test] - q
            upper[r, test] = oof[r, test] + q

    n_repeats = len(oof)
    y_rep = np.tile(y, n_repeats)
    pred_rep = oof.ravel()
    groups_rep = np.tile(groups, n_repeats)
    scored = np.isfinite(pred_rep)
    y_rep, pred_rep, groups_rep = y_rep[scored], pred_rep[scored], groups_rep[scored]
    seen = np.isfinite(oof)
    metrics = {
        name: float(np.mean([f(y[seen[r]], oof[r, seen[r]]) for r in range(n_repeats)])) for name, f in METRICS.items()
    }
    calibrated = np.isfinite(lower.ravel())
    metrics["coverage_90"] = coverage(
        np.tile(y, n_repeats)[calibrated], lower.ravel()[calibrated], upper.ravel()[calibrated]
    )
    metrics["interval_halfwidth"] = conformal_halfwidth(np.abs(y_rep - pred_rep), level)
    intervals = {name: bootstrap_ci(f, y_rep, pred_rep, groups_rep, n_boot=300, seed=0) for name, f in METRICS.items()}
    return CVResult(oof=oof, interval_lower=lower, interval_upper=upper, metrics=metrics, intervals=intervals)
