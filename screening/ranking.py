"""Honest ranking: an order only where the model can tell candidates apart.

Two predictions differ by more than noise only when their difference exceeds ``predictor.resolvable_decades()``
(1.645 · √2 · cross-validated RMSE; docs/accuracy.md). Candidates are sorted in-domain first, then by predicted
threshold (lowest first), and walked into tie groups: a group starts at its best candidate and takes every following
candidate within the resolvable difference of it. Groups are ordered; the order inside a group means nothing.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

GROUP_COLUMNS = ("tie_group", "tie_group_size")


def tie_groups(sorted_log10: np.ndarray, resolvable: float) -> np.ndarray:
    """1-based group of each value of an ascending array: each group holds the values below its first + resolvable."""
    n = len(sorted_log10)
    groups = np.empty(n, dtype=np.int64)
    start, group = 0, 1
    while start < n:
        stop = max(int(np.searchsorted(sorted_log10, sorted_log10[start] + resolvable, side="left")), start + 1)
        groups[start:stop] = group
        start, group = stop, group + 1
    return groups


def rank(table: pa.Table, resolvable: float, key: str = "log10_threshold") -> pa.Table:
    """``table`` sorted in-domain first, then lowest ``key`` (the predicted threshold, or with a reference the
    anchored one), with ``tie_group`` (numbered on across the in-domain and out-of-domain blocks) and
    ``tie_group_size`` as the first columns."""
    order = pc.sort_indices(
        table,
        sort_keys=[("in_domain", "descending"), (key, "ascending"), ("candidate_id", "ascending")],
    )
    table = table.take(order)
    log10 = table.column(key).to_numpy()
    inside = table.column("in_domain").to_numpy(zero_copy_only=False)
    n_inside = int(inside.sum())
    groups = tie_groups(log10[:n_inside], resolvable)
    outside = tie_groups(log10[n_inside:], resolvable) + (groups.max() if n_inside else 0)
    groups = np.concatenate([groups, outside])
    sizes = np.bincount(groups)[groups] if len(groups) else groups
    table = table.add_column(0, "tie_group_size", pa.array(sizes, type=pa.int64()))
    return table.add_column(0, "tie_group", pa.array(groups, type=pa.int64()))
