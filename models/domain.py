"""Applicability domain: is a new record like the records the model learned from, and if not, why not."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.validation import check_is_fitted

#: One-hot or fraction columns whose non-zero value marks a category (an ion, a dimensionality, a regime).
_CATEGORY_PREFIXES = ("site__a_", "site__b_", "site__x_", "proc__dim_", "proc__pulse_")


class ApplicabilityDomain(BaseEstimator):
    """Flags records outside the training data, with reasons.

    A record is out of domain when (a) it has an ion, dimensionality or pump regime the training data never had;
    (b) its spacer ligand was never seen; (c) its layer number n lies outside the trained range; or (d) its
    distance to the ``k`` nearest training records in standardised feature space exceeds the ``quantile`` of the
    training records' own (leave-one-out) distances. Features that never varied in training are left out of the
    distance (the model cannot have used them); a record that sets one differently gets a note, not a flag.
    """

    def __init__(self, feature_names: Sequence[str] = (), k: int = 3, quantile: float = 0.95) -> None:
        self.feature_names = feature_names
        self.k = k
        self.quantile = quantile

    def fit(self, X: np.ndarray, spacers: Sequence[str]) -> ApplicabilityDomain:
        X = np.asarray(X, dtype=float)
        names = list(self.feature_names)
        with warnings.catch_warnings():  # a column never stated in training (all NaN) has centre 0, said in notes
            warnings.simplefilter("ignore", RuntimeWarning)
            self.center_ = np.nan_to_num(np.nanmedian(X, axis=0))
        filled = np.where(np.isnan(X), self.center_, X)
        spread = filled.std(axis=0)
        self.varying_ = spread > 1e-9 * np.maximum(1.0, np.abs(self.center_))
        self.scale_ = np.where(self.varying_, spread, 1.0)
        Z = ((filled - self.center_) / self.scale_)[:, self.varying_]
        k = min(self.k, len(Z) - 1)
        self.neighbors_ = NearestNeighbors(n_neighbors=k + 1).fit(Z)
        distances, _ = self.neighbors_.kneighbors(Z)
        self.distance_limit_ = float(np.quantile(distances[:, 1:].mean(axis=1), self.quantile))
        self.category_columns_ = [i for i, n in enumerate(names) if n.startswith(_CATEGORY_PREFIXES)]
        self.seen_categories_ = {names[i] for i in self.category_columns_ if np.nansum(X[:, i]) > 0}
        self.seen_spacers_ = sorted({s for s in spacers if s})
        n_col = names.index("site__n_layers") if "site__n_layers" in names else None
        self.n_range_ = (float(np.nanmin(X[:, n_col])), float(np.nanmax(X[:, n_col]))) if n_col is not None else None
        self.n_col_ = n_col
        return self

    def check(self, X: np.ndarray, spacers: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
        """Per record: the reasons it is out of domain (empty: in domain), and notes that do not flag it."""
        check_is_fitted(self, "neighbors_")
        X = np.asarray(X, dtype=float)
        names = list(self.feature_names)
        filled = np.where(np.isnan(X), self.center_, X)
        Z = ((filled - self.center_) / self.scale_)[:, self.varying_]
        distance = self._mean_neighbor_distance(Z)
        # Notes name the request's own inputs (proc__), not the descriptors derived from them.
        constant = np.array(
            [
                i
                for i in np.flatnonzero(~self.varying_)
                if names[i].startswith("proc__") and not names[i].startswith(_CATEGORY_PREFIXES)
            ],
            dtype=np.intp,
        )
        center = self.center_[constant]
        differs = ~np.isnan(X[:, constant]) & (np.abs(X[:, constant] - center) > 1e-9 * np.maximum(1.0, np.abs(center)))
        notes: list[list[str]] = [[] for _ in range(len(X))]
        for r, c in zip(*np.nonzero(differs), strict=True):
            i = constant[c]
            notes[r].append(
                f"{names[i].split('__', 1)[1]} = {X[r, i]:g} but it was {self.center_[i]:g} (or unstated) for every "
                "training record: the model cannot use it"
            )
        categories = np.asarray(self.category_columns_, dtype=np.intp)
        unseen = np.array([names[i] not in self.seen_categories_ for i in categories], dtype=bool)
        new_category = (X[:, categories] > 0) & unseen
        if self.n_col_ is not None:
            n = X[:, self.n_col_]
            outside_n = ~((self.n_range_[0] <= n) & (n <= self.n_range_[1]))  # NaN is outside, as before
        far = distance > self.distance_limit_
        seen_spacers = set(self.seen_spacers_)
        unseen_named: dict[int, list[str]] = {}
        for r, c in zip(*np.nonzero(new_category), strict=True):
            unseen_named.setdefault(r, []).append(f"{names[categories[c]].split('__', 1)[1]} never seen in training")
        reasons: list[list[str]] = []
        for r, spacer in enumerate(spacers):
            why = list(unseen_named.get(r, ()))
            if spacer and spacer not in seen_spacers:
                why.append(f"spacer {spacer} never seen in training")
            if self.n_col_ is not None and outside_n[r]:
                low, high = self.n_range_
                why.append(f"n_layers {X[r, self.n_col_]:g} outside the trained range {low:g}–{high:g}")
            if far[r]:
                why.append(f"far from the training records (distance {distance[r]:.2f} > {self.distance_limit_:.2f})")
            reasons.append(why)
        if len(reasons) != len(X):
            raise ValueError(f"{len(X)} feature rows but {len(reasons)} spacers")
        return reasons, notes

    def _mean_neighbor_distance(self, Z: np.ndarray) -> np.ndarray:
        """Mean Euclidean distance of each row of ``Z`` to its ``k`` nearest training rows, in numpy: the same
        numbers as ``neighbors_.kneighbors`` without its per-call set-up (~10 ms, most of a one-record request)."""
        train = self.neighbors_._fit_X
        k = min(self.k, len(train))
        # candidates by |q|² + |t|² − 2 q·t (one matrix product), then the exact distance to the k chosen
        squared = (Z * Z).sum(axis=1)[:, None] + (train * train).sum(axis=1)[None, :] - 2.0 * Z @ train.T
        nearest = np.argpartition(squared, k - 1, axis=1)[:, :k] if k < len(train) else np.indices(squared.shape)[1]
        exact = np.sqrt(((Z[:, None, :] - train[nearest]) ** 2).sum(axis=2))
        return exact.mean(axis=1)
