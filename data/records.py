"""Reading, building and selecting curated records.

``data/records.csv`` is generated: ``asepred data build`` merges the hand-curated sources in ``data/curation/*.csv``
and computes ``threshold_uj_cm2`` by code, so no unit is ever converted by hand.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from asepred.core.errors import DataValidationError, Problem
from asepred.data.record import COLUMNS
from asepred.data.schema import table_lines, validate
from asepred.data.tables import bundled_path, ligands
from asepred.data.units import to_uj_cm2

RECORDS_FILE = "records.csv"
#: The seed review's DOI, as printed under its title (../shared/seed/000_3356fcf2dc73591b.txt, line 5): the page
#: a ``seed-table``/``seed-text`` value was read on.
SEED_REVIEW_DOI = "10.63174/xdi.GQES2153"
TARGETS = ("ASE", "lasing")


def record_link(row: dict[str, str]) -> str | None:
    """A record's link: the paper's DOI URL; else the page the value was read on (for the seed review's values, the
    review)."""
    doi = (row.get("doi") or "").strip()
    if doi:
        return f"https://doi.org/{doi}"
    if (row.get("source") or "").startswith("seed-"):
        return f"https://doi.org/{SEED_REVIEW_DOI}"
    return row.get("source_url") or None


#: The largest table read: a lab's table of measurements is hundreds of rows; past this it is not one.
MAX_TABLE_BYTES = 20 * 1024 * 1024
MAX_TABLE_ROWS = 50_000
#: What a header that does not split on commas looks separated by.
_OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _decoded(raw: bytes, path: str | Path) -> str:
    """``raw`` as UTF-8 (a byte-order mark allowed); otherwise the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = (
            f"byte 0x{raw[exc.start]:02x} at line {line}, column {column} is not UTF-8: save the table as UTF-8 "
            "(it may be Latin-1 or Windows-1252)"
        )
        raise DataValidationError(f"{path}: {message}", [Problem(line, None, message)]) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each CSV record of ``text``. A line that starts with ``#`` outside a quoted cell is a
    comment, and a blank one is skipped; a ``#`` anywhere else is data (a cell may hold "Lab book #3")."""
    pending: list[str] = []
    start, quoted = 0, False
    for number, line in enumerate(io.StringIO(text, newline="").readlines(), start=1):
        if not quoted and (line.startswith("#") or not line.strip()):
            continue
        if not quoted:
            start = number
        pending.append(line)
        quoted ^= line.count('"') % 2 == 1  # an escaped quote ("") counts twice
        if not quoted:
            yield start, next(csv.reader(["".join(pending)]))
            pending = []
    if pending:
        yield start, next(csv.reader(["".join(pending)]))


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV table as strings, empty cells ``""``; lines starting with ``#`` are comments (``_records``). Each row's
    line in the file is kept in ``attrs["lines"]``, so problems name the line a person sees in an editor.

    A file that cannot be read, is not UTF-8, is empty, is over ``MAX_TABLE_BYTES`` or ``MAX_TABLE_ROWS``, is not
    comma-separated or has a row of the wrong width raises a ``DataValidationError`` saying where and how to fix it.
    """
    try:
        size = Path(path).stat().st_size
        if size > MAX_TABLE_BYTES:
            raise DataValidationError(
                f"{path}: {size / 2**20:.1f} MiB is over the {MAX_TABLE_BYTES // 2**20} MiB limit of a table", []
            )
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataValidationError(f"{path}: cannot read ({exc.strerror or exc})", []) from None
    return parse_table(raw, path)


def parse_table(raw: bytes, path: str | Path) -> pd.DataFrame:
    """``read_table`` of a file's bytes (``path`` names it in errors): a table about to be written is checked so."""
    records = _records(_decoded(raw, path))
    first = next(records, None)
    if first is None:
        raise DataValidationError(f"{path}: the table is empty; it needs a header line ({', '.join(COLUMNS[:3])}, …)")
    header_line, header = first
    header = [name.strip() for name in header]
    if len(header) == 1:
        for separator, name in _OTHER_SEPARATORS.items():
            if separator in header[0]:
                message = f"the header does not split on commas; it looks separated by {name}: save it as CSV"
                raise DataValidationError(f"{path}: {message}", [Problem(header_line, None, message)])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DataValidationError(
            f"{path}: the header names {', '.join(repeated)} more than once",
            [Problem(header_line, name, "appears more than once in the header") for name in repeated],
        )
    lines, rows, problems = [], [], []
    for line, cells in records:
        if len(rows) >= MAX_TABLE_ROWS:
            raise DataValidationError(f"{path}: more than {MAX_TABLE_ROWS:,} rows, the limit of a table")
        if len(cells) != len(header):
            problems.append(Problem(line, None, f"has {len(cells)} cells, the header {len(header)}"))
        lines.append(line)
        rows.append(cells)
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} row(s) of the wrong width", problems)
    table = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
    table.attrs["lines"] = lines
    return table


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
    lines = table_lines(table)
    for line, material in zip(lines, table.get("material", pd.Series([""] * len(table), dtype=str)), strict=True):
        if not material:
            continue  # reported as empty by validate()
        try:
            parsed(material)
        except FormulaParseError as error:
            problems.append(Problem(line, "material", error.message))
    return problems


def unreadable_spacers(table: pd.DataFrame) -> list[Problem]:
    """A problem for each ``spacer`` that is neither a ligand key nor a SMILES RDKit can read."""
    from asepred.core.errors import InvalidSmilesError
    from asepred.features.ligand import canonical_cation

    keys, problems = spacer_keys(), []
    for line, spacer in zip(table_lines(table), table.get("spacer", pd.Series([""] * len(table))), strict=True):
        if spacer and spacer not in keys:
            try:
                canonical_cation(spacer)
            except InvalidSmilesError as error:
                problems.append(Problem(line, "spacer", error.message))
    return problems


def check(table: pd.DataFrame, origin: str, *, curated: bool) -> pd.DataFrame:
    """``table`` unchanged if valid, else a ``DataValidationError`` listing every problem."""
    problems = validate(table, spacer_keys(), curated=curated) + unreadable_formulas(table)
    if not curated:
        problems += unreadable_spacers(table)
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
