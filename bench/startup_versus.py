"""Start-to-ready of an earlier revision and of this checkout, interleaved on the same machine at the same moment, and
whether this checkout serves the earlier revision's store with the same answers.

The earlier revision runs from a mirror of its package (``git archive REV``, laid out as its pyproject's
``package-dir`` says, compiled to bytecode) put first on ``PYTHONPATH``. Each version trains its own quick champion
(the median and nothing else: ``asepred train --model median --repeats 1 --n-trials 0``) into a store of its own, and
serves it with ``asepred serve --workers N``; the rounds alternate. Then this checkout loads both stores and predicts
the same records: the largest difference between the two answers, and whether loading each imported MLflow (a store
logged before the ``predictor`` artifact loads through MLflow's loader).

Run: ``python bench/startup_versus.py --rev b4331e6 [--rounds 5] [--workers 2]``
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import ASEPRED, free_port, load_average, running, store_env

REPO = Path(__file__).resolve().parents[1]

PREDICT = """
import json, sys
from asepred.core.registry import load_champion
predictor, _ = load_champion()
records = [
    {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs", "pump_wavelength_nm": 400},
    {"material": "PEA2MA2Pb3Br10", "dimensionality": "quasi-2D", "spacer": "PEA", "n_layers": 3,
     "pump_wavelength_nm": 355},
    {"material": "FAPbI3", "dimensionality": "3D film", "pump_pulse": "fs", "pump_wavelength_nm": 532},
    {"material": "MAPbBr3", "dimensionality": "3D film", "pump_pulse": "ns", "pump_wavelength_nm": 400},
]
answer = predictor.predict_records(records, reference={**records[0], "threshold_uj_cm2": 5.0})
numbers = answer.select_dtypes("number").to_numpy().ravel().tolist()
print(json.dumps({"mlflow": "mlflow" in sys.modules, "numbers": numbers}))
"""


def mirror(rev: str, destination: Path) -> Path:
    """The ``asepred`` package of revision ``rev``, laid out as installed, under ``destination``; compiled."""
    source = destination / "source"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True).stdout
    archive_path = destination / "rev.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(source, filter="data")
    package_dirs = tomllib.loads((source / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    root = destination / "package"
    for package, folder in package_dirs.items():
        shutil.copytree(source / folder, root.joinpath(*package.split(".")), dirs_exist_ok=True)
    compileall.compile_dir(root, quiet=1, workers=0)
    return root


def environment(home: Path, package: Path | None) -> dict[str, str]:
    env = {**os.environ, **store_env(home)}
    env.pop("PYTHONPATH", None)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=5, help="starts of each version (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="workers per server (default 2)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="asepred-versus-"))
    versions = {"before": mirror(args.rev, work / "before"), "after": None}
    homes = {label: work / f"{label}-store" for label in versions}
    for label, package in versions.items():
        homes[label].mkdir()
        train = [*ASEPRED, "train", "--model", "median", "--repeats", "1", "--n-trials", "0"]
        subprocess.run(train, env=environment(homes[label], package), cwd=work, capture_output=True, check=True)

    print(f"`asepred serve --workers {args.workers}` to /readyz 200, before ({args.rev}) and after (this checkout):")
    ready: dict[str, list[float]] = {label: [] for label in versions}
    saved = dict(os.environ)
    try:
        for _ in range(args.rounds):
            for label, package in versions.items():
                os.environ.clear()
                os.environ.update(environment(homes[label], package))
                port = free_port()
                load = load_average()
                command = [*ASEPRED, "serve", "--port", str(port), "--workers", str(args.workers)]
                with running(command, port, "/readyz") as server:
                    ready[label].append(server.ready_s)
                cpu = {role.split(" (")[0]: round(seconds, 2) for role, seconds in server.cpu_s.items()}
                print(f"{label}: {server.ready_s:.1f} s (load {load:.1f}) {cpu}", flush=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    for label, seconds in ready.items():
        print(f"{label} min {min(seconds):.1f} median {statistics.median(seconds):.1f}")

    answers = {}
    for label in versions:
        done = subprocess.run(
            [sys.executable, "-c", PREDICT], env=environment(homes[label], None), capture_output=True, text=True
        )
        answers[label] = json.loads(done.stdout.strip().splitlines()[-1])
    before, after = answers["before"]["numbers"], answers["after"]["numbers"]
    largest = max(abs(a - b) for a, b in zip(before, after, strict=True))
    print(
        f"\nthis checkout, serving each store: {len(after)} numbers, largest difference {largest:.3g}; "
        f"MLflow imported to load the before store: {answers['before']['mlflow']}, the after store: "
        f"{answers['after']['mlflow']}"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
