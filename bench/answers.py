"""What evidence and explanations cost in process, on top of a prediction: one record, and 1,000 records with
``evidence = 0`` (which must cost no more than a plain prediction).

Trains quick models (median, and xgboost forced as champion so the explanation is real TreeSHAP) into a throw-away
store. Run: ``python bench/answers.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import store_env

RECORD = {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"}


def per_call_ms(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and 99th percentile of one call, ms."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times)), float(np.percentile(times, 99))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(store_env(Path(tmp)))
        from asepred.core.registry import load_champion
        from asepred.training.settings import Settings
        from asepred.training.train import train

        for model in ("median", "xgboost"):
            train(Settings(candidates=(model,), seeds=(0,), n_trials=0, learning_curve=False, force=True))
            predictor, current = load_champion()
            print(f"\n{model} champion ({args.repeats} repeats of one record, {args.repeats // 20} of 1,000)")
            for name, call, repeats in calls(predictor, current, args.repeats):
                p50, p99 = per_call_ms(call, repeats)
                print(f"  {name:<42} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")


def calls(predictor: object, current: object, repeats: int) -> list[tuple[str, Callable[[], object], int]]:
    from asepred.serving import answers
    from asepred.serving.schemas import PredictionRecord

    one = [RECORD]
    many = [RECORD | {"material": f"CsPbBr{3 - x:g}I{x:g}"} for x in np.linspace(0.003, 2.997, 1000).round(3)]
    parsed, parsed_many = [PredictionRecord(**r) for r in one], [PredictionRecord(**r) for r in many]
    few = max(repeats // 20, 5)
    return [
        ("predict_records, 1 record", lambda: predictor.predict_records(one), repeats),
        ("evidence(5), 1 record", lambda: predictor.evidence(one, 5), repeats),
        ("explain, 1 record", lambda: predictor.explain(one), repeats),
        (
            "answers.predict, 1 record, evidence 0",
            lambda: answers.predict(predictor, current, parsed, None, 0),
            repeats,
        ),
        (
            "answers.predict, 1 record, evidence 5",
            lambda: answers.predict(predictor, current, parsed, None, 5),
            repeats,
        ),
        ("predict_records, 1,000 records", lambda: predictor.predict_records(many), few),
        (
            "answers.predict, 1,000 records, evidence 0",
            lambda: answers.predict(predictor, current, parsed_many, None, 0),
            few,
        ),
    ]


if __name__ == "__main__":
    main()
