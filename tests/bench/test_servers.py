"""bench/servers.py: what the benchmark scripts share."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bench.servers import store_database, use_store


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A folder holding an (empty) SQLite mlflow.db, as an MLflow store has."""
    with sqlite3.connect(tmp_path / "mlflow.db") as database:
        database.execute("create table t (x)")
    return tmp_path


@pytest.mark.parametrize("given", ["folder", "file"])
@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_store_is_its_folder_or_its_mlflow_db(
    store: Path, monkeypatch: pytest.MonkeyPatch, given: str, relative: bool
) -> None:
    path = store if given == "folder" else store / "mlflow.db"
    if relative:
        monkeypatch.chdir(store.parent)
        path = path.relative_to(store.parent)
    assert store_database(str(path)) == store / "mlflow.db"


def test_use_store_points_the_environment_at_it(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ASEPRED_HOME", "MLFLOW_TRACKING_URI", "ASEPRED_ARTIFACT_ROOT"):
        monkeypatch.setenv(name, "")  # restored after the test: use_store sets them
    monkeypatch.chdir(store.parent)
    assert use_store(f"{store.name}/mlflow.db") == store
    assert os.environ["ASEPRED_HOME"] == str(store)
    assert os.environ["MLFLOW_TRACKING_URI"] == f"sqlite:///{store / 'mlflow.db'}"
    assert os.environ["ASEPRED_ARTIFACT_ROOT"] == (store / "mlruns").as_uri()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda tmp: tmp / "missing", "does not exist"),
        (lambda tmp: tmp, "has no mlflow.db"),
        (lambda tmp: (tmp / "notes.txt").write_text("x") and tmp / "notes.txt", "is not an SQLite file"),
    ],
    ids=["missing", "folder-without-db", "not-sqlite"],
)
def test_anything_else_is_a_clear_error(tmp_path: Path, make, said: str) -> None:
    path = make(tmp_path)
    with pytest.raises(SystemExit, match=f"--store {path}: .*{said}"):
        store_database(str(path))
