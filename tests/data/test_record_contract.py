"""The record contract (asepred.data.record) is the one field list: every other place derives its fields from it."""

from __future__ import annotations

import pandas as pd

from asepred.data import record
from asepred.data.tables import bundled_path


def test_the_bundled_table_has_exactly_the_contract_columns() -> None:
    header = pd.read_csv(bundled_path("records.csv"), nrows=0).columns
    assert tuple(header) == record.COLUMNS


def test_request_models_take_the_request_fields_in_order() -> None:
    from asepred.serving.schemas import PredictionRecord, ReferenceSample

    assert tuple(PredictionRecord.model_fields) == record.REQUEST_FIELDS
    assert tuple(ReferenceSample.model_fields) == (*record.REQUEST_FIELDS, "threshold_uj_cm2")
    schema = PredictionRecord.model_json_schema()
    assert schema["required"] == [f.name for f in record.FIELDS if f.request and f.required]
    assert schema["properties"]["pump_pulse"]["enum"] == list(record.PULSED)
    assert schema["properties"]["temperature_k"]["default"] == record.ROOM_TEMPERATURE_K


def test_featurizer_grid_evidence_and_page_read_the_contract() -> None:
    from asepred.features.base import RECORD_DEFAULTS
    from asepred.features.featurizer import default_descriptors
    from asepred.screening.grid import RECORD_COLUMNS
    from asepred.serving.schemas import Evidence
    from asepred.serving.web import ui_options

    assert tuple(RECORD_DEFAULTS) == record.FEATURIZED_FIELDS
    read = {f for d in default_descriptors() for f in d.fields}
    assert read == set(record.FEATURIZED_FIELDS)  # every featurized field is read, and nothing else
    assert RECORD_COLUMNS == record.REQUEST_FIELDS
    assert tuple(Evidence.model_fields)[: len(record.CITED_FIELDS)] == record.CITED_FIELDS
    form = ui_options()["form"]
    assert [f["name"] for f in form] == list(record.REQUEST_FIELDS)
    assert next(f for f in form if f["name"] == "dimensionality")["choices"] == list(record.DIMENSIONALITIES)


def test_a_lab_table_needs_the_lab_columns_only() -> None:
    from asepred.data.schema import validate

    table = pd.DataFrame([{c: "" for c in record.LAB_REQUIRED}])
    problems = validate(table, set(), curated=False)
    assert {p.column for p in problems} == set(record.LAB_REQUIRED)  # each is empty
    assert all(p.message == "is empty" for p in problems if p.column in record.LAB_REQUIRED)
