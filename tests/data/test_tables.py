"""A table's cells are data: nothing in a cell is lost, and a file that cannot be read says where and why."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from asepred.core.errors import DataValidationError
from asepred.data import records as records_module
from asepred.data.record import COLUMNS
from asepred.data.records import read_table, target_records, user_records

TRICKY = {
    "record_id": "lab-#1",
    "material": "CsPbBr3",
    "dimensionality": "3D film",
    "pump_pulse": "fs",
    "temperature_k": "295",
    "measurement": "ASE",
    "threshold_value": "12.5",
    "threshold_unit": "uJ/cm2",
    "reference": 'Lab book #3 p. 4, "blue" run',
    "source_url": "https://example.org/notebook#p4",
    "quote": 'ASE at 12.5 µJ cm⁻², "clean" #2',
    "curation_note": "two lines:\nfirst # second",
    "exclude_reason": "sample contaminated – do not train",
}


def _write(path: Path, rows: list[dict[str, str]], comment: str | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        if comment is not None:
            handle.write(comment + "\n")
        writer.writerows(rows)
    return path


def test_every_cell_survives_hashes_quotes_commas_newlines_and_non_ascii(tmp_path: Path) -> None:
    other = {**TRICKY, "record_id": "lab-2", "exclude_reason": "", "threshold_value": "20"}
    path = _write(tmp_path / "lab.csv", [TRICKY, other], comment="# a comment line, not a record")
    table = user_records(path)
    assert len(table) == 2
    for column, value in TRICKY.items():
        assert table.loc[0, column] == value, column
    assert list(target_records(table)["record_id"]) == ["lab-2"]  # the excluded sample is not trained on


def test_the_evidence_cites_the_cells_as_written(tmp_path: Path) -> None:
    from asepred.features.base import record_rows
    from asepred.models.evidence import EvidenceIndex

    path = _write(tmp_path / "lab.csv", [{**TRICKY, "exclude_reason": ""}])
    index = EvidenceIndex().fit(user_records(path), lab=[True])
    request = record_rows([{"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "fs"}])
    (cited,) = index.nearest(request, 1)
    assert cited[0]["reference"] == TRICKY["reference"] and cited[0]["quote"] == TRICKY["quote"]
    assert cited[0]["source"] == "lab"


def test_problems_name_the_line_in_the_file(tmp_path: Path) -> None:
    bad = {**TRICKY, "record_id": "lab-3", "exclude_reason": "", "dimensionality": "3D", "threshold_value": "30"}
    path = _write(tmp_path / "lab.csv", [{**TRICKY, "exclude_reason": ""}, bad], comment="# note")
    with pytest.raises(DataValidationError) as caught:
        user_records(path)
    # header 1, comment 2, first row 3–4 (a cell spans two lines), the bad row on line 5
    assert [(p.line, p.column) for p in caught.value.problems] == [(5, "dimensionality")]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the table is empty"),
        ("record_id,material\nlab-1,CsPbBr3\nlab-2,Cs\xfcPbBr3\n".encode("latin-1"), "line 3, column 9 is not UTF-8"),
        (b"record_id;material;dimensionality\nlab-1;CsPbBr3;3D film\n", "looks separated by semicolons"),
        (b"record_id,material\nlab-1,CsPbBr3,extra\n", "has 3 cells, the header 2"),
        (b"record_id,record_id\n", "record_id more than once"),
    ],
)
def test_an_unreadable_table_says_where_and_why(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "lab.csv"
    path.write_bytes(content)
    with pytest.raises(DataValidationError) as caught:
        read_table(path)
    assert says in str(caught.value) + " ".join(map(str, caught.value.problems))


def test_a_table_over_the_limits_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "lab.csv", [{**TRICKY, "record_id": f"lab-{i}"} for i in range(5)])
    monkeypatch.setattr(records_module, "MAX_TABLE_ROWS", 4)
    with pytest.raises(DataValidationError, match="more than 4 rows"):
        read_table(path)
    monkeypatch.setattr(records_module, "MAX_TABLE_BYTES", 100)
    with pytest.raises(DataValidationError, match="MiB limit"):
        read_table(path)


def test_only_web_links_are_accepted(tmp_path: Path) -> None:
    rows = [
        {**TRICKY, "record_id": f"lab-{i}", "threshold_value": str(10 + i), "curation_note": "", "source_url": url}
        for i, url in enumerate(["javascript:alert(1)", "data:text/html,<b>x</b>", "https://doi.org/10.1/x"])
    ]
    with pytest.raises(DataValidationError) as caught:
        user_records(_write(tmp_path / "lab.csv", rows))
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "source_url"), (3, "source_url")]
