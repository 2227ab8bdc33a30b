"""``GET /records``: the curated records the served model was trained with (and the lab's, when it was trained with
``--data``), filtered, sorted and paged by ``asepred.data.browse``, as JSON or CSV (DESIGN.md, "Records and the
Python API").

The response models are derived from the record contract, as ``Evidence`` is: a column added there reaches the JSON
schema of this route without a second edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, create_model

from asepred.data.browse import DEFAULT_LIMIT, MAX_LIMIT, Selection, select, to_csv, typed
from asepred.data.record import BY_NAME, COLUMNS, LINK_DESCRIPTION

if TYPE_CHECKING:  # BentoML's supervisor imports this module too, and never needs pandas (docs/performance.md)
    import pandas as pd

CSV = "text/csv"


def _typed(name: str) -> tuple[Any, Any]:
    field = BY_NAME[name]
    kind = {"int": int, "float": float}.get(field.kind, str)
    return kind | None, Field(description=field.description)


CuratedRecord = create_model(
    "CuratedRecord",
    __doc__="One record: the data/records.csv columns, typed (null where empty), and its link.",
    __module__=__name__,
    **{name: _typed(name) for name in COLUMNS},
    link=(str | None, Field(description=LINK_DESCRIPTION)),
    halide=(str, Field(description="The emitting phase's halides, largest fraction first (Br, Br/I).")),
)


class RecordsPage(BaseModel):
    total: int = Field(description="Records that pass the filters (all pages).")
    offset: int
    limit: int
    records: list[CuratedRecord] = Field(description="This page of them, in the sort order.")  # type: ignore[valid-type]


RecordsQuery = create_model(
    "RecordsQuery",
    __base__=Selection,
    __doc__="Filters, sort key and page of GET /records, and its format.",
    __module__=__name__,
    limit=(int, Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Records per page.")),
    offset=(int, Field(0, ge=0, description="Records to skip (the page's start).")),
    format=(
        Literal["json", "csv"] | None,
        Field(None, description="csv for a CSV download (so does Accept: text/csv); JSON otherwise."),
    ),
)

#: What the OpenAPI document says of the CSV answer (FastAPI documents the JSON one from ``RecordsPage``).
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page of records: JSON, or CSV in the data/records.csv columns (format=csv or "
        "Accept: text/csv), cells a spreadsheet would read as a formula prefixed with '.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}


def served_records(predictor: object) -> pd.DataFrame:
    """The records the model was trained with (``EvidenceIndex.records_``), else the bundled table."""
    table = getattr(getattr(predictor, "evidence_index", None), "records_", None)
    if table is None:
        from asepred.data.records import bundled_records

        table = bundled_records()
    return table.reindex(columns=COLUMNS, fill_value="").fillna("").astype(str)


def wants_csv(query: BaseModel, request: Request) -> bool:
    if query.format is not None:
        return query.format == "csv"
    accept = request.headers.get("accept", "")
    return CSV in accept and "application/json" not in accept


def answer(table: pd.DataFrame, query: BaseModel, request: Request) -> Response:
    """The page of ``table`` that ``query`` asks for, as JSON or CSV."""
    chosen = select(table, query)
    page = chosen.iloc[query.offset : query.offset + query.limit]
    headers = {"X-Total-Count": str(len(chosen))}
    if wants_csv(query, request):
        headers["Content-Disposition"] = 'attachment; filename="asepred-records.csv"'
        return Response(to_csv(page), media_type=f"{CSV}; charset=utf-8", headers=headers)
    body = {"total": len(chosen), "offset": query.offset, "limit": query.limit, "records": typed(page)}
    return JSONResponse(body, headers=headers)
