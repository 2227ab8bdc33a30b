"""End to end, as the README's main command runs it: `asepred up` trains into an empty store, then serves."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from asepred.cli.main import app
from tests.cli.test_main import COMMANDS, DATA_COMMANDS, listed_commands
from tests.conftest import free_port

ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]


def test_serve_without_champion_says_to_train(store: Path) -> None:
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "asepred train" in result.output


def test_help_is_complete() -> None:
    """Every command of the README's table is listed in ``asepred --help`` (its Commands panel, not just anywhere in
    the text: the help's own first line names "predict") and has a help of its own."""
    runner = CliRunner()
    top = runner.invoke(app, ["--help"], terminal_width=120)
    assert top.exit_code == 0
    assert listed_commands(top.output) == COMMANDS
    for command in COMMANDS:
        assert runner.invoke(app, [command, "--help"]).exit_code == 0, command
    for command in DATA_COMMANDS:
        assert runner.invoke(app, ["data", command, "--help"]).exit_code == 0, command


@pytest.mark.slow
def test_up_trains_then_serves_a_real_server(store: Path) -> None:
    port = free_port()
    log = (store / "up.log").open("w")
    process = subprocess.Popen(
        [*ASEPRED, "up", "--host", "127.0.0.1", "--port", str(port)],
        cwd=store,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as client:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                assert process.poll() is None, (store / "up.log").read_text()
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            else:
                pytest.fail("server not ready in 240 s:\n" + (store / "up.log").read_text())
            good = client.post("/predict", json={"records": [{"material": "CsPbBr3", "dimensionality": "3D film"}]})
            assert good.status_code == 200
            prediction = good.json()["predictions"][0]
            low, high = prediction["interval_uj_cm2"]
            assert 0 < low < prediction["threshold_uj_cm2"] < high
            bad = client.post("/predict", json={"records": [{"material": "CsPb", "dimensionality": "3D film"}]})
            assert bad.status_code == 422 and "material" in bad.text
            missing = client.post("/predict", json={"records": [{"material": "CsPbBr3"}]})
            assert missing.status_code == 400 and "dimensionality" in missing.text
            assert client.get("/readyz").status_code == 200  # still up after bad requests
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone: the assertion above says why
            os.killpg(process.pid, signal.SIGTERM)  # what a supervisor sends: `up` stops its server and frees the port
        try:
            stopped = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stopped = process.wait()
        log.close()
    assert stopped == 0
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine, a listener is not
        s.bind(("127.0.0.1", port))  # nothing holds the port any more
    assert (store / "mlflow.db").exists()
