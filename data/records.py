"""Reading, building and selecting curated records.

``data/records.csv`` is generated: ``asepred data build`` merges the hand-curated sources in ``data/curation/*.csv``
and computes ``threshold_uj_cm2`` by code, so no unit is ever converted by hand.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from asepred.core.errors import DataValidationError, Problem
from asepred.data.record import COLUMNS
from asepred.data.schema import validate
from asepred.data.tables import bundled_path, ligands
from asepred.data.units import to_uj_cm2

RECORDS_FILE = "records.csv"
#: The seed review's DOI, as printed under its title (../shared/seed/000_3356fcf2dc73591b.txt, line 5): the page
#: a ``seed-table``/``seed-text`` value was read on.
SEED_REVIEW_DOI = "10.63174/xdi.GQES2153"
TARGETS = ("ASE", "lasing")


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV as strings with empty cells as ``""``; lines starting with ``#`` are comments."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, comment="#", skip_blank_lines=True)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataValidationError(f"{path}: cannot read as CSV ({exc})", [(None, None, str(exc))]) from exc


def with_computed_units(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``threshold_uj_cm2`` computed from ``threshold_value`` and ``threshold_unit``."""
    table = table.reindex(columns=COLUMNS, fill_value="").fillna("")

    def convert(row: pd.Series) -> str:
        uj = to_uj_cm2(float(row["threshold_value"]), row["threshold_unit"])
        return "" if math.isnan(uj) else f"{uj:.12g}"

    table["threshold_uj_cm2"] = table.apply(convert, axis=1) if len(table) else []
    return table


def spacer_keys() -> set[str]:
    return set(ligands()["key"])


def unreadable_formulas(table: pd.DataFrame) -> list[Problem]:
    """A problem for each ``material`` the formula parser cannot read (the featurizer would fail on it)."""
    from asepred.core.errors import FormulaParseError
    from asepred.features.sites import parsed

    problems = []
    for offset, material in enumerate(table.get("material", pd.Series(dtype=str))):
        if not material:
            continue  # reported as empty by validate()
        try:
            parsed(material)
        except FormulaParseError as error:
            problems.append(Problem(offset + 2, "material", str(error).removeprefix("material: ")))
    return problems


def check(table: pd.DataFrame, origin: str, *, curated: bool) -> pd.DataFrame:
    """``table`` unchanged if valid, else a ``DataValidationError`` listing every problem."""
    problems = validate(table, spacer_keys(), curated=curated) + unreadable_formulas(table)
    if problems:
        raise DataValidationError(f"{origin}: {len(problems)} problem(s)", problems)
    return table


def bundled_records() -> pd.DataFrame:
    """The curated table shipped with the package, validated."""
    with_path = bundled_path(RECORDS_FILE)
    return check(read_table(str(with_path)), RECORDS_FILE, curated=True)


def user_records(path: str | Path) -> pd.DataFrame:
    """A lab's own table: validated with the same checks (provenance relaxed), units computed by code."""
    table = read_table(path)
    check(table, str(path), curated=False)
    table = with_computed_units(table)
    table.loc[table["source"] == "", "source"] = "lab"
    return table


def load_records(paths: Sequence[str | Path] = (), *, bundled: bool = True) -> pd.DataFrame:
    """Bundled records (unless ``bundled=False``) merged with each user table; record ids must stay unique."""
    frames = ([bundled_records()] if bundled else []) + [user_records(p) for p in paths]
    if not frames:
        raise DataValidationError("no data: pass --data PATH or keep the bundled table", [])
    table = pd.concat(frames, ignore_index=True)
    duplicated = table["record_id"][table["record_id"].duplicated()].unique()
    if len(duplicated):
        raise DataValidationError(
            f"record_id values used twice across tables: {', '.join(duplicated[:10])}",
            [(None, "record_id", f"{rid!r} appears in more than one table") for rid in duplicated],
        )
    return table


def target_records(table: pd.DataFrame, target: str = "ASE") -> pd.DataFrame:
    """Rows of the default training target: pulsed, one-photon ``target`` thresholds with a µJ cm⁻² value."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, not {target!r}")
    keep = (
        (table["measurement"] == target)
        & (table["pump_pulse"] != "cw")
        & (table["threshold_uj_cm2"] != "")
        & (table["pump_photons"].isin(["", "1"]))
        & (table["exclude_reason"] == "")
    )
    return table[keep].reset_index(drop=True)


def log10_threshold(table: pd.DataFrame) -> np.ndarray:
    return np.log10(table["threshold_uj_cm2"].astype(float).to_numpy())


def publication_groups(table: pd.DataFrame) -> np.ndarray:
    """One label per publication (DOI, else the reference), for grouped cross-validation."""
    doi = table["doi"].str.lower().str.strip()
    reference = table["reference"].str.strip()
    return np.where(doi != "", doi, reference)


def data_hash(table: pd.DataFrame) -> str:
    """SHA-256 of the records trained on (column order fixed, rows sorted): equal tables, equal hashes."""
    canonical = table.reindex(columns=COLUMNS, fill_value="").sort_values("record_id").to_csv(index=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build(sources: Iterable[str | Path], out: str | Path) -> pd.DataFrame:
    """Merge curated source tables into ``out`` with units computed by code, validated."""
    frames = [read_table(p) for p in sorted(map(str, sources))]
    table = with_computed_units(pd.concat(frames, ignore_index=True)).sort_values("record_id", kind="stable")
    check(table, str(out), curated=True)
    table.to_csv(out, index=False)
    return table
