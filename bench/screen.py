"""Screening throughput and memory: 1,000,000 candidates on a local Dask cluster beside the single-process rate.

The space (``SPACE`` below): 10 A-site mixes × 2 B sites × 25 halide mixes × 20 structures (5 bulk morphologies,
3 spacers × n 1–5) × 2 strategies × 2 pulses × 5 pump wavelengths × 5 temperatures = 1,000,000 candidates of
10,000 distinct materials.
The model is a gradient-boosted champion trained first, in a temporary store, on the synthetic lab table of
``tests/synthetic.py`` (so the figure does not depend on what your store holds; ``--champion`` uses your champion).

Measured:
- single process: ``asepred.screening.job.run_in_process`` over every ``--stride``-th partition (the same code a
  worker runs, without Dask), candidates per second;
- Dask: the whole space as ``asepred screen`` runs it (``LocalCluster``: one worker process per core, model scattered
  once per worker), then ranking and writing the Parquet + PNG; candidates per second of the job (cluster start-up
  reported apart) and the ratio to the single process;
- peak memory: the largest sum over this process and all its children (nannies, workers) of RSS (and of PSS, which
  counts shared pages once), sampled every 0.25 s.

Run: ``python bench/screen.py [--quick] [--champion] [--workers N] [--partition-size N] [--stride K]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
GIB = 2**30

SPACE = {
    "name": "bench: one million candidates",
    "a_site": [
        {"MA": 1.0},
        {"FA": 1.0},
        {"Cs": 1.0},
        {"FA": 0.9, "Cs": 0.1},
        {"FA": 0.8, "Cs": 0.2},
        {"FA": 0.7, "Cs": 0.3},
        {"FA": 0.6, "Cs": 0.4},
        {"MA": 0.5, "FA": 0.5},
        {"Cs": 0.9, "Rb": 0.1},
        {"FA": 0.85, "MA": 0.15},
    ],
    "b_site": [{"Pb": 1.0}, {"Pb": 0.9, "Sn": 0.1}],
    "halides": [
        {"mix": ["Br", "I"], "step": 0.05},
        {"Cl": 1.0},
        {"Cl": 0.25, "Br": 0.75},
        {"Cl": 0.5, "Br": 0.5},
        {"Cl": 0.75, "Br": 0.25},
    ],
    "spacers": [None, "PEA", "BA", "PDMA"],
    "n_layers": [1, 2, 3, 4, 5],
    "dimensionalities": ["3D film", "nanocrystal", "nanoplatelet", "single crystal", "microstructure"],
    "strategies": [None, "additive"],
    "pump": {
        "pulse": ["fs", "ns"],
        "wavelength_nm": [343, 355, 400, 515, 532],
        "temperature_k": [77, 150, 200, 250, 295],
    },
}


class PeakMemory:
    """The largest sum of RSS (and PSS) over this process and its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.rss = 0
        self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        rss = pss = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                info = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _champion(use_mine: bool, home: Path):
    """The predictor to bench: the configured champion, or one trained on the synthetic table in ``home``."""
    from asepred.core.registry import load_champion

    if not use_mine:
        sys.path.insert(0, str(REPO))
        from asepred.training.settings import Settings
        from asepred.training.train import train
        from tests.synthetic import CANDIDATES, write_lab_table

        os.environ["ASEPRED_HOME"] = str(home)
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{home / 'mlflow.db'}"
        os.environ["ASEPRED_ARTIFACT_ROOT"] = (home / "mlruns").as_uri()
        table = write_lab_table(home / "synthetic_lab.csv")
        train(Settings(data=[str(table)], bundled=False, candidates=CANDIDATES, seeds=(0,), n_trials=0))
    return load_champion()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one wavelength and one temperature: 40,000 candidates")
    parser.add_argument("--champion", action="store_true", help="bench the champion of the configured store")
    parser.add_argument("--workers", type=int, default=None, help="local workers (default: one per core)")
    parser.add_argument("--partition-size", type=int, default=20_000, help="candidates per partition")
    parser.add_argument("--stride", type=int, default=5, help="single process: every k-th partition (default 5)")
    args = parser.parse_args()

    from asepred.screening import job, screen
    from asepred.screening.grid import Grid
    from asepred.screening.space import parse_space

    space = dict(SPACE)
    if args.quick:
        space["pump"] = {"pulse": ["fs", "ns"], "wavelength_nm": [400], "temperature_k": [295]}
    grid = Grid(parse_space(space, "bench"))

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        predictor, current = _champion(args.champion, home)
        key = f"{current.model}/{current.version}"
        print(f"model: {current.model} v{current.version}; resolvable difference {predictor.resolvable_decades():.3f}")
        materials = len(grid) // (grid.shape[4] * grid.shape[5] * grid.shape[6] * grid.shape[7])
        print(f"space: {len(grid):,} candidates, axes {grid.shape}, {materials:,} materials")

        ranges = grid.partitions(args.partition_size)[:: args.stride]
        single_n = sum(stop - start for start, stop in ranges)
        model = job.SharedModel(predictor, key)
        with PeakMemory() as single_memory:
            started = time.perf_counter()
            for start, stop in ranges:
                job.score_partition(model, grid, start, stop, None)
            single_s = time.perf_counter() - started
        single_rate = single_n / single_s
        print(
            f"single process: {single_n:,} candidates ({len(ranges)} partitions of {args.partition_size:,}) in "
            f"{single_s:.1f} s = {single_rate:,.0f} candidates/s; peak RSS {single_memory.rss / GIB:.2f} GiB"
        )

        with PeakMemory() as memory:
            started = time.perf_counter()
            with job.dask_client(None, args.workers) as client:
                cluster_s = time.perf_counter() - started
                n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
                job_started = time.perf_counter()
                result = job.run_on_dask(client, grid, predictor, key, partition_size=args.partition_size)
                job_s = time.perf_counter() - job_started
            ranked_started = time.perf_counter()
            screening = screen.assemble(result, predictor, key, job_s)
            parquet, _ = screen.write(screening, home / "bench.parquet")
            write_s = time.perf_counter() - ranked_started
        rate = result.n_candidates / job_s
        print(
            f"dask ({n_workers} workers): {result.n_candidates:,} candidates ({result.n_partitions} partitions) in "
            f"{job_s:.1f} s = {rate:,.0f} candidates/s = {rate / single_rate:.2f}× the single process "
            f"(cluster start-up {cluster_s:.1f} s apart)"
        )
        print(f"model loads per worker process: {sorted(result.loads_by_process.values())}")
        print(
            f"ranking + Parquet ({parquet.stat().st_size / 2**20:.0f} MiB) + PNG: {write_s:.1f} s; "
            f"{screening.n_in_domain:,} in domain, {result.failures.count:,} could not be featurized"
        )
        print(
            f"peak memory, sum over processes (client, scheduler, nannies, workers): RSS {memory.rss / GIB:.2f} GiB, "
            f"PSS {memory.pss / GIB:.2f} GiB"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
