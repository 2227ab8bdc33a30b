"""Shared fixtures: an isolated MLflow store per test (real SQLite tracking store, real artifacts)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.servers import free_port as free_port  # the one port picker of tests, bench and scripts
from bench.servers import store_env

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_3356fcf2dc73591b.txt"


def _isolate(home: Path, mp: pytest.MonkeyPatch) -> None:
    for name, value in store_env(home).items():
        mp.setenv(name, value)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder with its own MLflow store, for one test."""
    _isolate(tmp_path, monkeypatch)
    return tmp_path


@pytest.fixture(scope="session")
def trained_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with a champion, trained once per session on the bundled data (quick settings)."""
    from asepred.training.settings import Settings
    from asepred.training.train import train

    home = tmp_path_factory.mktemp("trained")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(home, mp)
        train(Settings(candidates=("median", "xgboost"), seeds=(0,), n_trials=0))
        yield home


@pytest.fixture
def use_trained_store(trained_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _isolate(trained_store, monkeypatch)
    return trained_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not SEED.exists() and os.environ.get("CI"):
        raise pytest.UsageError(f"the seed review is missing at {SEED}: CI runs with ../shared beside the repo")
