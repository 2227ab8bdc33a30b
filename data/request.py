"""The request models of a record, derived from the record contract (``asepred.data.record``), and the one reader of a
reference sample that the CLI, screening and the benchmarks share.

``PredictionRecord`` and ``ReferenceSample`` are built from ``FIELDS`` with ``pydantic.create_model`` rather than
written out as classes (as BentoML's examples write them): a field added to the contract then reaches the service's
schema, its OpenAPI document, the CLI and the page without a second edit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from asepred.core.errors import AsepredError
from asepred.data.record import BY_NAME, MAX_REFERENCE_UJ_CM2, REQUEST_FIELDS, RecordField


def _annotation(field: RecordField) -> Any:
    if field.kind == "choice":
        base: Any = Literal[field.allowed]  # type: ignore[valid-type]
    else:
        base = {"text": str, "int": int, "float": float}[field.kind]
    return base if field.required or field.default is not None else base | None


def _pydantic_field(field: RecordField) -> Any:
    constraints: dict[str, Any] = {"description": field.description}
    if field.bounds is not None:
        constraints["ge"], constraints["le"] = field.bounds
    if field.max_length is not None:
        constraints["max_length"] = field.max_length
    if field.kind == "text" and field.required:
        constraints["min_length"] = 1
    if field.examples:
        constraints["examples"] = list(field.examples)
    if field.required:
        return Field(**constraints)
    return Field(field.default, **constraints)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


PredictionRecord: type[BaseModel] = create_model(
    "PredictionRecord",
    __base__=_Record,
    __doc__="One material and its measurement conditions.",
    __module__=__name__,
    **{name: (_annotation(BY_NAME[name]), _pydantic_field(BY_NAME[name])) for name in REQUEST_FIELDS},
)

ReferenceSample: type[BaseModel] = create_model(
    "ReferenceSample",
    __base__=PredictionRecord,
    __doc__="A sample the lab measured itself, on the same set-up as the records it asks about.",
    __module__=__name__,
    threshold_uj_cm2=(
        float,
        Field(
            gt=0,
            le=MAX_REFERENCE_UJ_CM2,
            strict=True,
            description="The lab's measured pulsed ASE threshold of this sample, µJ cm⁻² (a number > 0, ≤ 1e5).",
            examples=[12.0],
        ),
    ),
)


def validated(model: type[BaseModel], fields: Mapping[str, object], location: str | None = None) -> BaseModel:
    """``model(**fields)``; a pydantic error becomes an ``AsepredError`` naming its field (within ``location``)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AsepredError(first["msg"], field=".".join(map(str, first["loc"])), location=location) from None


def parse_reference(
    path: Path | None = None, fields: Mapping[str, object] | None = None, same_setup: Mapping[str, object] = ()
) -> dict[str, object] | None:
    """The reference sample, from a JSON file (``--reference FILE.json``) or from ``fields`` (the CLI's
    ``--reference-*`` options; ``None`` values count as not given), checked by ``ReferenceSample``; ``None`` when
    neither says anything. What neither states comes from ``same_setup``: the reference was measured on the same
    set-up as the records it anchors (their pump conditions and morphology), and otherwise from the request defaults.

    Every error is an ``AsepredError`` located in ``reference``.
    """
    given = {k: v for k, v in (fields or {}).items() if v is not None}
    if path is not None and given:
        raise AsepredError(
            "give --reference FILE.json or the --reference-* options, not both", field=None, location="reference"
        )
    if path is not None:
        try:
            given = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise AsepredError(f"cannot read {path}: {exc.strerror}", location="reference") from None
        except json.JSONDecodeError as exc:
            raise AsepredError(f"{path} is not JSON ({exc.msg}, line {exc.lineno})", location="reference") from None
        if not isinstance(given, dict):
            raise AsepredError(f"{path} must hold one JSON object (a sample)", location="reference")
    if not given:
        return None
    if "material" not in given or "threshold_uj_cm2" not in given:
        raise AsepredError(
            "a reference needs its material and its measured threshold_uj_cm2 (--reference-material and "
            "--reference-threshold)",
            location="reference",
        )
    defaults = {k: v for k, v in same_setup.items() if v is not None}
    sample = validated(ReferenceSample, {**defaults, **given}, location="reference")
    return sample.model_dump()
