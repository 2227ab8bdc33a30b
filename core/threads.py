"""One thread per process for every model library, set where a model is loaded to predict.

A server runs one worker per core and a Dask screening one worker process per core; each predicting with its
libraries' default thread pools (OpenMP in scikit-learn's histogram boosting and XGBoost, OpenBLAS in NumPy) puts
two threads on every core, and under a concurrent load that oversubscription cost anchored requests ten-fold
(docs/performance.md, "Load"). Training sets the same limit around its fits (``training/train.py``).
"""

from __future__ import annotations


def single_threaded() -> None:
    """Limit every thread pool threadpoolctl knows (OpenMP, BLAS) in this process to one thread, from now on."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
