"""What bench/, tests/ and scripts/ share about stores and servers: a store's environment (or a throw-away store with
a champion), a free port of 127.0.0.1, starting a server and waiting until it answers, the processes under it and the
CPU they used, stopping it; the Chromium the web page is shown in; and the benches' percentiles."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]
#: Debian's Chromium, which the browser tests and scripts/screenshot_ui.py drive through Playwright (never a
#: browser build of Playwright's own), headless and quiet: no sandbox (root), and none of the background connections
#: a closed network refuses.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RECORD = {"material": "PEA2(FA0.7Cs0.3)2Pb3Br10", "dimensionality": "quasi-2D", "spacer": "PEA", "n_layers": 3}


def free_port() -> int:
    """A free port on 127.0.0.1 BELOW the kernel's ephemeral range: BentoML's supervisor reserves its own control
    ports by binding port 0 (an ephemeral port), so a server port picked the same way can collide with one of them
    while the server starts (seen: ZMQError "Address already in use" on the HTTP port)."""
    for port in random.sample(range(20_000, 32_768), 200):  # Linux's ephemeral range starts at 32768
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def store_database(path: str) -> Path:
    """The absolute path of a store's SQLite file, from ``path``: a folder holding ``mlflow.db``, or that file itself
    (relative to the working directory or absolute). Anything else exits with a message that says what was found."""
    given = Path(path).expanduser().resolve()
    database = given / "mlflow.db" if given.is_dir() else given
    if not database.is_file():
        where = f"{given} has no mlflow.db" if given.is_dir() else f"{given} does not exist"
        raise SystemExit(f"--store {path}: {where} (give a folder holding mlflow.db, or the mlflow.db file itself)")
    with database.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise SystemExit(f"--store {path}: {database} is not an SQLite file (an MLflow store's mlflow.db is)")
    return database


def use_store(path: str | None) -> Path:
    """Point the environment at the store ``path`` names (an existing one with a champion: ``store_database``) or at
    a new temporary store, trained here with the quick settings of the tests (median and xgboost, one seed, no
    search). Returns the store's folder."""
    database = store_database(path) if path else Path(tempfile.mkdtemp(prefix="asepred-bench-")) / "mlflow.db"
    os.environ.update(store_env(database.parent, database))
    if not path:
        from asepred.training.settings import Settings
        from asepred.training.train import train

        train(Settings(candidates=("median", "xgboost"), seeds=(0,), n_trials=0, learning_curve=False))
    return database.parent


def store_env(home: Path, database: Path | None = None) -> dict[str, str]:
    """The environment variables that point a process at the store in ``home`` (its SQLite file ``database``,
    ``home/mlflow.db`` unless given), with telemetry off."""
    return {
        "ASEPRED_HOME": str(home),
        "MLFLOW_TRACKING_URI": f"sqlite:///{database or home / 'mlflow.db'}",
        "ASEPRED_ARTIFACT_ROOT": (home / "mlruns").as_uri(),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "BENTOML_DO_NOT_TRACK": "true",
    }


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    ready_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, …), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def cmdline(pid: int) -> bytes:
    """A process's command line, NUL-separated (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _cpu_seconds(pid: int) -> tuple[str, float]:
    """(short command, user + system CPU seconds) of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    command = cmdline(pid).replace(b"\0", b" ").decode()
    tick = os.sysconf("SC_CLK_TCK")
    return command, (int(fields[11]) + int(fields[12])) / tick


def _role(command: str) -> str:
    if "_bentoml_impl.worker" in command:
        return "BentoML worker (imports, loads the model)"
    if "bentoml serve" in command or "asepred.serving.launch" in command:
        return "BentoML supervisor (imports the service module)"
    if "uvicorn" in command or "scoring_server" in command:
        return "MLflow scoring server"
    if "mlflow" in command:
        return "mlflow models serve"
    return "asepred CLI (imports, checks the champion)"


def wait_ready(process: subprocess.Popen, url: str, timeout_s: float = 180.0, path: str = "/readyz") -> None:
    """Return once ``GET url+path`` answers 200; ``RuntimeError`` if ``process`` (the server) exits first, or after
    ``timeout_s``."""
    deadline = time.perf_counter() + timeout_s
    with httpx.Client(base_url=url, timeout=5) as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited ({process.returncode}) before {path} answered")
            with contextlib.suppress(httpx.TransportError):
                if client.get(path).status_code == 200:
                    return
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{path} did not answer 200 within {timeout_s:.0f} s")
            time.sleep(0.05)


def stop(process: subprocess.Popen, grace_s: float = 20.0) -> None:
    """SIGTERM to the server's whole process group (started with ``start_new_session``), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running(command: Sequence[str], port: int, ready_path: str, timeout_s: float = 180.0) -> Iterator[Server]:
    """Start ``command`` in its own process group; yield once ``ready_path`` answers 200; stop it (SIGTERM to the
    group, SIGKILL after 10 s). A server that exits or is not ready in time is a ``RuntimeError`` ending with what
    it wrote to stderr."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            list(command), stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True, env=env
        )
        server = Server(process, f"http://127.0.0.1:{port}")
        try:
            try:
                wait_ready(process, server.url, timeout_s, ready_path)
            except RuntimeError as error:
                stderr.seek(0)
                said = stderr.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"{' '.join(command)}: {error}\n{said}") from None
            server.ready_s = time.perf_counter() - start
            for pid in [process.pid, *descendants(process.pid)]:
                with contextlib.suppress(OSError):
                    command_line, cpu = _cpu_seconds(pid)
                    role = _role(command_line)
                    server.cpu_s[role] = server.cpu_s.get(role, 0.0) + cpu
            yield server
        finally:
            stop(process, grace_s=10)


def percentiles_ms(seconds: Sequence[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def load_average() -> float:
    return os.getloadavg()[0]
