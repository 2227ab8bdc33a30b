"""`asepred serve` and `asepred up` own the server they start (DESIGN.md, "Serving process"): a stop signal to the CLI
stops the server within 10 s and frees the port, and a server whose CLI is killed outright does not outlive it.

Real processes: the CLI, BentoML's supervisor and its worker, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.serving.conftest import cmdline, descendants

ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]
STOP_WITHIN_S = 10.0
READY_WITHIN_S = 120.0  # generous: CI shares two cores with whatever else runs; bench/serve.py measures start-up

pytestmark = pytest.mark.slow


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaps counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def start(command: str, home: Path) -> tuple[subprocess.Popen, int, list[int]]:
    """Start ``asepred COMMAND`` on a free port; return it, the port and its server processes once ready."""
    port = free_port()
    log = (home / f"{command}-{port}.log").open("w")
    process = subprocess.Popen(
        [*ASEPRED, command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=home,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + READY_WITHIN_S
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, (home / f"{command}-{port}.log").read_text()
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"not ready in {READY_WITHIN_S} s")
        # ready means loaded: the model card and a prediction answer at once
        assert client.get("/model").status_code == 200
        record = {"material": "CsPbBr3", "dimensionality": "3D film"}
        assert client.post("/predict", json={"records": [record], "evidence": 0}).status_code == 200
    server = descendants(process.pid)
    assert len(server) >= 2, "expected BentoML's supervisor and a worker"
    return process, port, server


def wait_gone(pids: list[int], port: int, within: float) -> float:
    start_time = time.monotonic()
    while time.monotonic() - start_time < within:
        if not any(alive(p) for p in pids) and port_is_free(port):
            return time.monotonic() - start_time
        time.sleep(0.1)
    left = [p for p in pids if alive(p)]
    for p in left:  # leave nothing behind for the next test, then fail
        os.kill(p, signal.SIGKILL)
    pytest.fail(f"still running after {within} s: {left}; port {port} free: {port_is_free(port)}")


@pytest.fixture
def home(use_trained_store: Path) -> Iterator[Path]:
    yield use_trained_store


@pytest.mark.parametrize(("command", "signum"), [("serve", signal.SIGTERM), ("up", signal.SIGINT)])
def test_a_stop_signal_stops_the_server_and_frees_the_port(home: Path, command: str, signum: int) -> None:
    process, port, server = start(command, home)
    process.send_signal(signum)
    assert process.wait(timeout=STOP_WITHIN_S) == 0
    wait_gone(server, port, within=1.0)  # the CLI returns only once its server is gone


def test_a_server_does_not_outlive_a_killed_cli(home: Path) -> None:
    process, port, server = start("serve", home)
    process.kill()  # SIGKILL: no chance to clean up; the kernel and the worker's watchdog must do it
    process.wait()
    wait_gone(server, port, within=STOP_WITHIN_S)


def test_a_store_without_champion_stops_the_server_it_started(store: Path) -> None:
    """`serve` checks the champion while its server starts: none means the server is stopped and the command exits 1."""
    from asepred.core.errors import NoChampionError
    from asepred.core.registry import champion

    with pytest.raises(NoChampionError):
        champion()  # creates the (empty) store, so the CLI cannot tell "no champion" from the file alone
    port = free_port()
    result = subprocess.run(
        [*ASEPRED, "serve", "--port", str(port)],
        cwd=store,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "asepred train" in result.stderr
    assert port_is_free(port)
    stray = [
        p for p in Path("/proc").iterdir() if p.name.isdigit() and f"--port\x00{port}".encode() in cmdline(int(p.name))
    ]
    assert not stray, "a server process outlived the command"
