"""Hyper-parameter search with Optuna, run inside a training fold so no score is tuned on its own test records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import optuna
from sklearn.base import RegressorMixin

from asepred.models.candidates import Candidate
from asepred.training.cv import folds
from asepred.training.metrics import mae


def suggest(trial: optuna.Trial, space: Mapping[str, tuple[str, float, float]]) -> dict[str, object]:
    params: dict[str, object] = {}
    for name, (kind, low, high) in space.items():
        if kind == "int":
            params[name] = trial.suggest_int(name, int(low), int(high))
        elif kind == "log":
            params[name] = trial.suggest_float(name, low, high, log=True)
        else:
            params[name] = trial.suggest_float(name, low, high)
    return params


def tune(
    candidate: Candidate,
    feature_names: Sequence[str],
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    n_trials: int,
    seed: int,
    storage: str | None = None,
    study_name: str | None = None,
    inner_splits: int = 3,
) -> dict[str, object]:
    """Best parameters of ``candidate`` by inner grouped-CV MAE on (X, y); ``{}`` (defaults) without a space."""
    if n_trials <= 0 or not candidate.space or len(np.unique(groups)) < inner_splits:
        return {}
    inner = folds(groups, inner_splits, seed)

    def objective(trial: optuna.Trial) -> float:
        params = suggest(trial, candidate.space)
        scores = []
        for train, test in inner:
            model = candidate.make(params, feature_names, seed).fit(X[train], y[train])
            scores.append(mae(y[test], model.predict(X[test])))
        return float(np.mean(scores))

    # ERROR: a trial stopped by SIGTERM is logged as a failed trial with a traceback at WARNING; the stop is said once
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        storage=storage,
        study_name=study_name,
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=n_trials)
    return dict(study.best_params)


def tuned_factory(
    candidate: Candidate,
    feature_names: Sequence[str],
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    n_trials: int,
    storage: str | None,
    study_prefix: str,
) -> callable:
    """``make(seed, train_rows)`` for ``cross_validate``: tunes on the training rows only, then builds."""
    calls = {"n": 0}

    def make(seed: int, train: np.ndarray) -> RegressorMixin:
        calls["n"] += 1
        params = tune(
            candidate,
            feature_names,
            X[train],
            y[train],
            groups[train],
            n_trials=n_trials,
            seed=seed,
            storage=storage,
            study_name=f"{study_prefix}-{candidate.name}-fold{calls['n']}" if storage else None,
        )
        return candidate.make(params, feature_names, seed)

    return make
