"""The plain-HTTP side of the service, mounted into the BentoML app: ``GET /model`` (a class view of the service)
and the web page under ``/ui`` (its files in ``serving/ui/``, served by this app, no CDN).

BentoML's own routes (``/predict``, ``/explain``, ``/readyz``, ``/``) take precedence over this app's, so everything
the page needs lives under ``/ui``; the page itself calls ``POST /predict``, ``POST /explain``, ``POST /suggest``,
``GET /records`` and ``GET /model``, and its Plan view starts from the bundled example space
(``GET /ui/example-space.yaml``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from asepred.data.record import BY_NAME, COLUMNS, DIMENSIONALITIES, LAB_REQUIRED, REQUEST_FIELDS, STRATEGIES
from asepred.serving.schemas import MAX_EVIDENCE, MAX_RECORDS, PredictionRecord, ReferenceSample

UI_DIR = Path(__file__).resolve().parent / "ui"
LIMITS = ("default", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength")

web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


def _limits(prop: dict[str, Any]) -> dict[str, Any]:
    """A field's description, default and bounds, from its JSON schema (bounds of an optional field sit in anyOf)."""
    found = {key: prop[key] for key in ("description", *LIMITS) if key in prop}
    for branch in prop.get("anyOf", []):
        found.update({key: branch[key] for key in LIMITS if key in branch})
    found["required"] = "default" not in prop
    return found


@cache
def ui_options() -> dict[str, Any]:
    """What the page offers: the record's fields in order (``form``: name, label, kind, choices and hint, from the
    record contract), the choices the model knows, each field's limits (from the request schema)."""
    from asepred.campaigns.answer import DEFAULT_BATCH, MAX_BATCH
    from asepred.data.browse import MAX_LIMIT, SORT_KEYS, filter_options
    from asepred.data.tables import ligands

    schema = ReferenceSample.model_json_schema()["properties"]
    fields = {name: _limits(prop) for name, prop in schema.items()}
    spacers = [
        {"key": row.key, "name": row.name, "smiles": row.smiles, "family": row.family}
        for row in ligands().itertuples(index=False)
    ]
    form = [
        {
            "name": name,
            "label": BY_NAME[name].label,
            "kind": BY_NAME[name].kind,
            "choices": list(BY_NAME[name].allowed),
            "hint": BY_NAME[name].description,
        }
        for name in REQUEST_FIELDS
    ]
    return {
        "form": form,
        "dimensionalities": list(DIMENSIONALITIES),
        "strategies": list(STRATEGIES),
        "pump_pulses": schema["pump_pulse"]["enum"],
        "spacers": spacers,
        "fields": fields,
        "record_columns": list(PredictionRecord.model_fields),
        "max_records": MAX_RECORDS,
        "max_evidence": MAX_EVIDENCE,
        "record_filters": filter_options(),
        "record_sort_keys": list(SORT_KEYS),
        "records_max_limit": MAX_LIMIT,
        "lab_columns": list(COLUMNS),
        "lab_required": list(LAB_REQUIRED),
        "suggest_batch": {"default": DEFAULT_BATCH, "minimum": 1, "maximum": MAX_BATCH},
    }


@web.get("/ui/options.json", include_in_schema=False)
def options() -> dict[str, Any]:
    """The form's choices and hints, so the page never disagrees with the request schema."""
    return ui_options()


@cache
def example_space() -> str:
    """The bundled example space (examples/space.yaml, package data of ``asepred.examples``), as written."""
    from importlib.resources import files

    return (files("asepred.examples") / "space.yaml").read_text(encoding="utf-8")


@web.get("/ui/example-space.yaml", include_in_schema=False)
def example_space_yaml() -> Response:
    """The space the Plan view suggests from unless the lab uploads its own (sent back as ``space`` text)."""
    return Response(example_space(), media_type="application/yaml; charset=utf-8")


@web.get("/ui", include_in_schema=False)
def ui_root() -> RedirectResponse:
    return RedirectResponse("/ui/")


web.mount("/ui", StaticFiles(directory=UI_DIR, html=True), name="ui")
