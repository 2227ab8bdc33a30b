"""Browsing the records (asepred.data.browse): each filter against a recomputation from data/records.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from asepred.core.errors import AsepredError
from asepred.data.browse import FILTER_NAMES, Selection, neutralised, select, to_csv, typed_frame
from asepred.data.record import COLUMNS
from asepred.data.records import bundled_records

CSV_PATH = Path(__file__).resolve().parents[2] / "data" / "records.csv"


def raw_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ids(table) -> set[str]:
    return set(table["record_id"])


def test_bromide_nanocrystal_ase_records_are_exactly_those_of_the_csv() -> None:
    expected = {
        r["record_id"]
        for r in raw_rows()
        if "Br" in r["material"] and r["dimensionality"] == "nanocrystal" and r["measurement"] == "ASE"
    }
    chosen = select(bundled_records(), {"halide": "Br", "dimensionality": "nanocrystal", "measurement": "ASE"})
    assert expected and ids(chosen) == expected


def test_a_site_filter_keeps_mixed_halides() -> None:
    chosen = select(bundled_records(), {"halide": "Cl"})
    assert chosen["material"].str.contains("Cl").all()
    assert any("Br" in m and "Cl" in m for m in chosen["material"]), "a mixed Cl/Br record is kept"
    tin = select(bundled_records(), {"b_site": "Sn"})
    assert ids(tin) == {r["record_id"] for r in raw_rows() if "Sn" in r["material"]}


def test_year_temperature_and_text_filters() -> None:
    rows = raw_rows()
    chosen = select(bundled_records(), {"year_min": 2020, "year_max": 2022})
    assert ids(chosen) == {r["record_id"] for r in rows if r["year"] and 2020 <= int(r["year"]) <= 2022}
    cold = select(bundled_records(), {"t_max": 200})
    assert ids(cold) == {r["record_id"] for r in rows if r["temperature_k"] and float(r["temperature_k"]) <= 200}
    room = select(bundled_records(), {"t_min": 290, "t_max": 300})
    assert {r["record_id"] for r in rows if not r["temperature_k"]} <= ids(room)  # unstated reads as 295 K
    pea = select(bundled_records(), {"q": "pea"})
    assert ids(pea) == {
        r["record_id"] for r in rows if "pea" in r["material"].lower() or "pea" in r["reference"].lower()
    }
    controls = select(bundled_records(), {"strategy": "none"})
    assert ids(controls) == {r["record_id"] for r in rows if not r["strategy"]}


def test_sort_descending_puts_empty_last_and_numbers_in_numeric_order() -> None:
    chosen = select(bundled_records(), {"sort": "-threshold_uj_cm2"})
    values = [float(v) for v in chosen["threshold_uj_cm2"] if v]
    assert values == sorted(values, reverse=True)
    assert (chosen["threshold_uj_cm2"].iloc[len(values) :] == "").all()
    years = [int(y) for y in select(bundled_records(), {"sort": "year"})["year"] if y]
    assert years == sorted(years)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"halide": "F"}, "halide"),
        ({"year_min": 1800}, "year_min"),
        ({"sort": "colour"}, "sort"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_a_bad_filter_names_itself(given: dict, field: str) -> None:
    with pytest.raises(AsepredError) as caught:
        select(bundled_records(), given)
    assert caught.value.field == field


def test_every_filter_is_a_query_parameter() -> None:
    assert set(FILTER_NAMES) | {"sort"} == set(Selection.model_fields)


def test_csv_neutralises_formula_cells_and_keeps_numbers() -> None:
    assert neutralised("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralised("@SUM(A1)") == "'@SUM(A1)" and neutralised("+1") == "+1" and neutralised("-2.5") == "-2.5"
    table = bundled_records().head(2).copy()
    table.loc[0, "curation_note"] = "=cmd|' /C calc'!A0"
    rows = list(csv.DictReader(io.StringIO(to_csv(table))))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["curation_note"].startswith("'=")


def test_typed_frame_has_numbers_and_links() -> None:
    frame = typed_frame(bundled_records())
    assert frame["threshold_uj_cm2"].dtype.kind == "f" and str(frame["year"].dtype) == "Int64"
    assert frame["link"].str.match(r"https?://").all()
