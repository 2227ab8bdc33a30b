"""Validation names the line and the column of each problem; the CLI exits non-zero."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from asepred.cli.main import app
from asepred.data.records import bundled_records
from asepred.data.schema import validate
from asepred.data.units import to_uj_cm2

runner = CliRunner()


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(447, "nJ/cm2", 0.447), (7.8, "uJ/cm2", 7.8), (0.39, "mJ/cm2", 390.0), (1, "J/cm2", 1e6)],
)
def test_to_uj_cm2(value: float, unit: str, expected: float) -> None:
    assert to_uj_cm2(value, unit) == pytest.approx(expected)


def test_intensity_has_no_fluence() -> None:
    assert to_uj_cm2(3.8, "W/cm2") != to_uj_cm2(3.8, "W/cm2")  # NaN


def test_bundled_table_is_valid() -> None:
    result = runner.invoke(app, ["data", "validate"])
    assert result.exit_code == 0, result.output
    assert f"{len(bundled_records())} records valid" in result.output


def _broken() -> pd.DataFrame:
    table = bundled_records().head(4).copy()
    table.loc[1, "threshold_unit"] = "uJ/m2"
    table.loc[2, "record_id"] = table.loc[0, "record_id"]
    table.loc[3, "doi"] = "doi:10/abc"
    table.loc[0, "quote"] = "no number here"
    return table


def test_validate_lists_every_problem_with_line_and_column() -> None:
    spacers = {"PEA", "OA", "BA", "PDMA", "NMA", "ThMA"}
    problems = {(p.line, p.column) for p in validate(_broken(), spacers)}
    assert (3, "threshold_unit") in problems
    assert (4, "record_id") in problems
    assert (5, "doi") in problems
    assert (2, "quote") in problems


def test_cli_rejects_a_bad_table(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    _broken().to_csv(path, index=False)
    result = runner.invoke(app, ["data", "validate", str(path)])
    assert result.exit_code == 1
    assert "line 3, threshold_unit" in result.output
    assert "line 5, doi" in result.output


def test_template_then_validate_as_lab(tmp_path) -> None:
    path = tmp_path / "mine.csv"
    assert runner.invoke(app, ["data", "template", str(path)]).exit_code == 0
    assert path.read_text().startswith("record_id,material")
    result = runner.invoke(app, ["data", "validate", "--lab", str(path)])
    assert result.exit_code == 0, result.output  # the commented example is not a record


def test_stats_counts_match_the_table() -> None:
    import json

    result = runner.invoke(app, ["data", "stats", "--json"])
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    table = bundled_records()
    assert counts["totals"]["records"] == len(table)
    assert sum(counts["measurement"].values()) == len(table)
    assert sum(counts["training_dimensionality"].values()) == counts["totals"]["training_records"]


def test_data_card_counts_are_the_tables() -> None:
    from asepred.data.cli import as_markdown, card_counts, counts

    assert card_counts() == as_markdown(counts(bundled_records())).strip(), "run `asepred data build`"


def test_the_same_value_read_twice_from_one_source_is_a_duplicate() -> None:
    table = bundled_records()
    literature = table[table["source"] == "literature"].head(1)
    copy = literature.assign(record_id="copy-001", reference="the same paper, named differently")
    problems = validate(pd.concat([literature, copy], ignore_index=True), set(table["spacer"]) - {""})
    assert any(p.column == "record_id" and "same source" in p.message for p in problems)


def test_an_unreadable_formula_is_named_with_its_line(tmp_path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(
        "record_id,material,dimensionality,measurement,threshold_value,threshold_unit,reference\n"
        "lab-1,CsPbBr3,3D film,ASE,12,uJ/cm2,notebook\n"
        "lab-2,CsPbQq3,3D film,ASE,12,uJ/cm2,notebook\n"
    )
    result = runner.invoke(app, ["data", "validate", "--lab", str(path)])
    assert result.exit_code == 1
    assert "line 3, material" in result.output and "Qq" in result.output
