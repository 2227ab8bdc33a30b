"""Within-set-up pairs and their leave-publication-out evaluation: how well each anchored recipe predicts the
log-ratio of two records measured on one set-up.

A pair is an ordered (reference, record) of two target records sharing a set-up: a publication (DOI, else the
reference), or, for a lab's own rows, the same ``reference`` value (same lab, same set-up). Pairs are scored on the
very folds of the absolute CV (same seeds): a pair is held out with its publication, so no publication is on both
sides, and an absolute candidate's ratio f(x) − f(x_ref) for a held-out pair is the difference of its two
out-of-fold predictions — exactly the model that fold trained without that publication.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from asepred.data.records import publication_groups
from asepred.models.candidates import Candidate
from asepred.models.pair_candidates import PairCandidate
from asepred.training.cv import CVResult, folds, summarize


def setup_groups(frame: pd.DataFrame) -> np.ndarray:
    """One label per set-up: the publication (DOI, else reference); a lab's own rows (``source == "lab"``) by their
    ``reference`` alone, so a lab's notebook entries pair with each other whatever DOI they cite."""
    groups = publication_groups(frame).astype(object)
    if "source" in frame:
        lab = (frame["source"] == "lab").to_numpy() & (frame["reference"].str.strip() != "").to_numpy()
        groups[lab] = "lab: " + frame["reference"].str.strip().to_numpy()[lab]
    return groups.astype(str)


@dataclass(frozen=True)
class Pairs:
    """Ordered pairs of rows: ``first`` is the reference, ``second`` the record predicted, ``group`` their set-up."""

    first: np.ndarray
    second: np.ndarray
    group: np.ndarray
    #: pairs whose reference is a control sample (no strategy) and whose record a treated one: the published
    #: comparisons whose direction an anchored recipe must agree with (all False when strategies are not given)
    control_treated: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.first)

    @classmethod
    def within(cls, groups: np.ndarray, treated: np.ndarray | None = None) -> Pairs:
        """Every ordered pair of distinct rows sharing a group label; ``treated`` marks rows with a strategy."""
        first, second = [], []
        for label in pd.unique(groups):
            members = np.flatnonzero(groups == label)
            for i in members:
                for j in members:
                    if i != j:
                        first.append(i)
                        second.append(j)
        first_a, second_a = np.asarray(first, dtype=int), np.asarray(second, dtype=int)
        marked = np.zeros(len(groups), bool) if treated is None else np.asarray(treated, dtype=bool)
        return cls(first_a, second_a, np.asarray(groups)[first_a], ~marked[first_a] & marked[second_a])

    def log_ratio(self, y: np.ndarray) -> np.ndarray:
        """Measured log10(record / reference) of each pair."""
        return y[self.second] - y[self.first]

    def held_out(self, test_rows: np.ndarray) -> np.ndarray:
        """Boolean mask of the pairs whose two rows are both among ``test_rows``."""
        return np.isin(self.first, test_rows) & np.isin(self.second, test_rows)

    def inside(self, train_rows: np.ndarray) -> np.ndarray:
        return np.isin(self.first, train_rows) & np.isin(self.second, train_rows)


def evaluate_pairs(
    candidate: PairCandidate,
    names: Sequence[str],
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    pairs: Pairs,
    absolute_oof: Mapping[str, np.ndarray],
    *,
    n_splits: int = 5,
    seeds: tuple[int, ...] = (0, 1, 2),
    level: float = 0.9,
    on_fold: Callable[[], None] | None = None,
) -> CVResult:
    """Leave-publication-out scores of ``candidate`` over ``pairs``, on the absolute CV's folds of ``groups``.

    ``absolute_oof[name][r, i]`` is the out-of-fold prediction of record i by absolute candidate ``name`` in repeat r
    (``CVResult.oof``). The pair model, if any, is fitted on the training side's pairs only.
    """
    dy = pairs.log_ratio(y)
    oof = np.full((len(seeds), len(pairs)), np.nan)
    tests = []
    for r, seed in enumerate(seeds):
        seed_tests = []
        for train, test in folds(groups, n_splits, seed):
            held = pairs.held_out(test)
            seed_tests.append(np.flatnonzero(held))
            if on_fold:
                on_fold()
            if not held.any():
                continue
            prediction = np.zeros(int(held.sum()))
            if candidate.absolute is not None:
                f = absolute_oof[candidate.absolute][r]
                prediction += f[pairs.second[held]] - f[pairs.first[held]]
            if candidate.make_pair is not None:
                fit = pairs.inside(train)
                model = candidate.make_pair(names, seed).fit(
                    X[pairs.first[fit]], X[pairs.second[fit]], dy[fit], pairs.group[fit]
                )
                prediction += model.predict(X[pairs.first[held]], X[pairs.second[held]])
            oof[r, held] = prediction
        tests.append(seed_tests)
    result = summarize(dy, oof, pairs.group, tests, level)
    result.metrics["sign_agreement"] = sign_agreement(oof, dy, pairs)
    return result


def sign_agreement(predicted: np.ndarray, dy: np.ndarray, pairs: Pairs) -> float:
    """Share of the control → treated pairs whose predicted log-ratio has the measured sign (a ratio of exactly 1
    agrees with neither), averaged over repeats (rows of ``predicted``); NaN without such pairs."""
    mask = pairs.control_treated if pairs.control_treated is not None else np.zeros(len(pairs), bool)
    shares = []
    for row in np.atleast_2d(predicted):
        scored = mask & np.isfinite(row)
        if scored.any():
            shares.append(float(np.mean(np.sign(row[scored]) == np.sign(dy[scored]))))
    return float(np.mean(shares)) if shares else math.nan


def contradicted(
    candidate: PairCandidate, names: Sequence[str], X: np.ndarray, y: np.ndarray, pairs: Pairs, seed: int = 0
) -> np.ndarray:
    """The control → treated pairs (indices into ``pairs``) whose direction ``candidate``, fitted on every pair,
    gets wrong in-sample: a recipe that contradicts a measured direction does not ship. Pair-only recipes."""
    mask = pairs.control_treated if pairs.control_treated is not None else np.zeros(len(pairs), bool)
    if candidate.make_pair is None or not mask.any():
        return np.flatnonzero(mask) if candidate.make_pair is None else np.array([], dtype=int)
    dy = pairs.log_ratio(y)
    model = candidate.make_pair(names, seed).fit(X[pairs.first], X[pairs.second], dy, pairs.group)
    predicted = model.predict(X[pairs.first[mask]], X[pairs.second[mask]])
    return np.flatnonzero(mask)[np.sign(predicted) != np.sign(dy[mask])]


def is_constant_ratio(oof: np.ndarray, pairs: Pairs) -> bool:
    """True when an absolute candidate's out-of-fold ratio is zero on every pair (a constant model, e.g. the
    median): its anchored recipe is "same as the reference" again."""
    diff = oof[:, pairs.second] - oof[:, pairs.first]
    return bool(np.all(np.abs(diff[np.isfinite(diff)]) < 1e-12))


@dataclass(frozen=True)
class NestedSelection:
    """The held-out scores of a selection procedure: MAE, sign agreement, and how often each recipe was chosen."""

    mae: float
    sign_agreement: float
    wins: dict[str, int]


def nested_selection(
    candidates: Sequence[PairCandidate],
    absolute: Mapping[str, Candidate],
    results: Mapping[str, CVResult],
    names: Sequence[str],
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    pairs: Pairs,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    n_splits: int = 5,
    inner_splits: int = 3,
) -> NestedSelection:
    """Held-out pair MAE of the procedure "pick the anchored recipe with the best inner leave-publication-out MAE".

    The anchored leaderboard's winner is the best of many recipes on the same folds (the winner's curse). Here each
    outer fold chooses on its training side alone (inner grouped CV; absolute candidates with default parameters),
    and the chosen recipe's own out-of-fold answer (``results[name].oof``) scores the held-out pairs. Returns the
    mean MAE over seeds, the sign agreement of the chosen recipes on the held-out control → treated pairs, and how
    often each recipe was chosen.
    """
    dy = pairs.log_ratio(y)
    needed = {c.absolute for c in candidates if c.absolute is not None}
    wins: dict[str, int] = {}
    maes, predictions = [], []
    for r, seed in enumerate(seeds):
        pred = np.full(len(pairs), np.nan)
        for train, test in folds(groups, n_splits, seed):
            held = pairs.held_out(test)
            if not held.any():
                continue
            inner = [(train[a], train[b]) for a, b in folds(groups[train], inner_splits, seed)]
            inner_oof = {name: np.full(len(y), np.nan) for name in needed}
            for name in needed:
                for fit_rows, score_rows in inner:
                    model = absolute[name].make({}, names, seed).fit(X[fit_rows], y[fit_rows])
                    inner_oof[name][score_rows] = model.predict(X[score_rows])

            def inner_mae(
                candidate: PairCandidate, inner: list = inner, inner_oof: dict = inner_oof, seed: int = seed
            ) -> float:
                errors = []
                for fit_rows, score_rows in inner:
                    scored = pairs.held_out(score_rows)
                    if not scored.any():
                        continue
                    guess = np.zeros(int(scored.sum()))
                    if candidate.absolute is not None:
                        f = inner_oof[candidate.absolute]
                        guess += f[pairs.second[scored]] - f[pairs.first[scored]]
                    fit = pairs.inside(fit_rows)
                    if candidate.make_pair is not None and fit.any():
                        model = candidate.make_pair(names, seed).fit(
                            X[pairs.first[fit]], X[pairs.second[fit]], dy[fit], pairs.group[fit]
                        )
                        guess += model.predict(X[pairs.first[scored]], X[pairs.second[scored]])
                    errors.append(np.abs(dy[scored] - guess))
                return float(np.mean(np.concatenate(errors))) if errors else math.inf

            chosen = min(candidates, key=lambda c: (inner_mae(c), not c.is_baseline))
            wins[chosen.name] = wins.get(chosen.name, 0) + 1
            pred[held] = results[chosen.name].oof[r, held]
        scored = np.isfinite(pred)
        maes.append(float(np.mean(np.abs(dy[scored] - pred[scored]))))
        predictions.append(pred)
    return NestedSelection(float(np.mean(maes)), sign_agreement(np.array(predictions), dy, pairs), wins)
