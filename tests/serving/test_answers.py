"""The answer a scientist can act on, through the service: evidence, explanations, formula checks."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

NANOCRYSTAL = {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"}


def test_every_prediction_carries_its_evidence(client: TestClient) -> None:
    body = client.post("/predict", json={"records": [NANOCRYSTAL]}).json()
    evidence = body["predictions"][0]["evidence"]
    assert len(evidence) == 5  # the default
    for e in evidence:
        assert "same halide (Br)" in e["matches"] and "same B site (Pb)" in e["matches"]
        assert e["link"].startswith("https://") and e["quote"] and e["reference"]
        assert e["threshold_uj_cm2"] > 0 and e["distance"] >= 0


@pytest.mark.parametrize(("count", "status", "expected"), [(0, 200, 0), (12, 200, 12), (21, 400, None)])
def test_evidence_count_is_bounded(client: TestClient, count: int, status: int, expected: int | None) -> None:
    response = client.post("/predict", json={"records": [NANOCRYSTAL], "evidence": count})
    assert response.status_code == status, response.text
    if expected is not None:
        assert len(response.json()["predictions"][0]["evidence"]) == expected
    else:
        assert "evidence" in response.text


def test_a_formula_that_does_not_balance_is_refused_with_its_charge_sum(client: TestClient) -> None:
    response = client.post("/predict", json={"records": [{"material": "Pb3Br", "dimensionality": "3D film"}]})
    assert response.status_code == 422
    assert "records[0].material" in response.text and "charge sum is +5" in response.text


def test_a_spacer_that_contradicts_the_formula_is_422_naming_both(client: TestClient) -> None:
    record = {"material": "PEA2MA2Pb3I10", "dimensionality": "quasi-2D", "spacer": "BA"}
    response = client.post("/predict", json={"records": [record]})
    assert response.status_code == 422
    assert "records[0].spacer" in response.text and "'BA'" in response.text and "'PEA'" in response.text


def test_a_layered_formula_sent_as_a_3d_film_gets_a_warning(client: TestClient) -> None:
    record = {"material": "PEA2MA2Pb3I10", "dimensionality": "3D film"}
    warnings = client.post("/predict", json={"records": [record]}).json()["predictions"][0]["warnings"]
    assert any("layered" in w and "3D film" in w for w in warnings)


def test_explain_sums_to_the_prediction(client: TestClient) -> None:
    records = [NANOCRYSTAL, {"material": "PEA2MA2Pb3I10", "dimensionality": "quasi-2D", "n_layers": 3}]
    predicted = client.post("/predict", json={"records": records, "evidence": 0}).json()["predictions"]
    response = client.post("/explain", json={"records": records})
    assert response.status_code == 200, response.text
    for explanation, prediction in zip(response.json()["explanations"], predicted, strict=True):
        total = explanation["base_log10"] + sum(c["contribution"] for c in explanation["contributions"])
        assert total == pytest.approx(explanation["log10_threshold"], abs=1e-6)
        assert explanation["log10_threshold"] == pytest.approx(prediction["log10_threshold"], abs=5e-4)
        assert explanation["note"]
        magnitudes = [abs(c["contribution"]) for c in explanation["contributions"]]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert all("__" not in c["feature"] for c in explanation["contributions"])
        assert all(math.isfinite(c["contribution"]) for c in explanation["contributions"])


def test_a_record_with_a_strategy_carries_its_published_pairs(client) -> None:
    records = [
        {"material": "CsPbBr3", "dimensionality": "nanocrystal", "strategy": "ligand"},
        {"material": "CsPbBr3", "dimensionality": "nanocrystal"},
        {"material": "CsPbBr3", "dimensionality": "3D film", "strategy": "structural"},
    ]
    body = client.post("/predict", json={"records": records, "evidence": 0}).json()
    ligand, control, structural = (p["paired_evidence"] for p in body["predictions"])
    assert control is None
    assert ligand["pairs"] == 1 and ligand["lowered"] == 1 and ligand["median_ratio"] == 0.3
    (pair,) = ligand["comparisons"]
    assert (pair["control_id"], pair["treated_id"]) == ("seed-x07", "seed-t04") and "0.54" in pair["quote"]
    assert ligand["summary"] == "ligand engineering lowered the threshold in 1 of 1 published comparison (×0.30)"
    assert structural["pairs"] == 0 and structural["comparisons"] == []
