"""``POST /predict`` with a reference (Starlette TestClient over the service's ASGI app): every prediction carries
``anchored``; a reference that cannot be used is a 4xx naming ``reference.<field>``; ``GET /model`` shows the
anchored scores beside the anchored baseline."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

from asepred.core.registry import load_champion
from asepred.serving import answers
from asepred.serving.schemas import PredictionRecord, ReferenceSample

REFERENCE = {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns", "threshold_uj_cm2": 12.0}
RECORDS = [
    {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns"},  # the reference itself
    {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns", "strategy": "additive"},
    {"material": "PEA2(FA0.7Cs0.3)2Pb3Br10", "dimensionality": "quasi-2D", "spacer": "PEA", "n_layers": 3},
]


def test_every_prediction_is_anchored_and_the_reference_itself_at_its_value(client: TestClient) -> None:
    response = client.post("/predict", json={"records": RECORDS, "reference": REFERENCE})
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    assert len(predictions) == len(RECORDS)
    for p in predictions:
        anchored = p["anchored"]
        assert anchored is not None
        low, high = anchored["interval_uj_cm2"]
        assert low < anchored["threshold_uj_cm2"] < high
        assert anchored["threshold_uj_cm2"] == pytest.approx(12.0 * anchored["ratio"], rel=0.01)  # 3 s.f. each
        assert p["threshold_uj_cm2"] > 0  # the absolute answer stays beside it
    assert abs(predictions[0]["anchored"]["log10_threshold"] - math.log10(12.0)) <= 0.05


def test_without_a_reference_nothing_is_anchored(client: TestClient) -> None:
    response = client.post("/predict", json={"records": RECORDS})
    assert response.status_code == 200
    assert all(p["anchored"] is None for p in response.json()["predictions"])


@pytest.mark.parametrize("value", [0, -3, 1e9, "12", "twelve", None])
def test_a_bad_reference_value_is_400_naming_the_reference_field(client: TestClient, value: object) -> None:
    response = client.post(
        "/predict", json={"records": RECORDS[:1], "reference": {**REFERENCE, "threshold_uj_cm2": value}}
    )
    assert response.status_code == 400
    assert "reference" in response.text and "threshold_uj_cm2" in response.text


def test_a_reference_without_its_measured_value_is_400(client: TestClient) -> None:
    reference = {k: v for k, v in REFERENCE.items() if k != "threshold_uj_cm2"}
    response = client.post("/predict", json={"records": RECORDS[:1], "reference": reference})
    assert response.status_code == 400
    assert "threshold_uj_cm2" in response.text


@pytest.mark.parametrize(
    ("change", "message"),
    [({"material": "CsPbXx3"}, "reference.material"), ({"spacer": "not-a-ligand"}, "reference.spacer")],
)
def test_an_unreadable_reference_is_422_naming_the_reference_field(
    client: TestClient, change: dict, message: str
) -> None:
    response = client.post("/predict", json={"records": RECORDS, "reference": {**REFERENCE, **change}})
    assert response.status_code == 422
    assert message in response.text
    assert "records[" not in response.text


def test_the_model_card_shows_anchored_scores_beside_the_anchored_baseline(client: TestClient) -> None:
    card = client.get("/model").json()
    assert card["anchored_baseline"]["model"] == "same_as_reference"
    assert card["anchored"]["model"]
    for entry in (card["anchored"], card["anchored_baseline"]):
        low, high = entry["mae_ci"]
        assert low <= entry["mae"] <= high
        assert 0 <= entry["coverage_90"] <= 1


def test_answers_predict_takes_a_reference(use_trained_store) -> None:
    predictor, current = load_champion()
    response = answers.predict(
        predictor,
        current,
        [PredictionRecord(**r) for r in RECORDS],
        reference=ReferenceSample(**REFERENCE),
        evidence=0,
    )
    assert [p.anchored is not None for p in response.predictions] == [True] * len(RECORDS)
    assert response.predictions[0].anchored.threshold_uj_cm2 == pytest.approx(12.0, rel=0.13)  # ±0.05 dex


def _request(row: dict) -> dict:
    """A curated row as a request record: the request fields it states."""
    from asepred.data.record import BY_NAME, REQUEST_FIELDS

    fields = {}
    for name in REQUEST_FIELDS:
        value = row[name]
        if value == "" or (isinstance(value, float) and math.isnan(value)):
            continue
        fields[name] = int(value) if BY_NAME[name].kind == "int" else value
    return fields


def test_no_anchored_answer_contradicts_a_published_pair(client: TestClient) -> None:
    """For each published control → treated pair, the control as reference: the treated sample is never predicted
    above it, and the answer carries that strategy's paired evidence with every pair lowered."""
    from asepred.data.records import bundled_records, target_records
    from asepred.features.base import as_record_frame
    from asepred.models.paired import control_treated_pairs

    frame = as_record_frame(target_records(bundled_records()))
    rows = frame.to_dict("records")
    card = client.get("/model").json()
    shipped = card["anchored_selection"]["shipped"]
    pairs = control_treated_pairs(frame)
    assert len(pairs) == 9
    for control, treated in pairs:
        reference = {**_request(rows[control]), "threshold_uj_cm2": float(rows[control]["threshold_uj_cm2"])}
        body = {"records": [_request(rows[treated])], "reference": reference, "evidence": 0}
        response = client.post("/predict", json=body)
        assert response.status_code == 200, response.text
        (p,) = response.json()["predictions"]
        if shipped == "same_as_reference":
            assert p["anchored"]["ratio"] == 1.0
        else:
            assert p["anchored"]["ratio"] < 1.0, (rows[control]["record_id"], rows[treated]["record_id"])
        paired = p["paired_evidence"]
        assert paired["pairs"] >= 1 and paired["lowered"] == paired["pairs"]


def test_the_card_says_how_the_anchored_recipe_was_chosen(client: TestClient) -> None:
    selection = client.get("/model").json()["anchored_selection"]
    assert selection["shipped"] in {"same_as_reference", "treated_effect", "strategy_effect", "treated+layers"}
    assert selection["nested_mae"] > 0 and selection["baseline_mae"] > 0 and selection["reason"]
    if selection["shipped"] != "same_as_reference":
        assert selection["nested_mae"] < selection["baseline_mae"]
