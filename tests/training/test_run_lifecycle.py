"""No training run stays RUNNING once its process is gone: a stopped `asepred train` ends its run KILLED, and the next
training marks a SIGKILLed one FAILED (a real store, a real `asepred train` process)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.servers import store_env

pytestmark = pytest.mark.slow


def _statuses(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT name, status FROM runs WHERE name = 'train'").fetchall())


def test_sigterm_ends_the_run_killed_and_moves_no_alias(tmp_path: Path) -> None:
    env = {**os.environ, **store_env(tmp_path)}
    command = [sys.executable, "-c", "from asepred.cli.main import app; app()", "train", "--repeats", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    database = tmp_path / "mlflow.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _statuses(database).get("train") == "RUNNING":
                break
        except sqlite3.Error:
            pass
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the training run never started")
    time.sleep(2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "marked KILLED" in stderr and "Traceback" not in stderr
    assert _statuses(database) == {"train": "KILLED"}
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM registered_model_aliases").fetchone() == (0,)


def test_a_run_left_running_by_a_dead_process_is_marked_failed(store: Path) -> None:
    import mlflow
    from mlflow.tracking import MlflowClient

    from asepred.training.run_lifecycle import HOST_TAG, PID_TAG, fail_orphans, owner_tags
    from asepred.training.tracking import connect

    experiment_id = connect("orphans")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    client = MlflowClient()
    orphan = client.create_run(experiment_id, tags={**owner_tags(), PID_TAG: dead.stdout.strip()}).info.run_id
    child = client.create_run(experiment_id, tags={"mlflow.parentRunId": orphan}).info.run_id
    alive = client.create_run(experiment_id, tags=owner_tags()).info.run_id  # this test's own process
    elsewhere = client.create_run(experiment_id, tags={HOST_TAG: "another-host", PID_TAG: "1"}).info.run_id
    assert fail_orphans(experiment_id) == [orphan]
    status = {run_id: client.get_run(run_id).info.status for run_id in (orphan, child, alive, elsewhere)}
    assert status == {orphan: "FAILED", child: "FAILED", alive: "RUNNING", elsewhere: "RUNNING"}
    mlflow.end_run()


def test_a_stop_whose_signal_lands_in_a_finalizer_is_not_lost() -> None:
    """Python swallows an exception raised in ``__del__`` ("Exception ignored", with a traceback): a SIGTERM handled
    there must still stop the training at its next check, before it registers or promotes a model (the run that went
    on to move the alias in a full-suite run), and without a traceback on the terminal."""
    code = (
        "import gc, os, signal\n"
        "from asepred.training.run_lifecycle import TrainingStoppedError, stopped_runs_killed\n"
        "class Finalized:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        sum(range(1000))  # the handler runs here, inside the finalizer\n"
        "try:\n"
        "    with stopped_runs_killed() as stops:\n"
        "        Finalized()\n"
        "        gc.collect()\n"
        "        print('still running after', stops.received)\n"
        "        stops.check()\n"
        "        print('registered')\n"
        "except TrainingStoppedError as stopped:\n"
        "    print('stopped by', stopped)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["still running after SIGTERM", "stopped by SIGTERM"], done.stdout
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr  # the stop is said once, quietly
