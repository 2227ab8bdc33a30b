"""Every store and port fault is one clear line and a non-zero exit; nothing prints "serving" unless it serves, and a
server that cannot load its model stops instead of crash-looping (real `asepred` processes)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.servers import free_port, store_env
from tests.conftest import _isolate

pytestmark = pytest.mark.slow
ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]


def asepred(home: Path, *args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    env = {**os.environ, **store_env(home)}
    result = subprocess.run([*ASEPRED, *args], env=env, capture_output=True, text=True, timeout=timeout)
    return result, time.monotonic() - started


def errors(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error")]


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of its own (its artifacts are deleted by a test): the median, one seed."""
    from asepred.training.settings import Settings
    from asepred.training.train import train

    home = tmp_path_factory.mktemp("tiny")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(home, mp)
        train(Settings(candidates=("median",), seeds=(0,), n_trials=0, learning_curve=False))
    return home


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_a_port_in_use_is_one_line_and_no_false_serving(tiny_store: Path) -> None:
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result, _ = asepred(tiny_store, "serve", "--port", str(port))
    assert result.returncode == 1
    assert errors(result) == [errors(result)[0]] and "--port" in errors(result)[0] and "in use" in errors(result)[0]
    assert "serving" not in result.stderr and "Traceback" not in result.stderr


def test_a_truncated_store_is_one_line_for_predict_and_serve(tiny_store: Path, tmp_path: Path) -> None:
    database = tmp_path / "mlflow.db"
    database.write_bytes((tiny_store / "mlflow.db").read_bytes()[:5000])
    for args in (["predict", "CsPbBr3"], ["serve", "--port", str(free_port())]):
        result, _ = asepred(tmp_path, *args)
        assert result.returncode == 1, result.stderr
        (line,) = errors(result)
        assert "cannot read the MLflow store" in line and "Traceback" not in result.stderr
        assert "serving" not in result.stderr


def test_predict_without_a_store_creates_none(tmp_path: Path) -> None:
    result, _ = asepred(tmp_path, "predict", "CsPbBr3")
    assert result.returncode == 1 and "asepred train" in errors(result)[0]
    assert not (tmp_path / "mlflow.db").exists()


def test_a_server_that_cannot_load_its_model_exits_and_frees_the_port(tiny_store: Path) -> None:
    shutil.rmtree(tiny_store / "mlruns")  # the champion's artifacts are gone (last: the other tests need them)
    result, _ = asepred(tiny_store, "predict", "CsPbBr3")
    assert result.returncode == 1 and "cannot be loaded" in errors(result)[0]
    port = free_port()
    result, seconds = asepred(tiny_store, "serve", "--port", str(port), timeout=90)
    assert result.returncode == 1, result.stderr
    (line,) = errors(result)
    assert "cannot be loaded" in line and "asepred train" in line
    assert seconds < 30, f"{seconds:.1f} s to give up"
    assert "serving ase-threshold" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("Application startup failed") == 0
    assert _port_free(port)
