"""Fit time of the ``hist_gb`` candidate on the bundled table with the default OpenMP threads and with one thread.

Run: ``python bench/openmp_threads.py [--fits N]``, ideally once on a quiet machine and once while another process
keeps a core busy (``python -c "while True: pass" &``): on 2 shared cores, OpenMP's spinning threads are what turn a
50 ms fit into seconds. ``asepred train`` runs with one OpenMP thread (``asepred.training.train.train``).
"""

from __future__ import annotations

import argparse
import time

from threadpoolctl import threadpool_limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fits", type=int, default=10)
    args = parser.parse_args()
    from asepred.data.records import load_records, log10_threshold, target_records
    from asepred.features.base import as_record_frame
    from asepred.features.featurizer import RecordFeaturizer
    from asepred.models.candidates import CANDIDATES

    frame = as_record_frame(target_records(load_records()))
    X, y = RecordFeaturizer().fit(frame).transform(frame), log10_threshold(frame)
    hist_gb = CANDIDATES["hist_gb"]

    def timed() -> float:
        start = time.perf_counter()
        for seed in range(args.fits):
            hist_gb.make({}, [], seed).fit(X, y)
        return time.perf_counter() - start

    default = timed()
    with threadpool_limits(limits=1, user_api="openmp"):
        single = timed()
    print(
        f"{args.fits} hist_gb fits on {len(y)} records: "
        f"default OpenMP threads {default:.2f} s, one thread {single:.2f} s"
    )


if __name__ == "__main__":
    main()
