"""Choosing a batch: diverse (no near-duplicates), exploit or explore said, or space-filling."""

from __future__ import annotations

import numpy as np

from asepred.campaigns.acquisition import expected_improvement, greedy
from asepred.campaigns.batch import NEAR_DUPLICATE, by_acquisition, space_filling
from asepred.campaigns.surrogate import LabSurrogate


def _grid() -> np.ndarray:
    axis = np.linspace(-2, 2, 21)
    return np.array([(a, b) for a in axis for b in axis])


def _fitted(Z: np.ndarray, seed: int = 0) -> tuple[LabSurrogate, float]:
    rng = np.random.default_rng(seed)
    measured = Z[rng.choice(len(Z), size=8, replace=False)]
    y = 1.0 + 0.5 * ((measured - 1.0) ** 2).sum(axis=1)
    surrogate = LabSurrogate().fit(measured, y)
    return surrogate, float(surrogate.predict(measured)[0].min())


def _pairwise_min(points: np.ndarray) -> float:
    d = np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=2))
    return float(d[np.triu_indices(len(points), 1)].min())


def test_a_batch_is_distinct_and_free_of_near_duplicates_even_when_greedy() -> None:
    Z = _grid()
    surrogate, best = _fitted(Z)
    for rule in (expected_improvement, greedy):
        picks = by_acquisition(Z, surrogate, rule, best, 6)
        assert len({p.index for p in picks}) == 6
        assert _pairwise_min(Z[[p.index for p in picks]]) >= NEAR_DUPLICATE


def test_the_first_greedy_pick_exploits_and_says_so_and_explorations_say_why() -> None:
    Z = _grid()
    surrogate, best = _fitted(Z)
    picks = by_acquisition(Z, surrogate, greedy, best, 3)
    mean = surrogate.predict(Z)[0]
    assert picks[0].index == int(np.argmin(mean))
    assert picks[0].why.startswith("exploit: the lowest predicted threshold")
    picks = by_acquisition(Z, surrogate, expected_improvement, best, 4)
    assert all(p.why.startswith(("exploit", "explore")) for p in picks)
    assert any("decades" in p.why for p in picks if p.why.startswith("explore"))


def test_space_filling_starts_at_the_centre_then_goes_farthest_from_everything() -> None:
    Z = _grid()
    picks = space_filling(Z, np.empty((0, 2)), 3)
    np.testing.assert_allclose(Z[picks[0].index], [0.0, 0.0], atol=1e-12)
    assert np.abs(Z[picks[1].index]).max() == 2.0  # a corner
    measured = np.array([[2.0, 2.0]])
    first = space_filling(Z, measured, 1)[0]
    np.testing.assert_allclose(Z[first.index], [-2.0, -2.0])
    assert first.acquisition == np.sqrt(32)
