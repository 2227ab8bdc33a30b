"""How fast ``asepred suggest`` answers: 1,584, 100,000 and 1,000,000 candidates, and the command end to end.

Measured, with the configured champion (``--store``; default: a throw-away store trained on the bundled data) and a
simulated lab table of 8 measurements (bench/campaign.py):
- ``suggest()`` in this process over examples/space.yaml (1,584 candidates) and over a 100,000-candidate space
  (bench/screen.py's million-candidate space with one strategy and one temperature), warm, best of ``--repeats``;
- ``POST /suggest`` over examples/space.yaml in process (Starlette's TestClient over the service), first and warm
  answers (the first imports MLflow for the run it logs);
- ``asepred suggest examples/space.yaml --data LAB --json`` as a new process, with and without the MLflow run;
- 1,000,000 candidates (bench/screen.py's space) on a local Dask cluster of 2 single-threaded workers, as
  ``--scheduler`` runs it, with the peak memory summed over this process and every child (scheduler, nannies,
  workers).

    python bench/suggest.py [--store PATH] [--repeats 3] [--skip-million]
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.campaign import SPACE, simulated_lab_table  # noqa: E402
from bench.screen import GIB, PeakMemory  # noqa: E402
from bench.screen import SPACE as MILLION  # noqa: E402


def _best(seconds: list[float]) -> str:
    return f"{min(seconds):.2f} s (best of {len(seconds)}; all: {', '.join(f'{s:.2f}' for s in seconds)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-million", action="store_true")
    args = parser.parse_args()

    from bench.servers import ASEPRED, load_average, use_store

    home = use_store(args.store)
    from asepred.campaigns.lab import read_lab_table
    from asepred.campaigns.suggest import suggest
    from asepred.core.registry import load_champion
    from asepred.screening.grid import Grid
    from asepred.screening.space import load_space, parse_space

    predictor, champion = load_champion()
    scratch = Path(tempfile.mkdtemp(prefix="bench-suggest-"))
    lab_path = simulated_lab_table(scratch / "lab.csv", "smooth", size=8, seed=0)
    lab = read_lab_table(lab_path)
    print(f"champion {champion.model} v{champion.version}; lab table of {len(lab.measured)}; load {load_average():.1f}")

    small = Grid(load_space(SPACE))
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        suggest(small, lab, predictor, batch=4)
        times.append(time.perf_counter() - started)
    print(f"suggest(), {len(small):,} candidates, in process: {_best(times)}")

    document = copy.deepcopy(MILLION)
    document.update(strategies=[None], name="bench: 100,000 candidates")
    document["pump"]["temperature_k"] = [295]
    large = Grid(parse_space(document))
    times = []
    for _ in range(max(1, args.repeats - 1)):
        started = time.perf_counter()
        suggest(large, lab, predictor, batch=4)
        times.append(time.perf_counter() - started)
    print(f"suggest(), {len(large):,} candidates, in process: {_best(times)}")

    _service(lab_path)

    for extra, label in (([], "with its MLflow run"), (["--no-log"], "--no-log")):
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            command = [*ASEPRED, "suggest", str(SPACE), "--data", str(lab_path), "--json", *extra]
            subprocess.run(command, check=True, capture_output=True, cwd=home)
            times.append(time.perf_counter() - started)
        print(f"asepred suggest (new process, {len(small):,} candidates, {label}): {_best(times)}")

    if not args.skip_million:
        _million(lab, predictor)


def _service(lab_path: Path) -> None:
    import csv

    import yaml
    from starlette.testclient import TestClient

    from asepred.serving.service import ASEPredictor

    body = {
        "space": yaml.safe_load(SPACE.read_text()),
        "lab_records": list(csv.DictReader(lab_path.open(encoding="utf-8"))),
        "batch": 4,
    }
    with TestClient(ASEPredictor.to_asgi()) as client:
        times = []
        for _ in range(4):
            started = time.perf_counter()
            answer = client.post("/suggest", json=body)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
    print(f"POST /suggest (in process, 1,584 candidates): first {times[0]:.2f} s, then {_best(times[1:])}")


def _million(lab: object, predictor: object) -> None:
    import logging

    from distributed import LocalCluster

    from asepred.campaigns.suggest import suggest
    from asepred.screening.grid import Grid
    from asepred.screening.space import parse_space

    for name in ("distributed", "tornado", "asyncio", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)
    grid = Grid(parse_space(MILLION))
    with PeakMemory() as peak:
        started = time.perf_counter()
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="0.8GiB",
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster:
            up = time.perf_counter() - started
            started = time.perf_counter()
            answer = suggest(grid, lab, predictor, batch=4, scheduler=cluster.scheduler_address)
            seconds = time.perf_counter() - started
    print(
        f"{len(grid):,} candidates on Dask (2 workers of 0.8 GiB): {seconds:.1f} s = {len(grid) / seconds:,.0f}/s "
        f"(cluster start {up:.1f} s apart); peak memory summed over all processes: RSS {peak.rss / GIB:.2f} GiB, "
        f"PSS {peak.pss / GIB:.2f} GiB; suggested {[s.candidate.material for s in answer.suggestions]}"
    )


if __name__ == "__main__":
    main()
