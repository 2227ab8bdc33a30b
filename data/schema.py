"""The curated-record contract (DESIGN.md, "Curated record") and its checks.

``validate`` returns every problem at once, each with the CSV line and column, so a curator or a lab can fix a table
in one pass. It never raises on a bad value; callers decide (the CLI lists problems, training refuses the table).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from asepred.core.errors import Problem
from asepred.data.record import (
    COLUMNS,
    DIMENSIONALITIES,
    LAB_REQUIRED,
    MEASUREMENTS,
    PUMP_PULSES,
    PUMP_WAVELENGTH_RANGE_NM,
    RANGES,
    REQUEST_FIELDS,
    SOURCES,
    STRATEGIES,
    TEMPERATURE_RANGE_K,
    UJ_CM2_RANGE,
    VOCABULARIES,
)
from asepred.data.units import KNOWN_UNITS, to_uj_cm2

if TYPE_CHECKING:  # the vocabularies are read by every command's --help, which must not wait for pandas
    import pandas as pd

__all__ = [
    "COLUMNS",
    "DIMENSIONALITIES",
    "MEASUREMENTS",
    "PUMP_PULSES",
    "PUMP_WAVELENGTH_RANGE_NM",
    "REQUIRED",
    "SOURCES",
    "STRATEGIES",
    "TEMPERATURE_RANGE_K",
    "UJ_CM2_RANGE",
    "Problem",
    "validate",
]

#: Re-exported from the record contract, where they are declared (``asepred.data.record``).
REQUIRED = LAB_REQUIRED
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
#: The only links a record may carry: a web page (the evidence table renders it as a link, so nothing else).
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s]*$", re.IGNORECASE)


def table_lines(table: pd.DataFrame) -> list[int]:
    """Each row's line in its CSV file (``read_table`` keeps them; else the header is line 1 and rows follow)."""
    lines = table.attrs.get("lines")
    return list(lines) if lines is not None and len(lines) == len(table) else list(range(2, len(table) + 2))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _quote_holds(quote: str, value: str) -> bool:
    """The quote contains the reported number (ignoring whitespace and thousands separators)."""
    squeezed = re.sub(r"[\s,]", "", quote)
    return value.strip() in squeezed or value.strip() in quote


def validate(table: pd.DataFrame, spacers: set[str], *, curated: bool = True) -> list[Problem]:
    """Every problem of ``table`` (all columns as strings, empty = missing).

    ``spacers`` are the keys of ``data/ligands.csv``. ``curated`` asks for full provenance (bundled table); a lab's own
    table needs only the ``REQUIRED`` columns and a reference, and may give a spacer as a SMILES, as a request may
    (``asepred.data.records.check`` has RDKit read it).
    """
    problems: list[Problem] = []
    needed = COLUMNS if curated else REQUIRED
    missing = [c for c in needed if c not in table.columns]
    if missing:
        return [Problem(None, c, "column is missing") for c in missing]
    unknown = [c for c in table.columns if c not in COLUMNS]
    problems += [Problem(None, c, f"unknown column; expected only {', '.join(COLUMNS)}") for c in unknown]
    lines = table_lines(table)
    table = table.reindex(columns=COLUMNS, fill_value="")

    seen_ids: dict[str, int] = {}
    seen_measurements: dict[tuple, int] = {}
    for line, row in zip(lines, table.itertuples(index=False), strict=True):
        r = row._asdict()

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(line, column, message))

        for column in REQUIRED + (("source", "quote") if curated else ()):
            if not r[column].strip():
                bad(column, "is empty")
        if r["record_id"] in seen_ids:
            bad("record_id", f"duplicates line {seen_ids[r['record_id']]}")
        seen_ids.setdefault(r["record_id"], line)

        for column, (allowed, hint) in VOCABULARIES.items():
            if r[column] and r[column] not in allowed:
                bad(column, f"{r[column]!r} is not one of {', '.join(allowed)}{hint}")
        if r["spacer"] and r["spacer"] not in spacers and curated:
            bad("spacer", f"{r['spacer']!r} is not a key of data/ligands.csv")
        if r["doi"] and not _DOI.match(r["doi"]):
            bad("doi", f"{r['doi']!r} is not a DOI (10.NNNN/suffix)")
        if r["source_url"] and not _URL.match(r["source_url"]):
            bad("source_url", f"{r['source_url']!r} is not an http(s) address")
        if r["source"] == "literature" and not r["source_url"]:
            bad("source_url", "is empty for a literature record")

        for column, bounds, integer in RANGES:
            if not r[column]:
                continue
            value = _number(r[column])
            if value is None or (integer and value != int(value)) or not bounds[0] <= value <= bounds[1]:
                kind = "a whole number" if integer else "a number"
                bad(column, f"{r[column]!r} is not {kind} in [{bounds[0]}, {bounds[1]}]")

        value = _number(r["threshold_value"])
        unit = r["threshold_unit"]
        if r["threshold_value"] and (value is None or value <= 0):
            bad("threshold_value", f"{r['threshold_value']!r} is not a positive number")
        if unit and unit not in KNOWN_UNITS:
            bad("threshold_unit", f"{unit!r} is not one of {', '.join(sorted(KNOWN_UNITS))}")
        elif value is not None and value > 0 and unit:
            uj = to_uj_cm2(value, unit)
            if not math.isnan(uj) and not UJ_CM2_RANGE[0] <= uj <= UJ_CM2_RANGE[1]:
                bad("threshold_value", f"{uj:g} µJ/cm2 is outside the physical range {UJ_CM2_RANGE}")
            if r["pump_pulse"] == "cw" and math.isfinite(uj):
                bad("threshold_unit", "a CW threshold is an intensity (W/cm2), not a fluence")
            if r["threshold_uj_cm2"]:
                stored = _number(r["threshold_uj_cm2"])
                expected_empty = math.isnan(uj)
                if (stored is None) != expected_empty or (stored is not None and abs(stored - uj) > 1e-9 * uj):
                    bad(
                        "threshold_uj_cm2",
                        f"{r['threshold_uj_cm2']!r} does not equal {uj:g} computed from value "
                        "and unit; run `asepred data build`",
                    )
        if curated and r["quote"] and r["threshold_value"] and not _quote_holds(r["quote"], r["threshold_value"]):
            bad("quote", f"does not contain the value {r['threshold_value']!r}")
        if r["quote"] and len(r["quote"]) > 200:
            bad("quote", f"has {len(r['quote'])} characters (at most 200)")

        key = (
            *(r[c] for c in REQUEST_FIELDS),
            r["measurement"],
            r["threshold_value"],
            r["threshold_unit"],
            r["doi"] or r["reference"],
        )
        if key in seen_measurements:
            bad("record_id", f"same measurement as line {seen_measurements[key]}")
        seen_measurements.setdefault(key, line)
        where_read = r["doi"].lower() or r["source_url"]
        if where_read:
            same_source = ("source", where_read, r["material"], r["measurement"], r["threshold_value"], unit)
            if same_source in seen_measurements and seen_measurements[same_source] != line:
                bad("record_id", f"same value read from the same source as line {seen_measurements[same_source]}")
            seen_measurements.setdefault(same_source, line)
    return problems
