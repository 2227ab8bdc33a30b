"""The coordinates a campaign's surrogate works in: the featurizer's descriptors of the space's candidates,
standardised, then whitened principal components.

A space varies few things (a halide fraction, a spacer, n, a pump pulse…) but the featurizer describes each with
many correlated numbers (a spacer alone brings a dozen RDKit descriptors). Whitened principal components over the
candidates give each independent direction of the space one unit of spread, whichever family it came from, and few
enough dimensions (``MAX_DIMENSIONS``) for a Gaussian process with a length scale per dimension to be fitted on a
handful of measurements. Distances in these coordinates also decide what a near-duplicate is
(``asepred.campaigns.batch``).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import PCA

#: Principal components kept at most, and the share of the candidates' standardised variance they must explain.
MAX_DIMENSIONS = 8
EXPLAINED = 0.99
#: Candidates whose standardised descriptors agree within this are the same experiment.
SAME = 1e-6


class DescriptorMap:
    """Descriptors → whitened principal coordinates, fitted on a sample of the space's candidates (and the lab's
    measured samples, so that a measured point outside the space still has coordinates of its own)."""

    def fit(self, features: np.ndarray) -> DescriptorMap:
        features = np.asarray(features, dtype=float)
        with warnings.catch_warnings():  # a descriptor no candidate states (all NaN) is filled with 0
            warnings.simplefilter("ignore", RuntimeWarning)
            self.fill_ = np.nan_to_num(np.nanmedian(features, axis=0))
        filled = np.where(np.isnan(features), self.fill_, features)
        spread = filled.std(axis=0)
        self.varying_ = spread > 1e-9 * np.maximum(1.0, np.abs(filled.mean(axis=0)))
        self.center_ = filled.mean(axis=0)
        self.scale_ = np.where(self.varying_, spread, 1.0)
        standard = self.standardised(features)
        if standard.shape[1] == 0 or len(standard) < 2:
            self.pca_ = None
            return self
        pca = PCA().fit(standard)
        share = np.cumsum(pca.explained_variance_ratio_)
        rank = int(np.sum(pca.explained_variance_ > 1e-9 * max(pca.explained_variance_[0], 1e-300)))
        keep = max(1, min(MAX_DIMENSIONS, rank, int(np.searchsorted(share, EXPLAINED) + 1)))
        self.pca_ = PCA(n_components=keep, whiten=True).fit(standard)
        return self

    @property
    def dimensions(self) -> int:
        return 0 if self.pca_ is None else int(self.pca_.n_components_)

    @property
    def explained(self) -> float:
        return 0.0 if self.pca_ is None else float(self.pca_.explained_variance_ratio_.sum())

    def standardised(self, features: np.ndarray) -> np.ndarray:
        """Descriptors centred and scaled by the fitted spread; only those that vary over the space."""
        features = np.asarray(features, dtype=float)
        filled = np.where(np.isnan(features), self.fill_, features)
        return ((filled - self.center_) / self.scale_)[:, self.varying_]

    def transform(self, features: np.ndarray) -> np.ndarray:
        standard = self.standardised(features)
        if self.pca_ is None:
            return np.zeros((len(standard), 1))
        return self.pca_.transform(standard)


def same_as_any(standard: np.ndarray, measured: np.ndarray) -> np.ndarray:
    """Per row of ``standard``: does it equal (within ``SAME``) a row of ``measured``? Both standardised."""
    if len(measured) == 0 or standard.shape[1] == 0:
        return np.zeros(len(standard), dtype=bool)
    same = np.zeros(len(standard), dtype=bool)
    for row in measured:  # a lab table has tens of rows: a loop over them, each vectorised over the candidates
        same |= np.max(np.abs(standard - row), axis=1) <= SAME
    return same
