"""Recording a result in a lab's own table: one validated row appended (``asepred lab add``).

The row is checked together with the rows already there, by the same validation as ``asepred data validate --lab``,
before a byte is written; the file is then appended to, never rewritten, so a lab's table is never lost to a failed
write. A new table gets the template's header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path

from asepred.core.errors import AsepredError
from asepred.data.record import COLUMNS
from asepred.data.records import check, parse_table, read_table

_NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def next_record_id(ids: list[str]) -> str:
    """The next id in the table's own numbering (``lab-007`` after ``lab-006``), else ``lab-001``, ``lab-002``, …"""
    taken = set(ids)
    for last in reversed(ids):
        match = _NUMBERED.match(last)
        if match:
            prefix, number = match["prefix"], match["number"]
            n = int(number) + 1
            while f"{prefix}{n:0{len(number)}d}" in taken:
                n += 1
            return f"{prefix}{n:0{len(number)}d}"
    n = 1
    while f"lab-{n:03d}" in taken:
        n += 1
    return f"lab-{n:03d}"


def add_row(path: Path, values: Mapping[str, object], *, today: dt.date | None = None) -> dict[str, str]:
    """Append ``values`` (record fields; ``record_id``, ``reference`` and ``curation_note`` filled in when absent)
    to the lab table at ``path``, creating it with the template's columns; the row as written."""
    table = read_table(path) if path.exists() else None
    header = list(table.columns) if table is not None else list(COLUMNS)
    ids = list(table["record_id"]) if table is not None and "record_id" in table.columns else []
    row = {k: "" if v is None else str(v).strip() for k, v in values.items() if v is not None and str(v).strip()}
    row.setdefault("record_id", next_record_id(ids))
    if "reference" not in row and table is not None and len(table) and "reference" in table.columns:
        row["reference"] = table["reference"].iloc[-1]  # the same lab notebook as the row before
    if "reference" not in row:
        raise AsepredError(
            "say where the measurement is written down (--reference), e.g. 'notebook 3 p. 12'", field="reference"
        )
    stamp = f"added {(today or dt.date.today()).isoformat()} by asepred lab add"
    row["curation_note"] = f"{row['curation_note']}; {stamp}" if row.get("curation_note") else stamp
    if "curation_note" not in header:
        row.pop("curation_note")
    missing = [k for k in row if k not in header]
    if missing:
        raise AsepredError(
            f"{path} has no column {', '.join(missing)}; add it to the header line (see `asepred data template`)",
            field=missing[0],
        )
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    # what is appended: the header for a new table, a line end the last row lacks, then the row
    addition = ("" if existing else ",".join(header) + "\n") + (
        "\n" if existing and not existing.endswith("\n") else ""
    )
    addition += _csv_line(header, row)
    check(parse_table((existing + addition).encode(), path), str(path), curated=False)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(addition)
    return {k: row.get(k, "") for k in header}


def _csv_line(header: list[str], row: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(k, "") for k in header])
    return buffer.getvalue()
