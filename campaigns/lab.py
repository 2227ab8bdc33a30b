"""A lab's own table as a campaign reads it: validated like ``train --data`` (line and column on every problem), units
converted by code, and reduced to the measurements a surrogate may learn from.

The lab's rows never meet the literature's here: a campaign fits on the lab's table alone (its own set-up, its own
threshold definition), and the published record only flags the applicability domain (``asepred.campaigns.suggest``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from asepred.core.errors import DataValidationError, Problem
from asepred.data.record import COLUMNS, REQUEST_FIELDS
from asepred.data.records import check, log10_threshold, read_table, target_records, with_computed_units

#: Where rows of a lab table sent over HTTP are placed in errors (``lab_records[2].material``).
HTTP_LOCATION = "lab_records"


@dataclass(frozen=True)
class LabTable:
    """The lab's validated rows (``table``, units computed) and where they came from (``origin``)."""

    table: pd.DataFrame
    origin: str

    @cached_property
    def measured(self) -> pd.DataFrame:
        """Rows a surrogate learns from: pulsed one-photon ASE thresholds with a value, not excluded, in table order
        (the order they were measured in, as the lab appends them)."""
        return target_records(self.table)

    @property
    def candidates(self) -> pd.DataFrame:
        """The measured rows' record fields, as a candidate of a space carries them."""
        return self.measured.loc[:, list(REQUEST_FIELDS)]

    @property
    def log10(self) -> np.ndarray:
        return log10_threshold(self.measured)

    @property
    def skipped(self) -> int:
        """Rows kept in the table that a surrogate does not learn from (lasing, cw, excluded, …)."""
        return len(self.table) - len(self.measured)

    def sha256(self) -> str:
        """SHA-256 of the table as validated (its columns in contract order, rows in table order)."""
        canonical = self.table.reindex(columns=COLUMNS, fill_value="").to_csv(index=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _prepared(table: pd.DataFrame, origin: str) -> LabTable:
    check(table, origin, curated=False)
    table = with_computed_units(table)
    table.loc[table["source"] == "", "source"] = "lab"
    return LabTable(table.reset_index(drop=True), origin)


def read_lab_table(path: str | Path) -> LabTable:
    """A lab CSV (the format ``asepred data template`` writes); ``DataValidationError`` with each line and column."""
    return _prepared(read_table(path), str(path))


def lab_table_from_rows(rows: Sequence[Mapping[str, object]]) -> LabTable:
    """Rows sent as JSON (one object per row, keys as the CSV's columns), checked exactly as the CSV is. Problems
    name ``lab_records[i].column`` (``i`` counts from 0, as the sender's list does)."""
    unknown = sorted({str(k) for row in rows for k in row} - set(COLUMNS))
    if unknown:
        raise DataValidationError(
            f"{HTTP_LOCATION}: unknown column(s) {', '.join(unknown)}; use the columns of `asepred data template`",
            [Problem(None, f"{HTTP_LOCATION}.{u}", "not a column of the record") for u in unknown],
        )
    text = [{c: "" if row.get(c) is None else str(row.get(c)).strip() for c in COLUMNS} for row in rows]
    table = pd.DataFrame(text, columns=list(COLUMNS), dtype=str)
    table.attrs["lines"] = list(range(len(table)))
    try:
        return _prepared(table, HTTP_LOCATION)
    except DataValidationError as error:
        problems = [
            Problem(
                None, f"{HTTP_LOCATION}[{p.line}].{p.column}" if p.column else f"{HTTP_LOCATION}[{p.line}]", p.message
            )
            for p in error.problems
        ]
        raise DataValidationError(f"{HTTP_LOCATION}: {len(problems)} problem(s)", problems) from None
