"""POST /suggest: the answer of ``asepred suggest --json`` for the space as JSON and the lab's rows; every bad input a
4xx naming its field."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient
from typer.testing import CliRunner

from asepred.cli.main import app
from bench.campaign import SPACE, simulated_lab_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulated_lab_table(tmp_path_factory.mktemp("lab") / "lab.csv", "smooth", size=8, seed=0)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def _space() -> dict:
    return yaml.safe_load(SPACE.read_text())


def test_the_service_answers_as_the_cli_does(client: TestClient, lab: Path, use_trained_store: Path) -> None:
    answer = client.post("/suggest", json={"space": _space(), "lab_records": _rows(lab), "batch": 4})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    cli = CliRunner().invoke(app, ["suggest", str(SPACE), "--data", str(lab), "--batch", "4", "--json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)
    assert body["suggestions"] == expected["suggestions"]
    assert body["surrogate"] == expected["surrogate"] and body["notes"] == expected["notes"]
    assert body["run_id"] and body["run_id"] != expected["run_id"]  # each answer is its own run
    as_text = client.post("/suggest", json={"space": SPACE.read_text(), "lab_records": _rows(lab), "batch": 4})
    assert as_text.json()["suggestions"] == body["suggestions"]  # YAML text is read as the object is


@pytest.mark.parametrize(
    ("change", "status", "named"),
    [
        (lambda b: b["lab_records"][2].update(threshold_unit="furlongs"), 422, "lab_records[2].threshold_unit"),
        (lambda b: b["lab_records"][0].update(material="Pb3Br"), 422, "lab_records[0].material"),
        (lambda b: b["lab_records"][0].update(colour="red"), 422, "lab_records.colour"),
        (lambda b: b["space"].update(halides=[{"mix": ["Br", "I"], "step": -1}]), 422, "space.halides.0.step"),
        (lambda b: b["space"].update(a_sites=[{"MA": 1.0}]), 422, "space.a_sites"),
        (lambda b: b.update(space="a_site: ["), 422, "space: is not valid YAML"),
        (lambda b: b.update(space=[1, 2]), 400, "space"),
        (lambda b: b.update(batch=0), 400, "batch"),
        (lambda b: b.update(batch=51), 400, "batch"),
        (lambda b: b.update(reference={}), 400, "reference"),
        (
            lambda b: b["space"].update(pump={"wavelength_nm": list(range(300, 800, 2)), "temperature_k": [295, 77]}),
            422,
            "POST /suggest scores up to 200,000",
        ),
    ],
)
def test_bad_input_is_a_client_error_naming_its_field(
    client: TestClient, lab: Path, change: object, status: int, named: str
) -> None:
    body = {"space": _space(), "lab_records": _rows(lab), "batch": 4}
    change(body)
    answer = client.post("/suggest", json=body)
    assert answer.status_code == status, answer.text
    assert named in answer.text


def test_a_body_that_is_not_json_is_refused_before_it_is_read(client: TestClient) -> None:
    answer = client.post("/suggest", content=b"{}", headers={"content-type": "text/plain"})
    assert answer.status_code == 415
