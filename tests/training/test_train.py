"""A real training run into a temporary MLflow store, and the registry policy around the champion alias."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pytest
from mlflow.tracking import MlflowClient
from typer.testing import CliRunner

from asepred.cli.main import app
from asepred.core import config
from asepred.core.errors import NoChampionError
from asepred.core.registry import load_champion
from asepred.data.records import bundled_records
from asepred.models.candidates import CANDIDATES, Candidate
from asepred.training.settings import Settings
from asepred.training.tracking import champion, connect
from asepred.training.train import train

runner = CliRunner()
QUICK = {"candidates": ("median", "xgboost"), "seeds": (0,), "n_trials": 0}


def test_training_registers_a_champion_with_everything_logged(store) -> None:
    outcome = train(Settings(**QUICK))
    assert outcome.promoted
    current = champion()
    assert current.version == outcome.version
    run = MlflowClient().get_run(outcome.run_id)
    assert run.data.params["best_model"] == outcome.best
    assert len(run.data.params["data_hash"]) == 64
    assert run.inputs.dataset_inputs[0].dataset.name == "records"
    assert 0 < run.data.metrics["cv_mae"] < 3
    board = outcome.leaderboard.set_index("model")
    assert bool(board.loc["median", "is_baseline"]) and not bool(board.loc["xgboost", "is_baseline"])
    model = mlflow.pyfunc.load_model(f"models:/{config.MODEL_NAME}@{config.CHAMPION}").unwrap_python_model().predictor
    out = model.predict_records([{"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"}])
    assert out.loc[0, "lower_uj_cm2"] < out.loc[0, "threshold_uj_cm2"] < out.loc[0, "upper_uj_cm2"]
    # the anchored recipe the nested procedure ships is inside the model, its scores beside the anchored baseline's
    # in the card, with how it was chosen; never an absolute model's ratio (they are on the board for comparison)
    selection = model.card["anchored_selection"]
    shipped = selection["shipped"]
    assert model.anchor.name == shipped == model.card["anchored"]["model"] == run.data.params["best_anchored"]
    assert shipped in {"same_as_reference", "treated_effect", "strategy_effect", "treated+layers"}
    assert model.card["anchored_baseline"]["model"] == "same_as_reference"
    assert run.data.metrics["anchored_cv_mae_selection"] == pytest.approx(selection["nested_mae"])
    assert (shipped != "same_as_reference") == (selection["nested_mae"] < selection["baseline_mae"])
    for entry in (model.card["anchored"], model.card["anchored_baseline"]):
        assert set(entry) == {"model", "mae", "mae_ci", "rmse", "coverage_90", "sign_agreement"}
        assert entry["mae_ci"][0] <= entry["mae"] <= entry["mae_ci"][1]
    assert model.anchor.halfwidth == pytest.approx(run.data.metrics["anchored_interval_halfwidth"])
    assert int(run.data.params["n_pairs"]) >= 20


def test_alias_moves_only_when_beaten_on_the_same_data_or_forced(store) -> None:
    first = train(Settings(candidates=("xgboost",), seeds=(0,), n_trials=0))
    same = train(Settings(candidates=("xgboost",), seeds=(0,), n_trials=0))  # identical score: not better
    assert not same.promoted and "does not beat" in same.reason
    assert champion().version == first.version
    forced = train(Settings(candidates=("median",), seeds=(0,), n_trials=0, force=True))
    assert forced.promoted
    assert champion().version == forced.version


def _exploding(kind: type[BaseException]) -> Candidate:
    def make(params, names, seed):
        raise kind("boom")

    return Candidate("exploding", False, make)


@pytest.mark.parametrize("kind", [RuntimeError, KeyboardInterrupt])
def test_failed_or_interrupted_run_never_moves_the_champion(store, kind) -> None:
    before = train(Settings(**QUICK)).version
    with pytest.raises(kind):
        train(
            Settings(
                candidates=("median", "exploding"),
                seeds=(0,),
                force=True,
                extra_candidates={"exploding": _exploding(kind)},
            )
        )
    assert champion().version == before
    client = MlflowClient()
    experiment_id = connect()
    last = client.search_runs(
        [experiment_id], "attributes.run_name = 'train'", order_by=["attributes.start_time DESC"], max_results=1
    )[0]
    assert last.info.status in {"FAILED", "KILLED"}


def test_train_on_bundled_plus_a_lab_file(store, tmp_path, monkeypatch) -> None:
    from asepred.features.featurizer import RecordFeaturizer
    from asepred.training import dataset

    calls = {"load_records": 0, "fit": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dataset, "load_records", counted("load_records", dataset.load_records))
    monkeypatch.setattr(RecordFeaturizer, "fit", counted("fit", RecordFeaturizer.fit))
    lab = tmp_path / "lab.csv"
    lab.write_text(
        "record_id,material,dimensionality,pump_pulse,measurement,threshold_value,threshold_unit,reference\n"
        "lab-1,CsPbBr3,3D film,fs,ASE,12,uJ/cm2,our set-up A\n"
        "lab-2,CsPbBr3,nanocrystal,fs,ASE,2500,nJ/cm2,our set-up A\n"
    )
    result = runner.invoke(app, ["train", "--data", str(lab), "--model", "median", "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    run = MlflowClient().get_run(outcome["run_id"])
    assert int(run.data.params["n_records"]) == len(_target_count()) + 2
    assert run.data.params["user_tables"] == "1"
    # the lab's two rows share a set-up (one reference): both orders join the pairs
    assert int(run.data.params["n_pairs"]) == _bundled_pairs() + 2
    # the tables are read once, and one featurizer is fitted: the one the model ships
    assert calls == {"load_records": 1, "fit": 1}
    predictor, _ = load_champion()
    assert predictor.evidence_index.lab_.sum() == 2


def test_the_shipped_pipeline_reuses_the_datasets_featurizer(use_trained_store) -> None:
    """The logged pipeline ships the featurizer fitted once in ``Dataset.load``. A fresh featurizer fitted on the
    same records (as ``Pipeline(...).fit(frame, y)`` did) gives the same features, and the same model."""
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits

    from asepred.features.featurizer import RecordFeaturizer
    from asepred.training.dataset import Dataset
    from asepred.training.train import refit

    settings = Settings(**QUICK)  # the trained store's settings (tests/conftest.py)
    data = Dataset.load(settings)
    np.testing.assert_array_equal(RecordFeaturizer().fit(data.frame).transform(data.frame), data.X)
    predictor, _ = load_champion()
    np.testing.assert_array_equal(predictor.featurizer.transform(data.frame), data.X)
    records = bundled_records()
    with threadpool_limits(limits=1, user_api="openmp"):  # as ``train`` fits
        _, once = refit(CANDIDATES["xgboost"], data, settings, run_id="")
        twice = Pipeline(
            [("features", RecordFeaturizer()), ("regressor", CANDIDATES["xgboost"].make({}, data.names, 0))]
        )
        twice.fit(data.frame, data.y)
    assert once.named_steps["features"] is data.featurizer
    np.testing.assert_allclose(once.predict(records), twice.predict(records), rtol=0, atol=1e-9)
    assert np.ptp(once.predict(records)) > 0.1  # a model that varies, not a constant that matches trivially


def _bundled_pairs() -> int:
    from asepred.features.base import as_record_frame
    from asepred.training.pairs import Pairs, setup_groups

    return len(Pairs.within(setup_groups(as_record_frame(_target_count()))))


def _target_count():
    from asepred.data.records import target_records

    return target_records(bundled_records())


def test_a_malformed_lab_file_names_row_and_column(store, tmp_path) -> None:
    lab = tmp_path / "lab.csv"
    lab.write_text(
        "record_id,material,dimensionality,measurement,threshold_value,threshold_unit,reference\n"
        "lab-1,CsPbBr3,3D film,ASE,12,uJ/cm2,notebook\n"
        "lab-2,CsPbBr3,thin film,ASE,-3,uJ/cm2,notebook\n"
    )
    result = runner.invoke(app, ["train", "--data", str(lab)])
    assert result.exit_code == 1
    assert "line 3, dimensionality" in result.output
    assert "line 3, threshold_value" in result.output
    with pytest.raises(NoChampionError, match="asepred train"):
        champion()  # nothing was registered (no store was even created)


def test_compare_reads_candidates_back(store) -> None:
    train(Settings(**QUICK))
    result = runner.invoke(app, ["compare", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["model"] for r in rows if r["mode"] == "absolute"} == {"median", "xgboost"}
    anchored = [r for r in rows if r["mode"] == "anchored"]
    # the anchored baseline, the pair models, and the non-constant absolute candidate's ratio (with the treated term)
    assert {r["model"] for r in anchored} >= {
        "same_as_reference",
        "treated_effect",
        "diff_ridge",
        "xgboost_ratio",
        "xgboost+treated",
    }
    assert "median_ratio" not in {r["model"] for r in anchored}  # a constant's ratio is "same as reference" again
    # every anchored row says how often it predicts the published control → treated direction
    assert all(0.0 <= r["sign_agreement"] <= 1.0 for r in anchored)
    signs = {r["model"]: r["sign_agreement"] for r in anchored}
    assert signs["same_as_reference"] == 0.0 and signs["treated_effect"] == 1.0
    assert [r["mode"] for r in rows] == sorted((r["mode"] for r in rows), key=lambda m: m != "absolute")
    for row in rows:
        assert set(row) >= {"mode", "model", "is_baseline", "cv_mae", "cv_mae_ci", "coverage_90", "run_id"}
        assert row["cv_mae_ci"][0] <= row["cv_mae"] <= row["cv_mae_ci"][1]
        assert row["mode"] == MlflowClient().get_run(row["run_id"]).data.tags["mode"]
    table = runner.invoke(app, ["compare"], terminal_width=80)
    assert table.exit_code == 0 and "anch" in table.output
    assert max(len(line) for line in table.output.splitlines()) <= 80


def test_every_candidate_fits_and_predicts() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    names = ["proc__dim_3d_film", "proc__dim_nanocrystal", "proc__pulse_fs", "proc__pulse_ns", "x"]
    X = np.column_stack(
        [
            rng.integers(0, 2, 30),
            rng.integers(0, 2, 30),
            rng.integers(0, 2, 30),
            rng.integers(0, 2, 30),
            rng.normal(size=30),
        ]
    ).astype(float)
    y = X[:, 4] * 0.5 + rng.normal(scale=0.1, size=30)
    for candidate in CANDIDATES.values():
        model = candidate.make({}, names, 0).fit(X, y)
        assert model.predict(X).shape == (30,)


def test_report_writes_accuracy_page(store, tmp_path) -> None:
    train(Settings(**QUICK))
    result = runner.invoke(app, ["report", "--docs", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "docs" / "accuracy.md").read_text()
    assert "| median | yes |" in page and "| xgboost | no |" in page
    assert "Choosing the best of the candidates" in page  # the winner's curse, measured
    assert "## Anchored predictions" in page and "| same_as_reference | yes |" in page
    assert "**At the bench.**" in page
    assert (tmp_path / "docs" / "learning_curve.png").stat().st_size > 1000


def test_nested_search_shares_an_optuna_storage(store, tmp_path) -> None:
    import optuna

    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    outcome = train(
        Settings(
            candidates=("xgboost",), seeds=(0,), n_splits=3, n_trials=2, study_storage=storage, learning_curve=False
        )
    )
    studies = optuna.get_all_study_summaries(storage)
    names = {s.study_name for s in studies}
    # one study per outer fold (tuned on its training rows only) and one for the final refit
    assert len([n for n in names if "-fold" in n]) == 3
    assert f"{outcome.run_id}-xgboost-final" in names
    assert all(s.n_trials == 2 for s in studies)
    assert any(k.startswith("best_") for k in MlflowClient().get_run(outcome.run_id).data.params)


def test_a_model_of_another_target_never_replaces_the_champion_unasked(store) -> None:
    ase = train(Settings(**QUICK))
    lasing = train(Settings(**QUICK, target="lasing"))
    assert not lasing.promoted and "other data" in lasing.reason
    assert champion().version == ase.version


def test_selection_is_scored_as_a_procedure() -> None:
    import numpy as np

    from asepred.training.analysis import selection_mae

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = 2.0 * X[:, 0] + rng.normal(scale=0.05, size=60)
    groups = np.repeat(np.arange(12), 5)
    candidates = [CANDIDATES["median"], CANDIDATES["ridge"]]
    score, wins = selection_mae(candidates, ["a", "b", "c"], X, y, groups, seeds=(0,), n_splits=4)
    assert wins == {"ridge": 4}  # the linear signal is found in every outer fold
    assert score < 0.5  # the median alone would be off by ~1.6 on this signal (std of y ≈ 2)
