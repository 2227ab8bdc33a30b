"""The lab's surrogate (a Gaussian process), its leave-one-out scores, and the acquisition functions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from asepred.campaigns.acquisition import EI_MARGIN, expected_improvement, greedy, lower_confidence_bound
from asepred.campaigns.descriptors import DescriptorMap, same_as_any
from asepred.campaigns.surrogate import LabSurrogate


def _lab(n: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    Z = rng.uniform(-2, 2, size=(n, 2))
    return Z, 1.5 + 0.4 * Z[:, 0] ** 2 - 0.3 * Z[:, 1] + rng.normal(0, noise, n)


def test_leave_one_out_beats_the_lab_mean_on_a_smooth_trend_and_covers_about_90_percent() -> None:
    Z, y = _lab(40, 0.05)
    loo = LabSurrogate().fit(Z, y).leave_one_out()
    mean_baseline = np.mean(np.abs(y - (y.sum() - y) / (len(y) - 1)))
    assert loo.mae < 0.3 * mean_baseline
    assert 0.75 <= loo.coverage_90 <= 1.0


def test_leave_one_out_equals_refitting_without_each_point_at_fixed_hyperparameters() -> None:
    from sklearn.gaussian_process import GaussianProcessRegressor

    Z, y = _lab(12, 0.05, seed=3)
    surrogate = LabSurrogate().fit(Z, y)
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        gp = GaussianProcessRegressor(surrogate.gp_.kernel_, optimizer=None, normalize_y=False)
        offset, scale = surrogate.gp_._y_train_mean, surrogate.gp_._y_train_std
        gp.fit(Z[keep], (y[keep] - offset) / scale)
        errors.append(abs(gp.predict(Z[i : i + 1])[0] * scale + offset - y[i]))
    assert surrogate.leave_one_out().mae == pytest.approx(np.mean(errors), rel=1e-6)


def test_the_noise_of_one_measurement_is_learnt_and_kept_out_of_the_latent_uncertainty() -> None:
    Z, y = _lab(60, 0.1, seed=1)
    surrogate = LabSurrogate().fit(Z, y)
    assert 0.05 < surrogate.noise_sd < 0.2
    mean, latent = surrogate.predict(Z[:5])
    low, high = surrogate.interval_90(mean, latent)
    assert np.all(high - low > 2 * 1.6 * surrogate.noise_sd)  # one measurement's interval holds its noise


def test_the_believer_collapses_the_uncertainty_at_its_pick_and_leaves_far_points_alone() -> None:
    Z, y = _lab(6, 0.02, seed=2)
    surrogate = LabSurrogate().fit(Z, y)
    pick, far = np.array([0.5, 0.5]), np.array([-1.9, 1.9])
    before = surrogate.predict(np.vstack([pick, far]))[1]
    after = surrogate.believing(pick, float(surrogate.predict(pick[None])[0][0])).predict(np.vstack([pick, far]))[1]
    assert after[0] < 0.5 * before[0]
    assert after[1] == pytest.approx(before[1], rel=0.3)


def test_expected_improvement_is_the_closed_form_and_greedy_and_lcb_rank_as_defined() -> None:
    mean, sd, best = np.array([1.0, 1.2, 0.8]), np.array([0.1, 0.3, 1e-12]), 1.1
    gain = best - EI_MARGIN - mean
    z = gain[:2] / sd[:2]
    np.testing.assert_allclose(
        expected_improvement(mean, sd, best)[:2], gain[:2] * norm.cdf(z) + sd[:2] * norm.pdf(z), rtol=1e-12
    )
    assert expected_improvement(mean, sd, best)[2] == pytest.approx(gain[2])  # certain: the improvement itself
    assert list(np.argsort(-greedy(mean, sd, best))) == [2, 0, 1]
    assert list(np.argsort(-lower_confidence_bound(mean, sd, best))) == [1, 2, 0]  # 1.2 − 2·0.3 is lowest


def test_descriptor_map_whitens_the_varying_descriptors_and_recognises_a_measured_candidate() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(200, 3))
    features = np.column_stack([base, 2 * base[:, 0], np.full(200, 7.0), np.full(200, np.nan)])
    descriptors = DescriptorMap().fit(features)
    assert descriptors.dimensions == 3  # the copy adds no direction; constant and empty columns none
    Z = descriptors.transform(features)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=0.05)
    standard = descriptors.standardised(features)
    assert list(np.flatnonzero(same_as_any(standard, standard[[4, 9]]))) == [4, 9]
