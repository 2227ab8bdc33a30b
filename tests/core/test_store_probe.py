"""``core/store_probe.py``: a *yes* only where MLflow would say yes, ``None`` (ask MLflow) everywhere else."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from asepred.core import config
from asepred.core.errors import NoChampionError
from asepred.core.registry import champion
from asepred.core.store_probe import champion_registered


def test_a_store_with_a_champion_says_yes(use_trained_store: Path) -> None:
    champion()  # MLflow agrees
    assert champion_registered(config.tracking_uri()) is True
    assert champion_registered(config.tracking_uri(), name="another-model") is None


def test_a_store_without_a_champion_leaves_it_to_mlflow(store: Path) -> None:
    with pytest.raises(NoChampionError):
        champion()  # creates the store's tables, with no model in them
    assert champion_registered(config.tracking_uri()) is None


def test_an_alias_whose_version_is_gone_is_no_yes(trained_store: Path, tmp_path: Path) -> None:
    shutil.copy(trained_store / "mlflow.db", tmp_path / "mlflow.db")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert champion_registered(uri) is True
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DELETE FROM model_versions")
    assert champion_registered(uri) is None


@pytest.mark.parametrize("uri", ["http://127.0.0.1:5000", "postgresql://u@h/db", "sqlite:////no/such/mlflow.db"])
def test_what_it_cannot_read_is_left_to_mlflow(uri: str, tmp_path: Path) -> None:
    assert champion_registered(uri) is None
    (tmp_path / "mlflow.db").write_text("not a database")
    assert champion_registered(f"sqlite:///{tmp_path / 'mlflow.db'}") is None


def test_serve_checks_a_champion_without_importing_mlflow(use_trained_store: Path) -> None:
    """The check ``asepred serve`` runs while its server starts costs no MLflow import on the default store."""
    code = (
        "import sys\n"
        "from asepred.serving.cli import require_champion\n"
        "require_champion()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mlflow', 'sqlalchemy', 'alembic'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_worker_loads_the_champion_without_mlflows_sqlalchemy_store(trained_store) -> None:
    """load_champion on the default SQLite store reads version and artifact folder in one query (no SQLAlchemy)."""
    import json
    import os
    import subprocess
    import sys

    from bench.servers import store_env

    code = (
        "import sys, json\n"
        "from asepred.core.registry import load_champion, champion\n"
        "predictor, current = load_champion()\n"
        "loaded = 'sqlalchemy' in sys.modules\n"
        "via_mlflow = champion()\n"
        "print(json.dumps([loaded, current == via_mlflow, predictor.model_name]))\n"
    )
    env = {**os.environ, **store_env(trained_store)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    loaded, same, name = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded is False and same is True and name
