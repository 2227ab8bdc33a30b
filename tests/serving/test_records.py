"""GET /records: the curated table (and a lab's) filtered, sorted, paged, as JSON or CSV, documented in /docs.json."""

from __future__ import annotations

import csv
import io
import time

import pytest
from starlette.testclient import TestClient

from asepred.data.browse import select
from asepred.data.record import COLUMNS
from asepred.data.records import bundled_records
from tests.data.test_browse import raw_rows

DONE_WHEN = "/records?halide=Br&dimensionality=nanocrystal&measurement=ASE"


def expected_bromide_nanocrystals() -> set[str]:
    return {
        r["record_id"]
        for r in raw_rows()
        if "Br" in r["material"] and r["dimensionality"] == "nanocrystal" and r["measurement"] == "ASE"
    }


def test_bromide_nanocrystal_ase_records_are_listed_exactly(client: TestClient) -> None:
    answer = client.get(DONE_WHEN)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["total"] == len(body["records"]) == len(expected_bromide_nanocrystals())
    assert {r["record_id"] for r in body["records"]} == expected_bromide_nanocrystals()
    first = body["records"][0]
    assert set(COLUMNS) | {"link", "halide"} == set(first) and isinstance(first["threshold_uj_cm2"], float)


@pytest.mark.parametrize(("suffix", "headers"), [("&format=csv", {}), ("", {"accept": "text/csv"})])
def test_the_same_records_download_as_csv(client: TestClient, suffix: str, headers: dict) -> None:
    answer = client.get(DONE_WHEN + suffix, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == list(COLUMNS)
    assert {r["record_id"] for r in rows} == expected_bromide_nanocrystals()


def test_pages_and_sort(client: TestClient) -> None:
    everything = client.get("/records", params={"limit": 1000, "sort": "-year"}).json()
    assert everything["total"] == len(bundled_records())
    years = [r["year"] for r in everything["records"] if r["year"] is not None]
    assert years == sorted(years, reverse=True)
    second = client.get("/records", params={"limit": 10, "offset": 10, "sort": "-year"}).json()
    assert second["records"] == everything["records"][10:20] and second["total"] == everything["total"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("halide=F", "halide"),
        ("year_min=abc", "year_min"),
        ("sort=colour", "sort"),
        ("limit=0", "limit"),
        ("colour=red", "colour"),
    ],
)
def test_a_bad_parameter_is_a_4xx_naming_it(client: TestClient, query: str, parameter: str) -> None:
    answer = client.get(f"/records?{query}")
    assert 400 <= answer.status_code < 500
    assert parameter in answer.text


def test_records_are_documented_with_their_filters_and_csv(client: TestClient) -> None:
    operation = client.get("/docs.json").json()["paths"]["/records"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "halide",
        "b_site",
        "a_site",
        "dimensionality",
        "spacer",
        "measurement",
        "pump_pulse",
        "strategy",
        "source",
        "year_min",
        "year_max",
        "t_min",
        "t_max",
        "q",
        "sort",
        "limit",
        "offset",
        "format",
    } <= names
    assert {"application/json", "text/csv"} <= set(operation["responses"]["200"]["content"])


def test_the_answer_is_quick(client: TestClient) -> None:
    client.get(DONE_WHEN)
    started = time.perf_counter()
    for _ in range(20):
        client.get("/records", params={"limit": 1000})
    per_call = (time.perf_counter() - started) / 20
    assert per_call < 0.5, f"{per_call * 1e3:.0f} ms per GET /records"
    assert len(select(bundled_records(), {"q": "CsPbBr3"})) > 0


def test_a_model_trained_with_a_lab_table_lists_the_lab_rows_too() -> None:
    import numpy as np
    import pandas as pd

    from asepred.models.evidence import EvidenceIndex
    from asepred.serving.records import served_records

    bundled = bundled_records()
    lab = bundled.head(1).assign(record_id="lab-1", source="", threshold_uj_cm2="", measurement="lasing")
    table = pd.concat([bundled, lab], ignore_index=True)
    index = EvidenceIndex().fit(table, lab=np.arange(len(table)) == len(table) - 1)

    class Trained:
        evidence_index = index

    served = served_records(Trained())
    assert len(served) == len(bundled) + 1  # a row without a pulsed threshold is listed, though never cited
    assert served.set_index("record_id").loc["lab-1", "source"] == "lab"
    assert list(select(served, {"source": "lab"})["record_id"]) == ["lab-1"]
