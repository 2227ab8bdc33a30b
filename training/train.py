"""One ``asepred train``: grouped CV of every candidate, the best refitted on all records, logged and registered.

Everything happens inside one MLflow parent run, with one child run per candidate of each leaderboard (``evaluate``,
tagged ``mode``: ``absolute`` thresholds, ``anchored`` ratios to a reference). The records are read and featurized
once (``Dataset``); logging and registering the model is ``asepred.training.packaging``. The ``champion`` alias is
the very last thing touched, and only if the registry policy allows; any failure before that leaves the alias where
it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from asepred.core.console import err
from asepred.models.anchoring import Anchor
from asepred.models.candidates import CANDIDATES, Candidate
from asepred.models.domain import ApplicabilityDomain
from asepred.models.evidence import EvidenceIndex
from asepred.models.pair_candidates import SAME_AS_REFERENCE
from asepred.models.predictor import ThresholdPredictor, canonical_spacers
from asepred.training import analysis, packaging
from asepred.training.anchored_choice import AnchoredChoice, choose_anchored
from asepred.training.dataset import Dataset
from asepred.training.leaderboards import Leaderboard, absolute_mode, evaluate, evaluate_anchored
from asepred.training.pairs import Pairs
from asepred.training.run_lifecycle import fail_orphans, owner_tags, stopped_runs_killed
from asepred.training.settings import Settings
from asepred.training.tracking import connect
from asepred.training.tuning import tune


@dataclass(frozen=True)
class Outcome:
    run_id: str
    best: str
    version: str
    promoted: bool
    reason: str
    leaderboard: pd.DataFrame
    anchored: pd.DataFrame = field(default_factory=pd.DataFrame)


def refit(best: Candidate, data: Dataset, settings: Settings, run_id: str) -> tuple[dict, Pipeline]:
    """The winner tuned on every record and refitted on them, behind the dataset's fitted featurizer.

    The pipeline is assembled from fitted steps instead of ``Pipeline(...).fit(frame, y)``: that would fit a second
    featurizer on the same records and featurize them again, to the same ``data.X`` (the featurizer's ``fit`` learns
    nothing from the records; ``tests/training/test_train.py`` checks the two ways give one model)."""
    params = tune(
        best,
        data.names,
        data.X,
        data.y,
        data.groups,
        n_trials=settings.n_trials,
        seed=settings.seeds[0],
        storage=settings.study_storage,
        study_name=f"{run_id}-{best.name}-final" if settings.study_storage else None,
    )
    regressor = best.make(params, data.names, settings.seeds[0]).fit(data.X, data.y)
    return params, Pipeline([("features", data.featurizer), ("regressor", regressor)])


def _anchor(
    data: Dataset,
    settings: Settings,
    pool: dict[str, Candidate],
    pairs: Pairs,
    absolute: Leaderboard,
    anchored: Leaderboard,
    choice: AnchoredChoice | None,
) -> Anchor:
    """The shipped anchored recipe (``choice``) refitted on every pair (and, if it needs another absolute model than
    the champion, that model tuned and refitted on every record), with its cross-validated conformal half-width."""
    champion_name = absolute.best
    champion_halfwidth = absolute.results[champion_name].metrics["interval_halfwidth"]
    if choice is None:  # no within-set-up pairs: no calibration; two predictions' worth of error
        return Anchor(SAME_AS_REFERENCE.name, halfwidth=float(np.sqrt(2) * champion_halfwidth), level=settings.level)
    best = anchored.candidates[choice.shipped]
    seed = settings.seeds[0]
    regressor = None
    if best.absolute is not None and best.absolute != champion_name:
        other = pool[best.absolute]
        params = tune(
            other, data.names, data.X, data.y, data.groups, n_trials=settings.n_trials, seed=seed, storage=None
        )
        regressor = other.make(params, data.names, seed).fit(data.X, data.y)
    pair = None
    if best.make_pair is not None:
        dy = pairs.log_ratio(data.y)
        pair = best.make_pair(data.names, seed).fit(data.X[pairs.first], data.X[pairs.second], dy, pairs.group)
    return Anchor(
        best.name,
        halfwidth=anchored.results[best.name].metrics["interval_halfwidth"],
        level=settings.level,
        uses_absolute=best.absolute is not None,
        regressor=regressor,
        pair=pair,
    )


def _score(row: pd.Series) -> dict[str, object]:
    score = {
        "model": row["model"],
        "mae": float(row["cv_mae"]),
        "mae_ci": [float(v) for v in row["cv_mae_ci"]],
        "rmse": float(row["cv_rmse"]),
        "coverage_90": float(row["coverage_90"]),
    }
    sign = row.get("sign_agreement")
    if sign is not None and np.isfinite(sign):
        score["sign_agreement"] = float(sign)
    return score


def _card(
    data: Dataset, board: pd.DataFrame, best: str, anchored: pd.DataFrame, choice: AnchoredChoice | None
) -> dict[str, object]:
    """What ``GET /model`` shows beside the registry's facts: counts, time, the winner's and best baseline's scores,
    absolute and anchored (the shipped anchored recipe's, and how the procedure chose it)."""
    baselines = board[board["is_baseline"] & (board["model"] != best)]
    anchored_baseline = anchored[anchored["model"] == SAME_AS_REFERENCE.name] if len(anchored) else anchored
    shipped = anchored[anchored["model"] == choice.shipped] if choice is not None else anchored.iloc[:0]
    return {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_records": len(data.frame),
        "n_publications": len(np.unique(data.groups)),
        "absolute": _score(board[board["model"] == best].iloc[0]),
        "absolute_baseline": _score(baselines.iloc[0]) if len(baselines) else None,
        "anchored": _score(shipped.iloc[0]) if len(shipped) else None,
        "anchored_baseline": _score(anchored_baseline.iloc[0]) if len(anchored_baseline) else None,
        "anchored_selection": choice.as_card() if choice is not None else None,
    }


def _predictor(
    data: Dataset,
    settings: Settings,
    pipeline: Pipeline,
    anchor: Anchor,
    absolute: Leaderboard,
    anchored: Leaderboard,
    choice: AnchoredChoice | None,
) -> ThresholdPredictor:
    """The shipped model: the refitted winner with its interval, domain, evidence, anchored recipe and card."""
    return ThresholdPredictor(
        pipeline=pipeline,
        domain=ApplicabilityDomain(feature_names=data.names).fit(data.X, canonical_spacers(data.frame)),
        interval_halfwidth=absolute.results[absolute.best].metrics["interval_halfwidth"],
        interval_level=settings.level,
        model_name=absolute.best,
        # every pulsed record (ASE and lasing, bundled and lab) as citable evidence; lab rows marked
        evidence_index=EvidenceIndex().fit(data.table, lab=data.lab),
        anchor=anchor,
        card=_card(data, absolute.board, absolute.best, anchored.board, choice),
    )


def _log_inputs(data: Dataset, settings: Settings) -> None:
    """The parent run's parameters, its dataset input and its feature list."""
    mlflow.log_params(
        {
            "target": settings.target,
            "n_records": len(data.frame),
            "n_publications": len(np.unique(data.groups)),
            "data_hash": data.digest,
            "n_splits": settings.n_splits,
            "seeds": ",".join(map(str, settings.seeds)),
            "n_trials": settings.n_trials,
            "interval_level": settings.level,
            "bundled": settings.bundled,
            "user_tables": len(settings.data),
        }
    )
    mlflow.log_input(mlflow.data.from_pandas(data.records, name="records", digest=data.digest[:36]), context="training")
    mlflow.log_text("\n".join(data.names), "features.txt")


def _log_winners(
    params: dict,
    anchor: Anchor,
    pairs: Pairs,
    absolute: Leaderboard,
    anchored: Leaderboard,
    choice: AnchoredChoice | None,
) -> None:
    """The parent run's choice: the winner and its tuned parameters, the shipped anchored recipe, how the procedure
    chose it, and their scores."""
    metrics = absolute.results[absolute.best].metrics
    mlflow.log_params({"best_model": absolute.best, **{f"best_{k}": v for k, v in params.items()}})
    mlflow.log_params({"best_anchored": anchor.name, "n_pairs": len(pairs)})
    if choice is not None:
        board = anchored.board
        shipped = board[board["model"] == choice.shipped].iloc[0]
        mlflow.log_params({"anchored_leader": choice.leader, "anchored_reason": choice.reason[:500]})
        mlflow.log_metrics(
            {
                "anchored_cv_mae": float(shipped["cv_mae"]),
                "anchored_coverage_90": float(shipped["coverage_90"]),
                "anchored_interval_halfwidth": anchor.halfwidth,
                "anchored_baseline_cv_mae": choice.baseline_mae,
                "anchored_cv_mae_selection": choice.nested_mae,
                **(
                    {"anchored_sign_agreement_selection": choice.nested_sign_agreement}
                    if np.isfinite(choice.nested_sign_agreement)
                    else {}
                ),
            }
        )
        mlflow.log_dict(choice.wins, "analysis/anchored_selection_wins.json")
    mlflow.log_metrics(
        {
            "cv_mae": metrics["mae"],
            "cv_coverage_90": metrics["coverage_90"],
            "interval_halfwidth": metrics["interval_halfwidth"],
        }
    )


def _log_analysis(
    data: Dataset, best: Candidate, params: dict, board: pd.DataFrame, settings: Settings, pool: dict[str, Candidate]
) -> None:
    """Learning curves of the best recipe and of the best gradient-boosted model, and SHAP of the latter."""
    boosted = board[~board["is_baseline"]]
    best_boosted = pool[boosted.iloc[0]["model"]] if len(boosted) else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if settings.learning_curve:
            recipes = {best.name: params}
            if best_boosted is not None:
                recipes.setdefault(best_boosted.name, {})
            curve = pd.concat(
                [
                    analysis.learning_curve(
                        lambda seed, c=pool[name], p=p: c.make(p, data.names, seed),
                        data.X,
                        data.y,
                        data.groups,
                        seeds=settings.seeds,
                        n_splits=settings.n_splits,
                    ).assign(model=name)
                    for name, p in recipes.items()
                ]
            )
            curve.to_csv(folder / "learning_curve.csv", index=False)
            baseline = board.loc[board["model"] == "median", "cv_mae"]
            analysis.plot_learning_curve(
                curve, float(baseline.iloc[0]) if len(baseline) else float("nan"), folder / "learning_curve.png"
            )
        if best_boosted is not None:
            regressor = best_boosted.make({}, data.names, settings.seeds[0]).fit(data.X, data.y)
            X = data.X
            if isinstance(regressor, Pipeline):
                X, regressor = regressor[:-1].transform(X), regressor[-1]
            name = best_boosted.name
            importance = analysis.shap_summary(regressor, X, data.names, folder / f"shap_{name}.png")
            importance.to_csv(folder / f"shap_{name}.csv", index=False)
        mlflow.log_artifacts(str(folder), artifact_path="analysis")


def _log_selection(
    data: Dataset,
    settings: Settings,
    chosen: Sequence[Candidate],
) -> None:
    """The winner's curse, measured: the selection procedure itself scored by nested CV (the anchored one is
    ``choose_anchored``'s)."""
    if len(chosen) > 1:
        with err.status("scoring the model selection itself…"):
            selected_mae, wins = analysis.selection_mae(
                chosen, data.names, data.X, data.y, data.groups, seeds=settings.seeds, n_splits=settings.n_splits
            )
        mlflow.log_metric("cv_mae_selection", selected_mae)
        mlflow.log_dict(wins, "analysis/selection_wins.json")


def train(settings: Settings) -> Outcome:
    """Cross-validate, select, log and register (see the module docstring) with one OpenMP thread: the candidates
    fit tens of records, where threads only cost, and on a shared 2-core machine scikit-learn's histogram boosting
    with two OpenMP threads slowed ~100-fold under a concurrent load (``python bench/openmp_threads.py``)."""
    with threadpool_limits(limits=1, user_api="openmp"):
        return _train(settings)


def _train(settings: Settings) -> Outcome:
    data = Dataset.load(settings)
    pool = {**CANDIDATES, **settings.extra_candidates}
    chosen = [pool[name] for name in settings.candidates]
    pairs = Pairs.within(data.groups, treated=(data.frame["strategy"] != "").to_numpy())

    experiment_id = connect(settings.experiment)
    orphans = fail_orphans(experiment_id)
    if orphans:
        err.print(
            f"marked {len(orphans)} training run(s) FAILED, left RUNNING by a process that is gone: "
            + ", ".join(run_id[:8] for run_id in orphans),
            highlight=False,
        )
    with stopped_runs_killed() as stops, mlflow.start_run(run_name="train", tags=owner_tags()) as parent:
        run_id = parent.info.run_id
        stops.started.append(run_id)
        _log_inputs(data, settings)
        absolute = evaluate(absolute_mode(data, settings, study_prefix=run_id), chosen, data, settings)
        anchored = evaluate_anchored(data, settings, pairs, absolute)
        with err.status("choosing the anchored recipe by nested CV…"):
            choice = choose_anchored(data, settings, pool, pairs, anchored)
        best = pool[absolute.best]
        params, pipeline = refit(best, data, settings, run_id)
        anchor = _anchor(data, settings, pool, pairs, absolute, anchored, choice)
        predictor = _predictor(data, settings, pipeline, anchor, absolute, anchored, choice)
        _log_winners(params, anchor, pairs, absolute, anchored, choice)
        with err.status("learning curves and SHAP summary…"):
            _log_analysis(data, best, params, absolute.board, settings, pool)
        _log_selection(data, settings, chosen)
        stops.check()  # a stop whose signal landed in a finalizer must still stop the run before it registers
        with err.status(f"logging and registering {best.name}…"):
            version = packaging.register(run_id, packaging.log_predictor(predictor, data.frame))
        cv_mae = absolute.results[best.name].metrics["mae"]
        stops.check()
        promoted, reason = packaging.promote(version, cv_mae, data.digest, settings.force)
    return Outcome(run_id, best.name, version, promoted, reason, absolute.board, anchored.board)
