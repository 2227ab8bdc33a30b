"""Acquisition functions for a minimised target (log10 threshold): larger is more worth measuring.

Each takes the surrogate's latent mean and standard deviation over the candidates and the best value believed so far
(the lowest posterior mean at a measured sample, which a single lucky reading cannot set). bench/campaign.py runs
them against each other on simulated campaigns; ``SHIPPED`` is the one it chose (docs/campaigns.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.stats import norm

Acquisition = Callable[[np.ndarray, np.ndarray, float], np.ndarray]

#: Expected improvement's margin, decades: improvements smaller than this are not worth an experiment.
EI_MARGIN = 0.01
#: The lower confidence bound's width, in standard deviations.
LCB_WIDTH = 2.0


def expected_improvement(mean: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
    """E[max(best − margin − f, 0)] under the posterior, decades (Jones, Schonlau & Welch 1998)."""
    sd = np.maximum(sd, 1e-9)
    gain = best - EI_MARGIN - mean
    z = gain / sd
    return gain * norm.cdf(z) + sd * norm.pdf(z)


def lower_confidence_bound(mean: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
    """−(mean − width·sd): optimism in the face of uncertainty (Srinivas et al. 2010), as a score."""
    return -(mean - LCB_WIDTH * sd)


def greedy(mean: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
    """−mean: the lowest predicted threshold, uncertainty ignored (the baseline a scientist would use by hand)."""
    return -mean


ACQUISITIONS: dict[str, Acquisition] = {
    "expected-improvement": expected_improvement,
    "lower-confidence-bound": lower_confidence_bound,
    "greedy": greedy,
}
SHIPPED = "expected-improvement"
