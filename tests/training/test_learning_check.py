"""The learning check of the whole pipeline: on a synthetic lab table with a known monotone rule (tests/synthetic.py),
a gradient-boosted candidate must beat the median baseline by far, become champion, and learn more from more
publications. Nothing else in the suite exercises the branch where a boosted model wins."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from asepred.core import config
from asepred.core.registry import champion, load_champion
from asepred.data.records import user_records
from tests.conftest import _isolate
from tests.synthetic import trained_store

pytestmark = pytest.mark.slow
BOOSTED = ("xgboost", "lightgbm")


@pytest.fixture
def trained(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, object]:
    home, outcome = trained_store(tmp_path_factory.getbasetemp())
    _isolate(home, monkeypatch)
    return home, outcome


def test_the_synthetic_table_is_a_valid_lab_table_of_several_publications(trained) -> None:
    home, _ = trained
    table = user_records(home / "synthetic_lab.csv")
    assert table["reference"].nunique() >= 5 and len(table) >= 60


def test_a_boosted_candidate_beats_the_median_by_far_and_becomes_champion(trained) -> None:
    _, outcome = trained
    board = outcome.leaderboard.set_index("model")
    median = float(board.loc["median", "cv_mae"])
    best_boosted = board.loc[list(BOOSTED), "cv_mae"].min()
    assert best_boosted < 0.3 * median, board["cv_mae"]
    assert float(board.loc[board.loc[list(BOOSTED), "cv_mae"].idxmin(), "cv_mae_ci"][1]) < float(
        board.loc["median", "cv_mae_ci"][0]
    )  # the confidence intervals do not overlap
    assert outcome.best in BOOSTED and outcome.promoted
    assert champion().model == outcome.best
    predictor, _ = load_champion()
    assert not predictor.is_constant


def test_the_champions_learning_curve_falls(trained, tmp_path: Path) -> None:
    _, outcome = trained
    client = MlflowClient(tracking_uri=config.tracking_uri())  # this store, whatever an earlier test connected to
    path = client.download_artifacts(outcome.run_id, "analysis/learning_curve.csv", str(tmp_path))
    curve = pd.read_csv(path)
    mine = curve[curve["model"] == outcome.best].groupby("n_publications")["mae"].mean().sort_index()
    assert len(mine) >= 2
    assert mine.iloc[-1] < 0.85 * mine.iloc[0], mine
    assert mine.is_monotonic_decreasing, mine
