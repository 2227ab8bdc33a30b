"""One ``asepred train``: grouped CV of every candidate, the best refitted on all records, logged and registered.

Everything happens inside one MLflow parent run (one child run per candidate). The ``champion`` alias is the very
last thing touched, and only if the registry policy allows; any failure before that leaves the alias where it was.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from mlflow.tracking import MlflowClient
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from asepred.core import config
from asepred.core.console import err
from asepred.core.errors import DataValidationError, NoChampionError
from asepred.core.pyfunc import PredictorModel
from asepred.data.records import (
    bundled_records,
    data_hash,
    load_records,
    log10_threshold,
    target_records,
)
from asepred.features.base import RECORD_DEFAULTS, as_record_frame
from asepred.features.featurizer import RecordFeaturizer
from asepred.models.anchoring import Anchor
from asepred.models.candidates import CANDIDATES, Candidate
from asepred.models.domain import ApplicabilityDomain
from asepred.models.evidence import EvidenceIndex
from asepred.models.pair_candidates import SAME_AS_REFERENCE, PairCandidate, anchored_candidates
from asepred.models.predictor import ThresholdPredictor, canonical_spacers
from asepred.training import analysis, reports
from asepred.training.cv import CVResult, cross_validate
from asepred.training.pairs import Pairs, evaluate_pairs, is_constant_ratio, setup_groups
from asepred.training.pairs import selection_mae as selection_mae_pairs
from asepred.training.settings import Settings
from asepred.training.tracking import champion, connect, should_promote
from asepred.training.tuning import tune, tuned_factory

INPUT_FIELDS = tuple(RECORD_DEFAULTS)
PIP_REQUIREMENTS = ["asepred"]


@dataclass(frozen=True)
class Outcome:
    run_id: str
    best: str
    version: str
    promoted: bool
    reason: str
    leaderboard: pd.DataFrame
    anchored: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class Dataset:
    """The records trained on and everything derived from them once."""

    records: pd.DataFrame
    frame: pd.DataFrame
    y: np.ndarray
    groups: np.ndarray
    X: np.ndarray
    names: list[str]
    digest: str

    @classmethod
    def load(cls, settings: Settings) -> Dataset:
        records = load_records(settings.data, bundled=settings.bundled)
        rows = target_records(records, settings.target)
        frame = as_record_frame(rows)
        groups = setup_groups(frame)  # publications; a lab's rows by their reference
        if len(np.unique(groups)) < 3:
            raise DataValidationError(
                f"{len(frame)} {settings.target} records from {len(np.unique(groups))} publication(s): grouped "
                "cross-validation needs at least 3 publications",
                [],
            )
        featurizer = RecordFeaturizer().fit(frame)
        return cls(
            records=rows,
            frame=frame,
            y=log10_threshold(frame),
            groups=groups,
            X=featurizer.transform(frame),
            names=list(featurizer.get_feature_names_out()),
            digest=data_hash(rows),  # the rows trained on: a new target or table is new data
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _evaluate(
    data: Dataset, chosen: Sequence[Candidate], settings: Settings, study_prefix: str
) -> tuple[pd.DataFrame, dict[str, CVResult]]:
    """Grouped CV of each candidate in a child run; the leaderboard, best CV MAE first."""
    results: dict[str, CVResult] = {}
    rows = []
    n_folds = min(settings.n_splits, len(np.unique(data.groups))) * len(settings.seeds)
    with _progress() as progress:
        task = progress.add_task("cross-validating", total=n_folds * len(chosen))
        for candidate in chosen:
            progress.update(task, description=f"CV {candidate.name}")
            make = tuned_factory(
                candidate,
                data.names,
                data.X,
                data.y,
                data.groups,
                n_trials=settings.n_trials,
                storage=settings.study_storage,
                study_prefix=study_prefix,
            )
            result = cross_validate(
                make,
                data.X,
                data.y,
                data.groups,
                n_splits=settings.n_splits,
                seeds=settings.seeds,
                level=settings.level,
                on_fold=lambda: progress.advance(task),
            )
            results[candidate.name] = result
            with mlflow.start_run(run_name=candidate.name, nested=True, tags={"mode": "absolute"}) as child:
                mlflow.log_params(
                    {"model": candidate.name, "is_baseline": candidate.is_baseline, "data_hash": data.digest}
                )
                mlflow.log_metrics({f"cv_{k}": v for k, v in result.metrics.items()})
                for metric, (low, high) in result.intervals.items():
                    mlflow.log_metrics({f"cv_{metric}_ci_low": low, f"cv_{metric}_ci_high": high})
                reports.log_cv_artifacts(data.frame, data.y, result)
            rows.append(reports.leaderboard_row(candidate, result, child.info.run_id))
    return pd.DataFrame(rows).sort_values("cv_mae").reset_index(drop=True), results


def _evaluate_anchored(
    data: Dataset, absolute: dict[str, CVResult], settings: Settings, pairs: Pairs
) -> tuple[pd.DataFrame, dict[str, CVResult], dict[str, PairCandidate]]:
    """Leave-publication-out scores of every anchored recipe over within-set-up pairs, each in a child run tagged
    ``mode=anchored``; the anchored leaderboard, best MAE first (empty without pairs from two publications)."""
    if len(np.unique(pairs.group)) < 2:
        return pd.DataFrame(), {}, {}
    oof = {name: result.oof for name, result in absolute.items()}
    varying = [name for name, result in absolute.items() if not is_constant_ratio(result.oof, pairs)]
    chosen = {c.name: c for c in anchored_candidates(varying)}
    results: dict[str, CVResult] = {}
    rows = []
    n_folds = min(settings.n_splits, len(np.unique(data.groups))) * len(settings.seeds)
    with _progress() as progress:
        task = progress.add_task("anchored CV", total=n_folds * len(chosen))
        for candidate in chosen.values():
            progress.update(task, description=f"anchored {candidate.name}")
            result = evaluate_pairs(
                candidate,
                data.names,
                data.X,
                data.y,
                data.groups,
                pairs,
                oof,
                n_splits=settings.n_splits,
                seeds=settings.seeds,
                level=settings.level,
                on_fold=lambda: progress.advance(task),
            )
            results[candidate.name] = result
            with mlflow.start_run(run_name=candidate.name, nested=True, tags={"mode": "anchored"}) as child:
                mlflow.log_params(
                    {
                        "model": candidate.name,
                        "is_baseline": candidate.is_baseline,
                        "data_hash": data.digest,
                        "absolute": candidate.absolute or "",
                        "n_pairs": len(pairs),
                        "n_pair_publications": len(np.unique(pairs.group)),
                    }
                )
                mlflow.log_metrics({f"cv_{k}": v for k, v in result.metrics.items() if np.isfinite(v)})
                for metric, (low, high) in result.intervals.items():
                    if np.isfinite(low):
                        mlflow.log_metrics({f"cv_{metric}_ci_low": low, f"cv_{metric}_ci_high": high})
                mlflow.log_text(
                    reports.pair_table(data.frame, data.y, pairs, result).to_csv(index=False), "cv/oof_pairs.csv"
                )
            rows.append(reports.leaderboard_row(candidate, result, child.info.run_id, mode="anchored"))
    return pd.DataFrame(rows).sort_values("cv_mae").reset_index(drop=True), results, chosen


def _anchor(
    data: Dataset,
    pairs: Pairs,
    board: pd.DataFrame,
    results: dict[str, CVResult],
    chosen: dict[str, PairCandidate],
    champion_name: str,
    champion_halfwidth: float,
    settings: Settings,
    pool: dict[str, Candidate],
) -> Anchor:
    """The best anchored recipe refitted on every pair (and, if it needs another absolute model than the
    champion, that model tuned and refitted on every record), with its cross-validated conformal half-width."""
    if board.empty:  # no within-set-up pairs: no calibration; two predictions' worth of error
        return Anchor(SAME_AS_REFERENCE.name, halfwidth=float(np.sqrt(2) * champion_halfwidth), level=settings.level)
    best = chosen[board.loc[0, "model"]]
    seed = settings.seeds[0]
    regressor = None
    if best.absolute is not None and best.absolute != champion_name:
        absolute = pool[best.absolute]
        params = tune(
            absolute, data.names, data.X, data.y, data.groups, n_trials=settings.n_trials, seed=seed, storage=None
        )
        regressor = absolute.make(params, data.names, seed).fit(data.X, data.y)
    pair = None
    if best.make_pair is not None:
        dy = pairs.log_ratio(data.y)
        pair = best.make_pair(data.names, seed).fit(data.X[pairs.first], data.X[pairs.second], dy, pairs.group)
    return Anchor(
        best.name,
        halfwidth=results[best.name].metrics["interval_halfwidth"],
        level=settings.level,
        uses_absolute=best.absolute is not None,
        regressor=regressor,
        pair=pair,
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


def _evidence(settings: Settings) -> EvidenceIndex:
    """Every pulsed record (ASE and lasing, bundled and lab) as citable evidence; lab rows marked."""
    records = load_records(settings.data, bundled=settings.bundled)
    bundled_ids = set(bundled_records()["record_id"]) if settings.bundled else set()
    return EvidenceIndex().fit(records, lab=~records["record_id"].isin(bundled_ids).to_numpy())


def _score(row: pd.Series) -> dict[str, object]:
    return {
        "model": row["model"],
        "mae": float(row["cv_mae"]),
        "mae_ci": [float(v) for v in row["cv_mae_ci"]],
        "rmse": float(row["cv_rmse"]),
        "coverage_90": float(row["coverage_90"]),
    }


def _card(data: Dataset, board: pd.DataFrame, best: str, anchored: pd.DataFrame) -> dict[str, object]:
    """What ``GET /model`` shows beside the registry's facts: counts, time, the winner's and best baseline's scores,
    absolute and anchored."""
    baselines = board[board["is_baseline"] & (board["model"] != best)]
    anchored_baseline = anchored[anchored["model"] == SAME_AS_REFERENCE.name] if len(anchored) else anchored
    return {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_records": len(data.frame),
        "n_publications": len(np.unique(data.groups)),
        "absolute": _score(board[board["model"] == best].iloc[0]),
        "absolute_baseline": _score(baselines.iloc[0]) if len(baselines) else None,
        "anchored": _score(anchored.iloc[0]) if len(anchored) else None,
        "anchored_baseline": _score(anchored_baseline.iloc[0]) if len(anchored_baseline) else None,
    }


def _register(run_id: str, model_uri: str) -> str:
    """A new version of the registered model (created on first use). Quiet, unlike ``registered_model_name``."""
    client = MlflowClient()
    with contextlib.suppress(MlflowException):  # it exists after the first run
        client.create_registered_model(config.MODEL_NAME)
    return str(client.create_model_version(config.MODEL_NAME, model_uri, run_id=run_id).version)


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

    connect(settings.experiment)
    with mlflow.start_run(run_name="train") as parent:
        run_id = parent.info.run_id
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
        mlflow.log_input(
            mlflow.data.from_pandas(data.records, name="records", digest=data.digest[:36]), context="training"
        )
        mlflow.log_text("\n".join(data.names), "features.txt")

        board, results = _evaluate(data, chosen, settings, run_id)
        mlflow.log_text(board.to_csv(index=False), "leaderboard.csv")
        best = pool[board.loc[0, "model"]]
        best_result = results[best.name]
        pairs = Pairs.within(data.groups)
        anchored_board, anchored_results, anchored_pool = _evaluate_anchored(data, results, settings, pairs)
        if len(anchored_board):
            mlflow.log_text(anchored_board.to_csv(index=False), "anchored_leaderboard.csv")

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
        pipeline = Pipeline(
            [("features", RecordFeaturizer()), ("regressor", best.make(params, data.names, settings.seeds[0]))]
        ).fit(data.frame, data.y)
        predictor = ThresholdPredictor(
            pipeline=pipeline,
            domain=ApplicabilityDomain(feature_names=data.names).fit(data.X, canonical_spacers(data.frame)),
            interval_halfwidth=best_result.metrics["interval_halfwidth"],
            interval_level=settings.level,
            model_name=best.name,
            evidence_index=_evidence(settings),
            anchor=_anchor(
                data,
                pairs,
                anchored_board,
                anchored_results,
                anchored_pool,
                best.name,
                best_result.metrics["interval_halfwidth"],
                settings,
                pool,
            ),
            card=_card(data, board, best.name, anchored_board),
        )
        mlflow.log_params({"best_model": best.name, **{f"best_{k}": v for k, v in params.items()}})
        mlflow.log_params({"best_anchored": predictor.anchor.name, "n_pairs": len(pairs)})
        if len(anchored_board):
            baseline = anchored_board[anchored_board["model"] == SAME_AS_REFERENCE.name]
            mlflow.log_metrics(
                {
                    "anchored_cv_mae": float(anchored_board.loc[0, "cv_mae"]),
                    "anchored_coverage_90": float(anchored_board.loc[0, "coverage_90"]),
                    "anchored_interval_halfwidth": predictor.anchor.halfwidth,
                    "anchored_baseline_cv_mae": float(baseline["cv_mae"].iloc[0]),
                }
            )
        mlflow.log_metrics(
            {
                "cv_mae": best_result.metrics["mae"],
                "cv_coverage_90": best_result.metrics["coverage_90"],
                "interval_halfwidth": best_result.metrics["interval_halfwidth"],
            }
        )
        with err.status("learning curves and SHAP summary…"):
            _log_analysis(data, best, params, board, settings, pool)
        if len(chosen) > 1:
            with err.status("scoring the model selection itself…"):
                selected_mae, wins = analysis.selection_mae(
                    chosen, data.names, data.X, data.y, data.groups, seeds=settings.seeds, n_splits=settings.n_splits
                )
            mlflow.log_metric("cv_mae_selection", selected_mae)
            mlflow.log_dict(wins, "analysis/selection_wins.json")
        if len(anchored_board) > 1:
            with err.status("scoring the anchored recipe's selection itself…"):
                selected_mae, wins = selection_mae_pairs(
                    list(anchored_pool.values()),
                    pool,
                    anchored_results,
                    data.names,
                    data.X,
                    data.y,
                    data.groups,
                    pairs,
                    seeds=settings.seeds,
                    n_splits=settings.n_splits,
                )
            mlflow.log_metric("anchored_cv_mae_selection", selected_mae)
            mlflow.log_dict(wins, "analysis/anchored_selection_wins.json")

        example = data.frame[list(INPUT_FIELDS)].head(3)
        with err.status(f"logging and registering {best.name}…"):
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=PredictorModel(predictor),
                input_example=example,
                signature=infer_signature(example, predictor.predict_records(example).drop(columns="warnings")),
                pip_requirements=PIP_REQUIREMENTS,
            )
            version = _register(run_id, info.model_uri)
        try:
            current = champion()
        except NoChampionError:
            current = None
        promoted, reason = should_promote(best_result.metrics["mae"], data.digest, current, settings.force)
        mlflow.set_tags({"promoted": str(promoted), "promotion_reason": reason, "model_version": version})
        if promoted:
            MlflowClient().set_registered_model_alias(config.MODEL_NAME, config.CHAMPION, version)
    return Outcome(run_id, best.name, version, promoted, reason, board, anchored_board)
