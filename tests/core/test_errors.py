"""Errors carry where they point as declared data, and one formatter names that place everywhere."""

from __future__ import annotations

import pytest

from asepred.core.errors import AsepredError, DataValidationError, FormulaParseError, Problem


def test_where_names_location_row_and_field() -> None:
    error = FormulaParseError("cannot read 'Xx'", field="material", value="Xx")
    assert str(error) == "material: cannot read 'Xx'"
    assert error.at(row=3).where() == "material"  # a row alone means nothing to the reader
    assert str(error.at(location="records")) == "records[3].material: cannot read 'Xx'"


def test_an_inner_location_is_kept_and_rows_are_renumbered() -> None:
    error = AsepredError("bad", field="spacer", location="reference")
    assert error.at(location="records").where() == "reference.spacer"
    deduplicated = AsepredError("bad", field="material", row=1).at(location="records")
    assert deduplicated.renumbered([0, 7, 9]).where() == "records[7].material"


def test_table_problems_are_located() -> None:
    error = DataValidationError("lab.csv: 2 problem(s)", [(3, "material", "is empty"), Problem(None, None, "x")])
    assert [str(p) for p in error.problems] == ["line 3, material: is empty", "x"]


@pytest.mark.parametrize("location", ["records", "reference", "space"])
def test_without_a_field_the_place_is_the_location(location: str) -> None:
    assert str(AsepredError("cannot be used", location=location)) == f"{location}: cannot be used"
