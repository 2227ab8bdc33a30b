"""``asepred.load_model()`` answers as ``POST /predict`` and ``POST /explain`` do, to 1e-9, as tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

import asepred
from asepred.core.errors import AsepredError, NoChampionError

RECORDS = [
    {"material": "CsPbBr3", "dimensionality": "nanocrystal", "strategy": "ligand", "pump_wavelength_nm": 400},
    {"material": "PEA2MA2Pb3I10", "dimensionality": "quasi-2D", "n_layers": 3},
    {"material": "MAPbI3", "dimensionality": "3D film", "pump_pulse": "ns", "temperature_k": 77},
]
REFERENCE = {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_wavelength_nm": 400, "threshold_uj_cm2": 5.0}


@pytest.fixture(scope="module")
def model(trained_store: Path) -> asepred.Model:
    with pytest.MonkeyPatch.context() as mp:
        from tests.conftest import _isolate

        _isolate(trained_store, mp)
        return asepred.load_model()


def close(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("reference", [None, REFERENCE], ids=["absolute", "anchored"])
def test_predict_is_the_answer_of_post_predict(client: TestClient, model: asepred.Model, reference: dict) -> None:
    served = client.post("/predict", json={"records": RECORDS, "reference": reference, "evidence": 3}).json()
    table = model.predict(pd.DataFrame(RECORDS), reference=reference, evidence=3)
    assert len(table) == len(RECORDS)
    for row, p in zip(table.to_dict("records"), served["predictions"], strict=True):
        assert close(row["threshold_uj_cm2"], p["threshold_uj_cm2"])
        assert close(row["log10_threshold"], p["log10_threshold"])
        assert close([row["interval_lower_uj_cm2"], row["interval_upper_uj_cm2"]], p["interval_uj_cm2"])
        assert row["in_domain"] == p["in_domain"] and row["warnings"] == p["warnings"]
        assert close(row["evidence"], p["evidence"]) and len(row["evidence"]) == 3
        if reference is None:
            assert "anchored_threshold_uj_cm2" not in row
        else:
            a = p["anchored"]
            assert close(row["anchored_threshold_uj_cm2"], a["threshold_uj_cm2"])
            assert close([row["anchored_lower_uj_cm2"], row["anchored_upper_uj_cm2"]], a["interval_uj_cm2"])
            assert close(row["anchored_ratio"], a["ratio"])


def test_explain_is_the_answer_of_post_explain(client: TestClient, model: asepred.Model) -> None:
    served = client.post("/explain", json={"records": RECORDS}).json()["explanations"]
    table = model.explain(RECORDS)
    for row, e in zip(table.to_dict("records"), served, strict=True):
        assert close(row, e)


def test_card_is_get_model(client: TestClient, model: asepred.Model) -> None:
    assert close(model.card, client.get("/model").json())
    assert model.version == model.card["version"]


def test_records_go_straight_in_and_bad_ones_are_named(model: asepred.Model) -> None:
    table = asepred.records(dimensionality="nanocrystal", pump_pulse="fs")  # a CW record is refused, as by the service
    answers = model.predict(table, evidence=0)
    assert list(answers.index) == list(table.index) and (answers["threshold_uj_cm2"] > 0).all()
    with pytest.raises(AsepredError, match=r"records\[1\]\.material"):
        model.predict([RECORDS[0], {"material": "CsPbXx3", "dimensionality": "3D film"}])
    with pytest.raises(AsepredError, match=r"records\[0\]\.dimensionality"):
        model.predict([{"material": "CsPbBr3", "dimensionality": "3D"}])


def test_a_given_uri_loads_that_version(model: asepred.Model) -> None:
    again = asepred.load_model(f"models:/ase-threshold/{model.version}")
    assert again.version == model.version
    assert close(
        again.predict(RECORDS).drop(columns="evidence").to_dict(),
        model.predict(RECORDS).drop(columns="evidence").to_dict(),
    )


def test_no_champion_says_train_first(store: Path) -> None:
    with pytest.raises(NoChampionError, match="asepred train"):
        asepred.load_model()
