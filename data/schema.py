"""The curated-record contract (DESIGN.md, "Curated record") and its checks.

``validate`` returns every problem at once, each with the CSV line and column, so a curator or a lab can fix a table
in one pass. It never raises on a bad value; callers decide (the CLI lists problems, training refuses the table).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asepred.data.units import KNOWN_UNITS, to_uj_cm2

if TYPE_CHECKING:  # the vocabularies are read by every command's --help, which must not wait for pandas
    import pandas as pd

DIMENSIONALITIES = ("nanocrystal", "nanoplatelet", "quasi-2D", "2D", "3D film", "single crystal", "microstructure")
STRATEGIES = ("phase", "solvent", "additive", "doping", "ligand", "structural", "encapsulation")
PUMP_PULSES = ("fs", "ps", "ns", "cw")
MEASUREMENTS = ("ASE", "lasing")
SOURCES = ("seed-table", "seed-text", "literature", "lab")

#: Columns with a closed vocabulary, and what an empty value means.
VOCABULARIES: dict[str, tuple[tuple[str, ...], str]] = {
    "dimensionality": (DIMENSIONALITIES, ""),
    "strategy": (STRATEGIES, " (or empty for a control)"),
    "pump_pulse": (PUMP_PULSES, " (or empty if not stated)"),
    "measurement": (MEASUREMENTS, ""),
    "source": (SOURCES, ""),
}

#: Columns of a curated table, in order. ``threshold_uj_cm2`` is computed by code (``asepred data build``);
#: ``exclude_reason`` keeps a record in the table but out of every training target (say why).
COLUMNS = (
    "record_id",
    "material",
    "dimensionality",
    "spacer",
    "n_layers",
    "strategy",
    "pump_pulse",
    "pump_wavelength_nm",
    "pump_photons",
    "temperature_k",
    "measurement",
    "threshold_value",
    "threshold_unit",
    "threshold_uj_cm2",
    "year",
    "doi",
    "reference",
    "source",
    "source_locator",
    "source_url",
    "quote",
    "curation_note",
    "exclude_reason",
)
#: Columns a user (lab) table must have; the rest are optional there.
REQUIRED = ("record_id", "material", "dimensionality", "measurement", "threshold_value", "threshold_unit", "reference")

#: Physical range for a pulsed ASE/lasing threshold in µJ cm⁻²: 1 nJ cm⁻² to 1 J cm⁻².
UJ_CM2_RANGE = (1e-3, 1e6)
PUMP_WAVELENGTH_RANGE_NM = (200.0, 2500.0)
TEMPERATURE_RANGE_K = (1.0, 500.0)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a table: its CSV line (header = line 1), column and what to fix."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"line {self.line}" if self.line else "", self.column or "") if p)
        return f"{where}: {self.message}" if where else self.message


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
    table needs only the ``REQUIRED`` columns and a reference.
    """
    problems: list[Problem] = []
    needed = COLUMNS if curated else REQUIRED
    missing = [c for c in needed if c not in table.columns]
    if missing:
        return [Problem(None, c, "column is missing") for c in missing]
    unknown = [c for c in table.columns if c not in COLUMNS]
    problems += [Problem(None, c, f"unknown column; expected only {', '.join(COLUMNS)}") for c in unknown]
    table = table.reindex(columns=COLUMNS, fill_value="")

    seen_ids: dict[str, int] = {}
    seen_measurements: dict[tuple, int] = {}
    for offset, row in enumerate(table.itertuples(index=False)):
        line = offset + 2
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
        if r["spacer"] and r["spacer"] not in spacers:
            bad("spacer", f"{r['spacer']!r} is not a key of data/ligands.csv")
        if r["doi"] and not _DOI.match(r["doi"]):
            bad("doi", f"{r['doi']!r} is not a DOI (10.NNNN/suffix)")
        if r["source"] == "literature" and not r["source_url"]:
            bad("source_url", "is empty for a literature record")

        for column, bounds, integer in (
            ("n_layers", (1, 100), True),
            ("pump_photons", (1, 3), True),
            ("pump_wavelength_nm", PUMP_WAVELENGTH_RANGE_NM, False),
            ("temperature_k", TEMPERATURE_RANGE_K, False),
            ("year", (1990, 2100), True),
        ):
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
            r["material"],
            r["dimensionality"],
            r["spacer"],
            r["n_layers"],
            r["strategy"],
            r["pump_pulse"],
            r["pump_wavelength_nm"],
            r["temperature_k"],
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
