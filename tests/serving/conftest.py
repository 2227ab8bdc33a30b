"""A real server for the serving tests: ``asepred serve`` on a free port over the session's trained store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from bench import servers
from bench.servers import cmdline as cmdline
from bench.servers import descendants as descendants
from tests.conftest import _isolate, free_port

ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]
READY_WITHIN_S = 180


def store_env(home: Path) -> dict[str, str]:
    """The environment of a process that uses the store at ``home`` (as tests/conftest.py isolates it)."""
    return {**os.environ, **servers.store_env(home)}


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # the ``asepred serve`` CLI, leader of the server's process group


@contextmanager
def serving(home: Path, log_path: Path, workers: int | None = None) -> Iterator[Server]:
    """A real ``asepred serve`` (BentoML) on a free 127.0.0.1 port over the store at ``home``, once ready."""
    port = free_port()
    options = ["--workers", str(workers)] if workers else []
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*ASEPRED, "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            cwd=home,
            env=store_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                servers.wait_ready(process, url, READY_WITHIN_S)
            except RuntimeError as error:
                pytest.fail(f"{error}:\n{log_path.read_text()}")
            yield Server(url, process.pid)
        finally:
            servers.stop(process)


@pytest.fixture(scope="session")
def live_server(trained_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real ``asepred serve`` on 127.0.0.1, ready, serving the session's champion."""
    with serving(trained_store, tmp_path_factory.mktemp("live-server") / "serve.log") as server:
        yield server.url


@pytest.fixture(scope="session")
def service_app() -> object:
    """The service's ASGI app, one per test session: BentoML registers its Prometheus metrics in one global registry
    when an app first answers, so a second app in the same process fails every request (DuplicateTimeseries).
    Modules open their own ``TestClient(service_app)`` (which loads the model of the store they point at)."""
    from asepred.serving.service import ASEPredictor

    return ASEPredictor.to_asgi()


@pytest.fixture(scope="module")
def client(trained_store: Path, service_app: object) -> Iterator[TestClient]:
    """The service in process (Starlette's TestClient runs its start-up) over the session's champion."""
    with pytest.MonkeyPatch.context() as mp:
        _isolate(trained_store, mp)
        with TestClient(service_app) as test_client:
            yield test_client


# --- the browser of the /ui tests (test_ui.py, test_ui_records.py): one per session, shared by both ---------------

CHROMIUM, CHROMIUM_FLAGS = servers.CHROMIUM, servers.CHROMIUM_FLAGS


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: bash scripts/install.sh (requirements.lock pins it)"
    if not CHROMIUM.exists():
        return "Debian's chromium is missing: bash scripts/install.sh as root installs it (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
