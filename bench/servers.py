"""What bench/serve.py and bench/load.py share: a throw-away store with a champion, starting a server on a free port
of 127.0.0.1 and waiting until it answers, stopping it, the CPU its processes used, and percentiles."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ASEPRED = [sys.executable, "-c", "from asepred.cli.main import app; app()"]
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


def use_store(path: str | None) -> Path:
    """Point the environment at ``path`` (an existing store with a champion) or at a new temporary store, trained
    here with the quick settings of the tests (median and xgboost, one seed, no search)."""
    import tempfile

    home = Path(path) if path else Path(tempfile.mkdtemp(prefix="asepred-bench-"))
    os.environ["ASEPRED_HOME"] = str(home)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{home / 'mlflow.db'}"
    os.environ["ASEPRED_ARTIFACT_ROOT"] = (home / "mlruns").as_uri()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
    if not path:
        from asepred.training.settings import Settings
        from asepred.training.train import train

        train(Settings(candidates=("median", "xgboost"), seeds=(0,), n_trials=0, learning_curve=False))
    return home


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    ready_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [pid], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _cpu_seconds(pid: int) -> tuple[str, float]:
    """(short command, user + system CPU seconds) of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    tick = os.sysconf("SC_CLK_TCK")
    return command, (int(fields[11]) + int(fields[12])) / tick


def _role(command: str) -> str:
    if "_bentoml_impl.worker" in command:
        return "BentoML worker (imports, loads the model)"
    if "bentoml serve" in command:
        return "BentoML supervisor (imports the service module)"
    if "uvicorn" in command or "scoring_server" in command:
        return "MLflow scoring server"
    if "mlflow" in command:
        return "mlflow models serve"
    return "asepred CLI (imports, checks the champion)"


@contextlib.contextmanager
def running(command: Sequence[str], port: int, ready_path: str, timeout_s: float = 180.0) -> Iterator[Server]:
    """Start ``command`` in its own process group; yield once ``ready_path`` answers 200; stop it (SIGTERM to the
    group, SIGKILL after 10 s)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
                if time.perf_counter() - start > timeout_s:
                    raise RuntimeError(f"{' '.join(command)} not ready in {timeout_s} s")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(ready_path).status_code == 200:
                        break
                time.sleep(0.05)
        server.ready_s = time.perf_counter() - start
        for pid in _descendants(process.pid):
            with contextlib.suppress(OSError):
                command_line, cpu = _cpu_seconds(pid)
                role = _role(command_line)
                server.cpu_s[role] = server.cpu_s.get(role, 0.0) + cpu
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def percentiles_ms(seconds: Sequence[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def load_average() -> float:
    return os.getloadavg()[0]
