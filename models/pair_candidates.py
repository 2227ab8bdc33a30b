"""Anchored candidates: recipes predicting log10(record / reference) for two records measured on one set-up.

Declared as data, like ``asepred.models.candidates``: no I/O, no logging. An anchored candidate is an optional
absolute candidate whose ratio f(x) − f(x_ref) it uses, plus an optional *pair model* fitted to within-publication
differences. Every pair model is antisymmetric — swapping record and reference flips the sign — so a record identical
to its reference is anchored exactly at the reference's measured value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge

#: The feature differences the learned pair models see: few on purpose (tens of pairs from a handful of papers).
#: ``treated`` is 1 for an engineered sample (any strategy) and 0 for a control sample.
PAIR_FEATURES = ("treated", "site__x_br", "site__x_i", "site__n_layers", "ligand__present")


def pair_features(X: np.ndarray, names: Sequence[str], features: Sequence[str] = PAIR_FEATURES) -> np.ndarray:
    """The named columns of a feature matrix, with ``treated`` derived from ``proc__strategy_control``."""
    index = {name: i for i, name in enumerate(names)}
    columns = []
    for feature in features:
        if feature == "treated":
            columns.append(1.0 - X[:, index["proc__strategy_control"]])
        else:
            columns.append(X[:, index[feature]])
    return np.column_stack(columns).astype(float)


def differences(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """second − first; a feature missing on either side (e.g. n of a 3D film) contributes no difference."""
    return np.nan_to_num(second - first, nan=0.0)


class PairModel(BaseEstimator):
    """Predicts log10(second / first) from the feature rows of the two records (``names`` label the columns)."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = names

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> PairModel:
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return np.zeros(len(second))


class TreatedEffect(PairModel):
    """One learned term, "treated sample vs control": the median over publications of each publication's median
    log-ratio of a treated sample to its control (robust, and each paper counts once — the unit of independence)."""

    def _treated(self, X: np.ndarray) -> np.ndarray:
        return pair_features(X, self.names, ("treated",))[:, 0]

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> TreatedEffect:
        dt = self._treated(second) - self._treated(first)
        informative = dt != 0
        per_publication = [
            float(np.median(dy[informative & (groups == g)] / dt[informative & (groups == g)]))
            for g in np.unique(groups[informative])
        ]
        self.effect_ = float(np.median(per_publication)) if per_publication else 0.0
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return self.effect_ * (self._treated(second) - self._treated(first))


def _publication_medians(values: np.ndarray, groups: np.ndarray) -> list[float]:
    """Each publication's median of ``values`` (the unit of independence: a paper counts once)."""
    return [float(np.median(values[groups == g])) for g in np.unique(groups)]


class StrategyEffect(TreatedEffect):
    """One term per strategy family, shrunk toward the treated term: a family seen in few publications keeps mostly
    the common effect of treating a sample, one seen in many its own (``shrinkage`` publications' worth of prior).

    A family's raw effect is the mean over publications of each publication's median log-ratio treated / control
    (pairs of a control and a sample of that family only)."""

    def __init__(self, names: Sequence[str] = (), shrinkage: float = 2.0) -> None:
        super().__init__(names)
        self.shrinkage = shrinkage

    def _families(self, X: np.ndarray) -> np.ndarray:
        return pair_features(X, self.names, [f"proc__strategy_{s}" for s in self.strategies_])

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> StrategyEffect:
        super().fit(first, second, dy, groups)
        self.strategies_ = [n.removeprefix("proc__strategy_") for n in self.names if n.startswith("proc__strategy_")]
        self.strategies_ = [s for s in self.strategies_ if s != "control"]
        a, b = self._families(first), self._families(second)
        effects = []
        for k in range(len(self.strategies_)):
            # control → family k (dt = +1) or family k → control (dt = -1): dy / dt is the family's log-ratio
            dt = b[:, k] - a[:, k]
            only = (np.abs(dt) == 1) & ((a.sum(axis=1) + b.sum(axis=1)) == 1)
            medians = _publication_medians(dy[only] / dt[only], groups[only]) if only.any() else []
            n = len(medians)
            own = float(np.mean(medians)) if n else 0.0
            effects.append((n * own + self.shrinkage * self.effect_) / (n + self.shrinkage))
        self.effects_ = np.asarray(effects, dtype=float)
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        # a family no training pair names has the treated term itself (shrunk all the way)
        return self._families(second) @ self.effects_ - self._families(first) @ self.effects_


class LayerEffect(TreatedEffect):
    """The treated term plus one term per inorganic layer: within a publication, a change of n (quantum
    confinement, and the energy funnel of a mixed-n film) changes the threshold by a factor per layer. The slope is
    the median over publications of each one's median log-ratio per layer, over pairs of equal treatment."""

    def _n(self, X: np.ndarray) -> np.ndarray:
        return pair_features(X, self.names, ("site__n_layers",))[:, 0]

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> LayerEffect:
        super().fit(first, second, dy, groups)
        dn = differences(self._n(first), self._n(second))
        untreated = self._treated(second) == self._treated(first)
        informative = untreated & (dn != 0)
        medians = _publication_medians(dy[informative] / dn[informative], groups[informative])
        self.per_layer_ = float(np.median(medians)) if medians else 0.0
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        dn = differences(self._n(first), self._n(second))
        return super().predict(first, second) + self.per_layer_ * dn


class DifferenceRidge(PairModel):
    """Ridge without intercept on scaled ``PAIR_FEATURES`` differences (antisymmetric by construction); the
    penalty is chosen by leave-publication-out CV over the training pairs only (nested inside any outer fold)."""

    def __init__(self, names: Sequence[str] = (), alphas: Sequence[float] = (0.3, 3.0, 30.0, 300.0)) -> None:
        super().__init__(names)
        self.alphas = alphas

    def _delta(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return differences(pair_features(first, self.names), pair_features(second, self.names))

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> DifferenceRidge:
        delta = self._delta(first, second)
        scale = np.sqrt(np.mean(delta**2, axis=0))
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = delta / self.scale_
        labels = np.unique(groups)

        def inner_error(alpha: float) -> float:
            errors = []
            for held in labels:
                train = groups != held
                model = Ridge(alpha=alpha, fit_intercept=False).fit(Z[train], dy[train])
                errors.append(np.abs(dy[~train] - model.predict(Z[~train])))
            return float(np.mean(np.concatenate(errors)))

        self.alpha_ = min(self.alphas, key=inner_error) if len(labels) > 2 else max(self.alphas)
        self.ridge_ = Ridge(alpha=self.alpha_, fit_intercept=False).fit(Z, dy)
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return self.ridge_.predict(self._delta(first, second) / self.scale_)


class DifferenceBoost(PairModel):
    """Shallow gradient boosting on ``PAIR_FEATURES`` differences, antisymmetrised: (h(Δ) − h(−Δ)) / 2."""

    def __init__(self, names: Sequence[str] = (), seed: int = 0) -> None:
        super().__init__(names)
        self.seed = seed

    def _delta(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return differences(pair_features(first, self.names), pair_features(second, self.names))

    def fit(self, first: np.ndarray, second: np.ndarray, dy: np.ndarray, groups: np.ndarray) -> DifferenceBoost:
        from xgboost import XGBRegressor  # here, not at import: a served model that never fits one needs no XGBoost

        delta = self._delta(first, second)
        self.booster_ = XGBRegressor(
            n_estimators=60,
            max_depth=2,
            learning_rate=0.1,
            min_child_weight=2.0,
            reg_lambda=5.0,
            n_jobs=1,
            random_state=self.seed,
        ).fit(np.vstack([delta, -delta]), np.concatenate([dy, -dy]))
        return self

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        delta = self._delta(first, second)
        return (self.booster_.predict(delta) - self.booster_.predict(-delta)) / 2


PairFactory = Callable[[Sequence[str], int], PairModel]


@dataclass(frozen=True)
class PairCandidate:
    """An anchored recipe: log10(record / reference) = [f(x) − f(x_ref) of the absolute candidate ``absolute``]
    + [the pair model ``make_pair(names, seed)``]; either part may be absent (both absent: "same as reference")."""

    name: str
    is_baseline: bool
    absolute: str | None = None
    make_pair: PairFactory | None = None
    #: one of the few recipes the shipping procedure chooses among (``SHIPPING``); the others are on the
    #: leaderboard for comparison only
    competes: bool = False


def _treated(names: Sequence[str], seed: int) -> PairModel:
    return TreatedEffect(names)


def _strategy(names: Sequence[str], seed: int) -> PairModel:
    return StrategyEffect(names)


def _layers(names: Sequence[str], seed: int) -> PairModel:
    return LayerEffect(names)


def _ridge(names: Sequence[str], seed: int) -> PairModel:
    return DifferenceRidge(names)


def _boost(names: Sequence[str], seed: int) -> PairModel:
    return DifferenceBoost(names, seed)


SAME_AS_REFERENCE = PairCandidate("same_as_reference", True, competes=True)

#: The recipes the shipping procedure chooses among, fixed in advance: "same as the reference" and three pair-based
#: recipes, each with a physical reason (treated vs its control; per strategy family, shrunk toward it; per layer).
SHIPPING: tuple[PairCandidate, ...] = (
    SAME_AS_REFERENCE,
    PairCandidate("treated_effect", False, make_pair=_treated, competes=True),
    PairCandidate("strategy_effect", False, make_pair=_strategy, competes=True),
    PairCandidate("treated+layers", False, make_pair=_layers, competes=True),
)

#: Pair-only recipes; ``anchored_candidates`` adds, for each non-constant absolute candidate X, its ratio
#: (``X_ratio``) and its ratio plus the treated term (``X+treated``). All but ``SHIPPING`` are for comparison.
PAIR_CANDIDATES: dict[str, PairCandidate] = {
    c.name: c
    for c in (
        *SHIPPING,
        PairCandidate("diff_ridge", False, make_pair=_ridge),
        PairCandidate("diff_boost", False, make_pair=_boost),
    )
}


def anchored_candidates(absolute: Sequence[str]) -> list[PairCandidate]:
    """The pair-only recipes and, for each absolute candidate named, its ratio with and without the treated term."""
    ratios = [PairCandidate(f"{name}_ratio", False, absolute=name) for name in absolute]
    hybrids = [PairCandidate(f"{name}+treated", False, absolute=name, make_pair=_treated) for name in absolute]
    return [*PAIR_CANDIDATES.values(), *ratios, *hybrids]
