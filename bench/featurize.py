"""Featurizing throughput: ``RecordFeaturizer().fit(X).transform(X)`` on 100,000 records, best of 3.

The records are rows of the bundled ``data/records.csv`` drawn with replacement (seeded), each given its own pump
wavelength and temperature, so that the numeric fields are as varied as in a screening run while the materials repeat
(as they do: a few hundred formulas across many conditions).

Run: ``python bench/featurize.py [--records N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from asepred.data.records import bundled_records
from asepred.features.featurizer import RecordFeaturizer

SEED = 0
WAVELENGTH_RANGE_NM = (250.0, 800.0)  # UV to the usual 800 nm two-photon pump
TEMPERATURE_RANGE_K = (4.0, 400.0)


def sample_records(n: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` records sampled from the bundled table, pump wavelength and temperature redrawn for each."""
    rng = np.random.default_rng(seed)
    table = bundled_records()
    records = table.iloc[rng.integers(0, len(table), size=n)].reset_index(drop=True)
    records["pump_wavelength_nm"] = rng.uniform(*WAVELENGTH_RANGE_NM, size=n).round(1)
    records["temperature_k"] = rng.uniform(*TEMPERATURE_RANGE_K, size=n).round(1)
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records to featurize (default 100000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best is reported (default 3)")
    args = parser.parse_args()

    records = sample_records(args.records)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        features = RecordFeaturizer().fit(records).transform(records)
        times.append(time.perf_counter() - start)
    best = min(times)
    materials = records["material"].nunique()
    print(f"records: {len(records)}  features: {features.shape[1]}  distinct materials: {materials}")
    print(f"runs (s): {', '.join(f'{t:.3f}' for t in times)}")
    print(f"best of {args.repeats}: {best:.3f} s total, {len(records) / best:,.0f} records/s")

    # the request path: the same records as a list of dicts (row by row, cached per distinct input)
    fitted = RecordFeaturizer().fit(records)
    rows = records.to_dict("records")
    cold = time.perf_counter()
    by_rows = fitted.transform(rows)
    cold = time.perf_counter() - cold
    warm = time.perf_counter()
    fitted.transform(rows)
    warm = time.perf_counter() - warm
    assert np.array_equal(by_rows, features, equal_nan=True), "the request path must equal the frame path"
    print(
        f"as a list of records (the request path): {len(rows) / cold:,.0f} records/s with empty caches, "
        f"{len(rows) / warm:,.0f} records/s with the caches filled; equal to the frame path"
    )


if __name__ == "__main__":
    main()
