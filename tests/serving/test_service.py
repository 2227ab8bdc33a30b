"""The service in process (Starlette TestClient over the ASGI app): good records, bad records, field names."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

from asepred.serving.schemas import MAX_RECORDS

GOOD = [
    {"material": "CsPbBr3", "dimensionality": "nanocrystal"},
    {
        "material": "PEA2(FA0.7Cs0.3)2Pb3Br10",
        "dimensionality": "quasi-2D",
        "spacer": "PEA",
        "n_layers": 3,
        "pump_pulse": "ns",
        "pump_wavelength_nm": 355,
    },
    {"material": "(PEA)2MA3Pb4Br13", "dimensionality": "quasi-2D", "spacer": "[NH3+]CCc1ccccc1"},
]


def test_predicts_in_order_with_intervals(client: TestClient) -> None:
    response = client.post("/predict", json={"records": GOOD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"]["name"] == "ase-threshold" and body["model"]["version"]
    assert len(body["predictions"]) == len(GOOD)
    for p in body["predictions"]:
        assert math.isfinite(p["threshold_uj_cm2"]) and p["threshold_uj_cm2"] > 0
        assert p["log10_threshold"] == pytest.approx(math.log10(p["threshold_uj_cm2"]), abs=0.003)  # 3 s.f.
        low, high = p["interval_uj_cm2"]
        assert low < p["threshold_uj_cm2"] < high
        assert isinstance(p["in_domain"], bool) and isinstance(p["warnings"], list)


def test_unseen_chemistry_is_flagged_out_of_domain(client: TestClient) -> None:
    response = client.post("/predict", json={"records": [{"material": "CsGeI3", "dimensionality": "single crystal"}]})
    assert response.status_code == 200
    prediction = response.json()["predictions"][0]
    assert prediction["in_domain"] is False
    assert any("b_ge" in w for w in prediction["warnings"])


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"material": "CsPbBr3", "dimensionality": "blob"}, "dimensionality"),
        ({"dimensionality": "3D film"}, "material"),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "cw"}, "pump_pulse"),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "colour": "green"}, "colour"),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "n_layers": 0}, "n_layers"),
    ],
)
def test_schema_errors_are_400_and_name_the_field(client: TestClient, record: dict, field: str) -> None:
    response = client.post("/predict", json={"records": [record]})
    assert response.status_code == 400
    assert field in response.text


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"material": "CsPbXx3", "dimensionality": "3D film"}, "records[1].material"),
        ({"material": "PbBr3", "dimensionality": "3D film", "spacer": "C1CC"}, "records[1]."),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "spacer": "not-a-ligand"}, "records[1].spacer"),
    ],
)
def test_unusable_records_are_422_and_name_row_and_field(client: TestClient, record: dict, message: str) -> None:
    response = client.post("/predict", json={"records": [GOOD[0], record]})
    assert response.status_code == 422
    assert message in response.text


def test_batch_bounds(client: TestClient) -> None:
    assert client.post("/predict", json={"records": []}).status_code == 400
    too_many = [GOOD[0]] * (MAX_RECORDS + 1)
    assert client.post("/predict", json={"records": too_many}).status_code == 400


def test_server_survives_bad_requests(client: TestClient) -> None:
    client.post("/predict", content=b"{not json", headers={"content-type": "application/json"})
    assert client.post("/predict", json={"records": GOOD[:1]}).status_code == 200


def test_model_card_is_served_and_documented(client: TestClient) -> None:
    response = client.get("/model")
    assert response.status_code == 200
    card = response.json()
    assert card["name"] == "ase-threshold" and card["version"] and card["run_id"] and card["data_hash"]
    assert card["features"] and card["citations"] and card["absolute"]["mae"] is not None
    assert card["interval_halfwidth_decades"] > 0 and "decades" in card["meaning"]
    assert client.get("/model").json() == card  # computed once at start-up, the same every time
    documented = client.get("/docs.json").json()["paths"]["/model"]["get"]["responses"]["200"]
    assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/ModelCard")


def test_readyz_means_loaded(client: TestClient) -> None:
    assert client.get("/readyz").status_code == 200
    assert client.post("/predict", json={"records": GOOD[:1], "evidence": 0}).status_code == 200
