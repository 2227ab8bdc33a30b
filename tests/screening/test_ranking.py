"""Tie groups: a predicted difference below what the model resolves is a tie, never an order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from asepred.screening.ranking import rank, tie_groups


def test_a_group_holds_what_lies_within_the_resolvable_difference_of_its_best() -> None:
    values = np.array([0.0, 0.05, 0.09, 0.1, 0.25, 0.3, 1.0])
    assert tie_groups(values, 0.1).tolist() == [1, 1, 1, 2, 3, 3, 4]
    assert tie_groups(values, 0.0).tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert tie_groups(values, 5.0).tolist() == [1] * 7
    assert tie_groups(np.array([]), 0.1).tolist() == []


def test_in_domain_first_then_lowest_threshold_with_groups_numbered_on() -> None:
    table = pa.table(
        {
            "log10_threshold": [1.0, 0.2, 0.5, 0.25, 0.1],
            "in_domain": [True, False, True, True, True],
            "candidate_id": [0, 1, 2, 3, 4],
        }
    )
    ranked = rank(table, 0.2).to_pydict()
    assert ranked["candidate_id"] == [4, 3, 2, 0, 1]
    assert ranked["tie_group"] == [1, 1, 2, 3, 4]
    assert ranked["tie_group_size"] == [2, 2, 1, 1, 1]
