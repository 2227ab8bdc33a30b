"""A real server for the serving tests: ``asepred serve`` on a free port over the session's trained store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ASEPRED = [sys.executable, "-c", "from asepred.core.cli import app; app()"]
READY_WITHIN_S = 180


def store_env(home: Path) -> dict[str, str]:
    """The environment of a process that uses the store at ``home`` (as tests/conftest.py isolates it)."""
    return {
        **os.environ,
        "ASEPRED_HOME": str(home),
        "MLFLOW_TRACKING_URI": f"sqlite:///{home / 'mlflow.db'}",
        "ASEPRED_ARTIFACT_ROOT": (home / "mlruns").as_uri(),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "BENTOML_DO_NOT_TRACK": "true",
    }


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's whole process group (the CLI and BentoML under it), SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def serving(home: Path, log_path: Path) -> Iterator[str]:
    """A real ``asepred serve`` (BentoML) on a free 127.0.0.1 port over the store at ``home``: its URL, once ready."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*ASEPRED, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=home,
            env=store_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=url, timeout=5) as client:
                deadline = time.monotonic() + READY_WITHIN_S
                while True:
                    if process.poll() is not None:
                        pytest.fail(f"the server exited ({process.returncode}):\n{log_path.read_text()}")
                    try:
                        if client.get("/readyz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        pytest.fail(f"server not ready in {READY_WITHIN_S} s:\n{log_path.read_text()}")
                    time.sleep(0.3)
            yield url
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def live_server(trained_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real ``asepred serve`` on 127.0.0.1, ready, serving the session's champion."""
    with serving(trained_store, tmp_path_factory.mktemp("live-server") / "serve.log") as url:
        yield url


@pytest.fixture(scope="session")
def service_app() -> object:
    """The service's ASGI app, one per test session: BentoML registers its Prometheus metrics in one global registry
    when an app first answers, so a second app in the same process fails every request (DuplicateTimeseries).
    Modules open their own ``TestClient(service_app)`` (which loads the model of the store they point at)."""
    from asepred.serving.service import ASEPredictor

    return ASEPredictor.to_asgi()
