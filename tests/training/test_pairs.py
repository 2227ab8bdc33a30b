"""Within-set-up pairs: construction, leave-publication-out over pairs, and the anchored interval's coverage."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from asepred.models.pair_candidates import (
    SAME_AS_REFERENCE,
    DifferenceBoost,
    DifferenceRidge,
    PairCandidate,
    PairModel,
    TreatedEffect,
)
from asepred.training.cv import folds
from asepred.training.pairs import Pairs, evaluate_pairs, is_constant_ratio, setup_groups

NAMES = ["proc__strategy_control", "site__x_br", "site__x_i", "site__n_layers", "ligand__present", "row"]


def test_pairs_are_every_ordered_pair_inside_one_group() -> None:
    groups = np.array(["a", "a", "b", "c", "c", "c"])
    pairs = Pairs.within(groups)
    assert len(pairs) == 2 + 6  # a: 2·1, b: none, c: 3·2
    assert all(groups[i] == groups[j] == g for i, j, g in zip(pairs.first, pairs.second, pairs.group, strict=True))
    assert not np.any(pairs.first == pairs.second)
    ordered = set(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True))
    assert all((j, i) in ordered for i, j in ordered)
    y = np.array([1.0, 2.0, 0.0, 0.0, 0.5, 1.5])
    assert pairs.log_ratio(y)[0] == pytest.approx(y[pairs.second[0]] - y[pairs.first[0]])


def test_a_labs_rows_pair_by_their_reference() -> None:
    frame = pd.DataFrame(
        {
            "doi": ["10.1/x", "10.1/x", "", "10.9/own", "10.8/other"],
            "reference": ["Paper X", "Paper X", "Paper Y", "our set-up A", "our set-up A"],
            "source": ["literature", "literature", "seed-table", "lab", "lab"],
        }
    )
    groups = setup_groups(frame)
    assert groups[0] == groups[1] == "10.1/x"
    assert groups[2] == "Paper Y"
    assert groups[3] == groups[4] != groups[0]  # one lab set-up, whatever DOIs its rows cite
    assert len(Pairs.within(groups)) == 4


class _Spy(PairModel):
    """Remembers which rows it was fitted on (the ``row`` column holds each row's index)."""

    seen: ClassVar[list[tuple[set[int], set[int]]]] = []

    def fit(self, first, second, dy, groups):
        self.fitted_ = set(first[:, -1].astype(int)) | set(second[:, -1].astype(int))
        return self

    def predict(self, first, second):
        _Spy.seen.append((self.fitted_, set(first[:, -1].astype(int)) | set(second[:, -1].astype(int))))
        return np.zeros(len(second))


def _table(n_publications: int = 24, per: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Publications with a large set-up offset each (σ = 1 decade) and a treated effect of −0.5 decades inside them:
    the absolute scatter is set-up, the relative signal is chemistry."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"p{k}" for k in range(n_publications)], per)
    n = len(groups)
    treated = np.tile([0.0] + [1.0] * (per - 1), n_publications)
    X = np.zeros((n, len(NAMES)))
    X[:, 0] = 1 - treated
    X[:, 1] = rng.uniform(0, 1, n)
    X[:, 3] = np.nan  # n of a 3D film: no difference
    X[:, 5] = np.arange(n)
    offset = dict(zip(np.unique(groups), rng.normal(0, 1.0, n_publications), strict=True))
    y = 1.0 + np.array([offset[g] for g in groups]) - 0.5 * treated + rng.normal(0, 0.1, n)
    return X, y, groups


def test_no_publication_is_on_both_sides_of_a_pair_fold() -> None:
    X, y, groups = _table()
    pairs = Pairs.within(groups)
    _Spy.seen.clear()
    spy = PairCandidate("spy", False, make_pair=lambda names, seed: _Spy(names))
    evaluate_pairs(spy, NAMES, X, y, groups, pairs, {}, n_splits=4, seeds=(0, 1))
    assert len(_Spy.seen) == 8
    for fitted, predicted in _Spy.seen:
        assert fitted and predicted
        assert not set(groups[list(fitted)]) & set(groups[list(predicted)])
    # the pair folds are the absolute CV's folds: every held-out pair lies inside one held-out fold of records
    test_rows = [set(test) for _, test in folds(groups, 4, 0)]
    assert all(any(predicted <= rows for rows in test_rows) for _, predicted in _Spy.seen[:4])


def test_a_learned_relative_term_beats_same_as_reference_and_its_interval_covers_held_out_pairs() -> None:
    X, y, groups = _table(n_publications=40)
    pairs = Pairs.within(groups)
    same = evaluate_pairs(SAME_AS_REFERENCE, NAMES, X, y, groups, pairs, {}, seeds=(0, 1, 2))
    treated = evaluate_pairs(
        PairCandidate("treated_effect", False, make_pair=lambda n, s: TreatedEffect(n)),
        NAMES,
        X,
        y,
        groups,
        pairs,
        {},
        seeds=(0, 1, 2),
    )
    assert same.metrics["mae"] > 0.25  # half the pairs differ by the treated effect of 0.5
    assert treated.metrics["mae"] < 0.15  # noise of a difference: 0.1·√2·√(2/π) ≈ 0.11
    assert 0.8 <= treated.metrics["coverage_90"] <= 0.97  # calibrated on the other folds' pairs only
    assert treated.intervals["mae"][0] <= treated.metrics["mae"] <= treated.intervals["mae"][1]
    assert np.isfinite(treated.interval_lower).all()


def test_an_absolute_candidates_ratio_is_the_difference_of_its_out_of_fold_predictions() -> None:
    X, y, groups = _table()
    pairs = Pairs.within(groups)
    oof = np.vstack([y + 0.3, y - 0.2])  # a perfect model up to a constant per repeat: perfect ratios
    result = evaluate_pairs(
        PairCandidate("perfect_ratio", False, absolute="perfect"),
        NAMES,
        X,
        y,
        groups,
        pairs,
        {"perfect": oof},
        seeds=(0, 1),
    )
    assert result.metrics["mae"] == pytest.approx(0.0, abs=1e-12)
    assert is_constant_ratio(np.full((2, len(y)), 0.7), pairs)
    assert not is_constant_ratio(oof, pairs)


@pytest.mark.parametrize("model", [TreatedEffect(NAMES), DifferenceRidge(NAMES), DifferenceBoost(NAMES)])
def test_pair_models_are_antisymmetric_and_zero_on_identical_records(model: PairModel) -> None:
    X, y, groups = _table()
    pairs = Pairs.within(groups)
    model.fit(X[pairs.first], X[pairs.second], pairs.log_ratio(y), pairs.group)
    forward = model.predict(X[pairs.first], X[pairs.second])
    backward = model.predict(X[pairs.second], X[pairs.first])
    np.testing.assert_allclose(forward, -backward, atol=1e-6)
    np.testing.assert_allclose(model.predict(X, X), 0.0, atol=1e-6)
    # it learned the treated effect: a treated record below its control
    control, treated = X[[0]], X[[1]]
    assert model.predict(control, treated)[0] < -0.2


def test_the_anchored_selection_is_scored_as_a_procedure() -> None:
    from asepred.training.pairs import nested_selection

    X, y, groups = _table(n_publications=30)
    pairs = Pairs.within(groups)
    treated = PairCandidate("treated_effect", False, make_pair=lambda n, s: TreatedEffect(n))
    candidates = [SAME_AS_REFERENCE, treated]
    results = {c.name: evaluate_pairs(c, NAMES, X, y, groups, pairs, {}, seeds=(0,), n_splits=4) for c in candidates}
    nested = nested_selection(candidates, {}, results, NAMES, X, y, groups, pairs, seeds=(0,), n_splits=4)
    assert nested.wins == {"treated_effect": 4}  # the relative signal is found on every outer training side
    assert nested.mae == pytest.approx(results["treated_effect"].metrics["mae"])
