"""Browsing records: the filters of ``GET /records`` and ``asepred.records()``, declared once (DESIGN.md, "Records
and the Python API").

``Selection`` is the one model of a query (filters and sort key), built from ``FILTERS``; the service takes it as its
query parameters (so the OpenAPI document lists each filter with its choices) and the Python API validates keyword
arguments with it. ``select`` applies it to a table of records (strings, as ``read_table`` gives them) and ``typed``
turns rows into values of the types the record contract declares. The choices come from the contract: the ions of
each site (``A_IONS`` …), the vocabularies of each closed column.

A site filter keeps a record whose site (of any phase of its formula) holds that ion, in any fraction:
``halide=Br`` keeps CsPbBr3 and CsPbCl1.5Br1.5. A temperature bound reads an unstated temperature as room
temperature (``ROOM_TEMPERATURE_K``), as a prediction request does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from asepred.data.record import (
    A_IONS,
    B_IONS,
    BY_NAME,
    COLUMNS,
    ROOM_TEMPERATURE_K,
    TEMPERATURE_RANGE_K,
    X_IONS,
)
from asepred.data.request import validated

if TYPE_CHECKING:  # imported where a table is read: the server's supervisor imports this module and never does
    import pandas as pd

#: What a ``strategy`` filter names for a control sample (an empty strategy), and a ``spacer`` filter for no spacer.
NONE = "none"
#: The largest page of ``GET /records``; the Python API returns every row unless asked for a page.
MAX_LIMIT = 5000
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class Filter:
    """One filter: its query parameter ``name``, what it reads (``kind``: a formula ``site``, a ``column`` equal to
    a choice, a numeric ``min``/``max`` bound, a ``text`` search) and the ``choices`` it takes."""

    name: str
    kind: Literal["site", "column", "min", "max", "text"]
    description: str
    column: str = ""
    choices: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None


def _choices(column: str, *extra: str) -> tuple[str, ...]:
    return (*BY_NAME[column].choices, *extra)


FILTERS: tuple[Filter, ...] = (
    Filter(
        "halide", "site", "Records whose X site holds this halide (halide=Br keeps CsPbCl1.5Br1.5).", "x_site", X_IONS
    ),
    Filter("b_site", "site", "Records whose B site holds this metal.", "b_site", B_IONS),
    Filter("a_site", "site", "Records whose A site holds this cation.", "a_site", A_IONS),
    Filter(
        "dimensionality", "column", BY_NAME["dimensionality"].description, "dimensionality", _choices("dimensionality")
    ),
    Filter("spacer", "column", "Spacer key of data/ligands.csv (PEA, BA, …), or 'none'.", "spacer"),
    Filter("measurement", "column", BY_NAME["measurement"].description, "measurement", _choices("measurement")),
    Filter("pump_pulse", "column", "Pump pulse regime.", "pump_pulse", _choices("pump_pulse")),
    Filter(
        "strategy",
        "column",
        "Engineering strategy, or 'none' for a control sample.",
        "strategy",
        _choices("strategy", NONE),
    ),
    Filter("source", "column", BY_NAME["source"].description, "source", _choices("source")),
    Filter("year_min", "min", "Published in or after this year.", "year", bounds=BY_NAME["year"].bounds),
    Filter("year_max", "max", "Published in or before this year.", "year", bounds=BY_NAME["year"].bounds),
    Filter(
        "t_min",
        "min",
        "Measured at or above this temperature, K (unstated: room temperature).",
        "temperature_k",
        bounds=TEMPERATURE_RANGE_K,
    ),
    Filter(
        "t_max",
        "max",
        "Measured at or below this temperature, K (unstated: room temperature).",
        "temperature_k",
        bounds=TEMPERATURE_RANGE_K,
    ),
    Filter("q", "text", "Free text, case-insensitive, over material and reference."),
)
FILTER_NAMES = tuple(f.name for f in FILTERS)
#: Sort keys: a record column, ascending, or ``-column``, descending; empty cells last either way.
SORT_KEYS = (*COLUMNS, *(f"-{c}" for c in COLUMNS))


def _query_field(spec: Filter) -> tuple[Any, Any]:
    if spec.choices:
        return Literal[spec.choices] | None, Field(None, description=spec.description)  # type: ignore[valid-type]
    if spec.kind in ("min", "max"):
        low, high = spec.bounds or (-math.inf, math.inf)
        kind = int if BY_NAME[spec.column].kind == "int" else float
        return kind | None, Field(None, ge=low, le=high, description=spec.description)
    return str | None, Field(None, min_length=1, max_length=200, description=spec.description)


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


Selection: type[BaseModel] = create_model(
    "Selection",
    __base__=_Query,
    __doc__="Filters over curated (and lab) records, and the sort key.",
    __module__=__name__,
    **{spec.name: _query_field(spec) for spec in FILTERS},
    sort=(
        Literal[SORT_KEYS] | None,  # type: ignore[valid-type]
        Field(None, description="A record column to sort by (record_id when absent); -column sorts descending."),
    ),
)


def selection(**given: object) -> BaseModel:
    """``Selection(**given)``; a wrong name or value is an ``AsepredError`` naming the parameter."""
    unknown = sorted(set(given) - set(Selection.model_fields))
    if unknown:
        from asepred.core.errors import AsepredError

        raise AsepredError(
            f"unknown filter; the filters are {', '.join(Selection.model_fields)}", field=unknown[0], value=unknown[0]
        )
    return validated(Selection, given)


def _site_holds(material: str, site: str, ion: str) -> bool:
    from asepred.core.errors import AsepredError
    from asepred.features.sites import parsed

    try:
        phases = parsed(material).phases
    except AsepredError:  # a lab's formula the parser refuses was refused at load time; never here
        return False
    return any(getattr(phase, site).get(ion, 0.0) > 0 for phase in phases)


def _number(cells: pd.Series, empty: float = math.nan) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(cells.replace("", None), errors="coerce").fillna(empty)


def _matcher(spec: Filter, value: object) -> Callable[[pd.DataFrame], pd.Series]:
    if spec.kind == "site":
        return lambda t: t["material"].map(lambda m: _site_holds(m, spec.column, str(value))).astype(bool)
    if spec.kind == "column":
        wanted = "" if value == NONE and spec.name in ("strategy", "spacer") else str(value)
        return lambda t: t[spec.column].str.casefold() == wanted.casefold()
    if spec.kind in ("min", "max"):
        empty = ROOM_TEMPERATURE_K if spec.column == "temperature_k" else math.nan

        def bound(t: pd.DataFrame) -> pd.Series:
            numbers = _number(t[spec.column], empty)
            return numbers >= float(value) if spec.kind == "min" else numbers <= float(value)

        return bound
    needle = str(value).casefold()
    return lambda t: (
        (t["material"].str.casefold().str.contains(needle, regex=False))
        | (t["reference"].str.casefold().str.contains(needle, regex=False))
    )


def select(table: pd.DataFrame, query: BaseModel | Mapping[str, object] | None = None) -> pd.DataFrame:
    """The rows of ``table`` (records as strings) that pass every filter of ``query``, sorted by its key.

    Parameters
    ----------
    table : pandas.DataFrame
        Records in the ``data/records.csv`` columns, as strings (empty cells ``""``).
    query : Selection or mapping, optional
        Filters and sort key; a mapping is validated (``selection``).

    Returns
    -------
    pandas.DataFrame
        The matching rows, index reset.
    """
    import pandas as pd

    if not isinstance(query, BaseModel):
        query = selection(**(query or {}))
    keep = pd.Series(True, index=table.index)
    for spec in FILTERS:
        value = getattr(query, spec.name)
        if value is not None:
            keep &= _matcher(spec, value)(table)
    chosen = table[keep]
    key = query.sort or "record_id"
    column, descending = key.lstrip("-"), key.startswith("-")
    if BY_NAME[column].numeric:
        order = _number(chosen[column])
    else:
        order = chosen[column].where(chosen[column] != "", None).str.casefold()
    ranked = chosen.assign(_order=order).sort_values(
        ["_order", "record_id"], ascending=[not descending, True], na_position="last", kind="stable"
    )
    return ranked.drop(columns="_order").reset_index(drop=True)


def typed_value(column: str, text: str) -> object:
    """A cell as the record contract types it: a number, a string, or ``None`` where empty."""
    field = BY_NAME[column]
    if text == "":
        return None
    if field.kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if field.kind == "int" else number
    return text


def halide_family(material: str) -> str:
    """The halides of a formula's emitting phase, largest fraction first: ``Br``, ``Br/I`` (``""`` if unreadable)."""
    from asepred.core.errors import AsepredError
    from asepred.features.sites import parsed

    try:
        site = parsed(material).emitter.x_site
    except AsepredError:
        return ""
    return "/".join(ion for ion, _ in sorted(site.items(), key=lambda kv: -kv[1]))


def typed(table: pd.DataFrame) -> list[dict[str, object]]:
    """Each row as a dict of the ``COLUMNS``, typed (``typed_value``), its ``link`` and its ``halide`` family."""
    from asepred.data.records import record_link

    rows = table.reindex(columns=COLUMNS, fill_value="").fillna("").to_dict("records")
    return [
        {
            **{c: typed_value(c, row[c]) for c in COLUMNS},
            "link": record_link(row),
            "halide": halide_family(row["material"]),
        }
        for row in rows
    ]


def filter_options() -> list[dict[str, object]]:
    """The filters as the web page offers them: name, kind, choices, description and bounds."""
    return [
        {
            "name": f.name,
            "kind": f.kind,
            "choices": list(f.choices),
            "description": f.description,
            "bounds": list(f.bounds) if f.bounds else None,
        }
        for f in FILTERS
    ]


def typed_frame(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (strings) with the contract's types: numeric columns as numbers (``NaN``/``<NA>`` where empty),
    text as strings (``""`` where empty), and a ``link`` column."""
    import pandas as pd

    from asepred.data.records import record_link

    frame = table.reindex(columns=COLUMNS, fill_value="").fillna("").copy()
    links = [record_link(row) for row in frame.to_dict("records")]
    for column in COLUMNS:
        field = BY_NAME[column]
        if field.kind == "float":
            frame[column] = _number(frame[column])
        elif field.kind == "int":
            frame[column] = _number(frame[column]).round().astype("Int64")
    frame["link"] = pd.Series(links, index=frame.index, dtype=object).fillna("")
    return frame


#: Characters a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A cell a spreadsheet would run as a formula, prefixed with ``'`` (OWASP's advice); numbers stay numbers."""
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def to_csv(table: pd.DataFrame) -> str:
    """Records as CSV in the ``data/records.csv`` columns, every formula-like cell neutralised."""
    frame = table.reindex(columns=COLUMNS, fill_value="").fillna("").astype(str)
    return frame.map(neutralised).to_csv(index=False, lineterminator="\n")
