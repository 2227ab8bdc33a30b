"""`asepred predict`: the service's answer without a server, and its errors on one line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from asepred.cli.main import app

runner = CliRunner()


def test_predict_json_matches_the_response_contract(use_trained_store) -> None:
    result = runner.invoke(app, ["predict", "CsPbBr3", "--dimensionality", "nanocrystal", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["model"]["name"] == "ase-threshold"
    (p,) = body["predictions"]
    assert p["interval_uj_cm2"][0] < p["threshold_uj_cm2"] < p["interval_uj_cm2"][1]


def test_predict_errors_name_the_field(use_trained_store) -> None:
    bad_formula = runner.invoke(app, ["predict", "CsPbQ3"])
    assert bad_formula.exit_code == 1
    assert "material" in bad_formula.output and "Traceback" not in bad_formula.output
    bad_dimension = runner.invoke(app, ["predict", "CsPbBr3", "--dimensionality", "blob"])
    assert bad_dimension.exit_code == 1
    assert "dimensionality" in bad_dimension.output


def test_predict_reads_well_with_its_evidence(use_trained_store) -> None:
    result = runner.invoke(app, ["predict", "CsPbBr3", "--dimensionality", "nanocrystal", "--explain"])
    assert result.exit_code == 0, result.output
    assert "µJ/cm²" in result.stdout and "90 % interval" in result.stdout
    assert "Published evidence" in result.stdout and "https://doi.org/" in result.stdout
    assert "evidence" in result.stdout.split("Published evidence")[1]  # the explanation's note or contributions


def test_predict_json_with_explain_and_reference(use_trained_store) -> None:
    args = ["predict", "CsPbBr3", "--dimensionality", "nanocrystal", "--json", "--explain", "--evidence", "3"]
    result = runner.invoke(app, [*args, "--reference-material", "CsPbBr3", "--reference-threshold", "4.2"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    (p,) = body["predict"]["predictions"]
    assert len(p["evidence"]) == 3
    assert p["anchored"]["threshold_uj_cm2"] == pytest.approx(4.2, rel=0.13)  # identical to the reference: ±0.05 dex
    assert len(body["explain"]["explanations"]) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--reference-material", "CsPbBr3", "--reference-threshold", "-1"], "reference.threshold_uj_cm2"),
        (["--reference-material", "CsPbBr3"], "reference"),
        (["--evidence", "21"], "--evidence"),
    ],
)
def test_predict_reference_errors_name_the_field(use_trained_store, args: list[str], field: str) -> None:
    result = runner.invoke(app, ["predict", "CsPbBr3", *args])
    assert result.exit_code == 1
    assert field in result.output and "Traceback" not in result.output


def test_predict_refuses_a_formula_that_does_not_balance(use_trained_store) -> None:
    result = runner.invoke(app, ["predict", "Pb3Br"])
    assert result.exit_code == 1 and "charge sum is +5" in result.output


def test_a_lab_record_is_marked_in_the_evidence_table() -> None:
    from rich.console import Console

    from asepred.serving.predict_cli import _evidence_table
    from asepred.serving.schemas import Evidence

    base = {
        "record_id": "lab-1",
        "material": "CsPbBr3",
        "dimensionality": "3D film",
        "measurement": "ASE",
        "reference": "Lab book 3",
        "link": None,
        "distance": 0.0,
        "matches": [],
        "differs": ["pump ns vs fs"],
        **dict.fromkeys(("spacer", "n_layers", "strategy", "pump_pulse", "temperature_k", "year", "quote"), None),
        "threshold_uj_cm2": 12.0,
    }
    console = Console(record=True, width=200)
    rows = [Evidence(**base, source="lab"), Evidence(**{**base, "record_id": "x"}, source="literature")]
    console.print(_evidence_table(rows))
    lines = [line for line in console.export_text().splitlines() if "CsPbBr3" in line]
    assert "[lab]" in lines[0] and "[lab]" not in lines[1]


def test_predict_shows_the_published_pairs_of_the_strategy(use_trained_store) -> None:
    result = runner.invoke(app, ["predict", "CsPbBr3", "--dimensionality", "3D film", "--strategy", "additive"])
    assert result.exit_code == 0, result.output
    assert "additive engineering lowered the threshold in 2 of 2 published comparisons" in result.stdout
    assert "×0.14" in result.stdout and "×0.90" in result.stdout
