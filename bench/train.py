"""Wall time of ``asepred train`` with its defaults on the bundled table, in a throw-away MLflow store.

Run: ``python bench/train.py [--n-trials N]``. Prints the leaderboard's best model and the wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import store_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-trials", type=int, default=None, help="override the CLI default")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(store_env(Path(tmp)))
        from asepred.training.settings import Settings
        from asepred.training.train import train

        n_trials = Settings.n_trials if args.n_trials is None else args.n_trials
        start = time.perf_counter()
        outcome = train(Settings(n_trials=n_trials))
        elapsed = time.perf_counter() - start
    best = outcome.leaderboard.iloc[0]
    print(f"candidates: {len(outcome.leaderboard)}  n_trials: {n_trials}  cpus: {os.cpu_count()}")
    print(f"best: {best['model']} (CV MAE {best['cv_mae']:.3f})")
    print(f"asepred train wall time: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
