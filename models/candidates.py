"""The candidate estimators and their search spaces, declared as data: no I/O, no logging.

Each candidate is the regressor that follows the featurizer. Search spaces are small on purpose: the table holds
tens of publications, and a wide search would fit the cross-validation noise.

Each factory imports its library when it is called, not when this module is imported: ``asepred train --help`` and
``--model``'s validation read the names here, and scikit-learn, LightGBM and XGBoost cost ~1.4 s of imports
(docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.base import RegressorMixin

#: A search-space entry: ("int", low, high), ("float", low, high) or ("log", low, high) for a log-uniform float.
Space = Mapping[str, tuple[str, float, float]]


@dataclass(frozen=True)
class Candidate:
    """A named regressor recipe: ``make(params, feature_names, seed)`` builds an unfitted estimator."""

    name: str
    is_baseline: bool
    make: Callable[[Mapping[str, object], Sequence[str], int], RegressorMixin]
    space: Space = field(default_factory=dict)


def _median(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from sklearn.dummy import DummyRegressor

    return DummyRegressor(strategy="median")


def _cell_mean(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from asepred.models.baselines import CellMeanRegressor

    return CellMeanRegressor(feature_names=tuple(names), prefixes=("proc__dim_", "proc__pulse_"))


def _ridge(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
        Ridge(alpha=float(params.get("alpha", 10.0))),
    )


def _xgboost(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from xgboost import XGBRegressor

    return XGBRegressor(
        n_estimators=int(params.get("n_estimators", 300)),
        max_depth=int(params.get("max_depth", 3)),
        learning_rate=float(params.get("learning_rate", 0.05)),
        min_child_weight=float(params.get("min_child_weight", 2.0)),
        subsample=0.8,
        colsample_bytree=0.8,
        reg_lambda=float(params.get("reg_lambda", 1.0)),
        n_jobs=1,
        random_state=seed,
    )


def _hist_gb(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    # An all-missing column in a small training fold breaks HGB's binning: impute first (medians; empty → 0).
    return make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True),
        HistGradientBoostingRegressor(
            max_iter=int(params.get("max_iter", 200)),
            max_depth=int(params.get("max_depth", 3)),
            learning_rate=float(params.get("learning_rate", 0.05)),
            min_samples_leaf=int(params.get("min_samples_leaf", 5)),
            l2_regularization=float(params.get("l2_regularization", 1.0)),
            random_state=seed,
        ),
    )


def _lightgbm(params: Mapping, names: Sequence[str], seed: int) -> RegressorMixin:
    from lightgbm import LGBMRegressor

    return LGBMRegressor(
        n_estimators=int(params.get("n_estimators", 200)),
        num_leaves=int(params.get("num_leaves", 7)),
        learning_rate=float(params.get("learning_rate", 0.05)),
        min_child_samples=int(params.get("min_child_samples", 5)),
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        n_jobs=1,
        random_state=seed,
        verbose=-1,
    )


CANDIDATES: dict[str, Candidate] = {
    c.name: c
    for c in (
        Candidate("median", True, _median),
        Candidate("cell_mean", True, _cell_mean),
        Candidate("ridge", True, _ridge, {"alpha": ("log", 0.1, 100.0)}),
        Candidate(
            "xgboost",
            False,
            _xgboost,
            {
                "max_depth": ("int", 2, 5),
                "learning_rate": ("log", 0.01, 0.2),
                "n_estimators": ("int", 100, 500),
                "min_child_weight": ("float", 1.0, 6.0),
                "reg_lambda": ("log", 0.1, 10.0),
            },
        ),
        Candidate(
            "hist_gb",
            False,
            _hist_gb,
            {
                "max_depth": ("int", 2, 5),
                "learning_rate": ("log", 0.01, 0.2),
                "max_iter": ("int", 100, 400),
                "min_samples_leaf": ("int", 3, 10),
                "l2_regularization": ("log", 0.01, 10.0),
            },
        ),
        Candidate(
            "lightgbm",
            False,
            _lightgbm,
            {
                "num_leaves": ("int", 3, 15),
                "learning_rate": ("log", 0.01, 0.2),
                "n_estimators": ("int", 100, 400),
                "min_child_samples": ("int", 3, 10),
            },
        ),
    )
}
