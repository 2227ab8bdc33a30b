"""``asepred lab add``: one validated row appended, a new record_id, today's date in curation_note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from asepred.campaigns.lab import read_lab_table
from asepred.cli.main import app
from asepred.data.lab import next_record_id

runner = CliRunner()


def test_a_result_is_appended_with_the_next_id_the_previous_reference_and_todays_date(lab8: Path) -> None:
    before = lab8.read_text()
    args = ["lab", "add", str(lab8), "(PEA)2FAPb2I7", "--dimensionality", "quasi-2D", "--n-layers", "2"]
    result = runner.invoke(app, [*args, "--pump-pulse", "fs", "--threshold", "18.5", "--temperature-k", "295"])
    assert result.exit_code == 0, result.output
    text = lab8.read_text()
    assert text.startswith(before) and text.count("\n") == before.count("\n") + 1
    table = read_lab_table(lab8).table
    row = table.iloc[-1]
    assert row["record_id"] == "sim-smooth-009" and row["material"] == "(PEA)2FAPb2I7"
    assert row["threshold_uj_cm2"] == "18.5" and row["reference"] == table.iloc[-2]["reference"]
    assert "curation_note" not in table.columns or dt.date.today().isoformat() in row["curation_note"]


def test_a_new_table_gets_the_template_header_and_a_bad_row_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    args = ["lab", "add", str(path), "CsPbBr3", "--threshold", "12", "--reference", "notebook 3 p. 12"]
    assert runner.invoke(app, args).exit_code == 0
    table = read_lab_table(path).table
    assert list(table["record_id"]) == ["lab-001"]
    assert table.iloc[0]["curation_note"] == f"added {dt.date.today().isoformat()} by asepred lab add"
    saved = path.read_bytes()
    result = runner.invoke(app, ["lab", "add", str(path), "CsPbBr3", "--threshold", "12", "--unit", "furlongs"])
    assert result.exit_code == 1 and "line 3, threshold_unit" in result.stderr
    result = runner.invoke(app, ["lab", "add", str(path), "Pb3Br", "--threshold", "12"])
    assert result.exit_code == 1 and "charge sum is +5" in result.stderr
    assert path.read_bytes() == saved


def test_the_first_row_needs_a_reference(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lab", "add", str(tmp_path / "lab.csv"), "CsPbBr3", "--threshold", "12"])
    assert result.exit_code == 1 and "reference" in result.stderr
    assert not (tmp_path / "lab.csv").exists()


def test_next_record_id_follows_the_tables_numbering() -> None:
    assert next_record_id([]) == "lab-001"
    assert next_record_id(["a-7", "run-009"]) == "run-010"
    assert next_record_id(["x-1", "x-2", "x-3", "x-2b"]) == "x-4"
    assert next_record_id(["only-names"]) == "lab-001"
