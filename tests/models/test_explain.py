"""Explanations are exact: the base value plus the contributions is the model's prediction, to 1e-6 decades."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from asepred.data.records import load_records, log10_threshold, target_records
from asepred.features.base import as_record_frame
from asepred.features.featurizer import RecordFeaturizer
from asepred.models.candidates import CANDIDATES
from asepred.models.explain import explain, readable


@pytest.fixture(scope="module")
def data() -> tuple:
    frame = as_record_frame(target_records(load_records()))
    return frame, log10_threshold(frame)


@pytest.mark.parametrize("name", ["xgboost", "lightgbm", "hist_gb", "ridge", "cell_mean", "median"])
def test_base_plus_contributions_is_the_prediction(data: tuple, name: str) -> None:
    frame, y = data
    featurizer = RecordFeaturizer().fit(frame)
    names = list(featurizer.get_feature_names_out())
    regressor = CANDIDATES[name].make({}, names, 0)
    pipeline = Pipeline([("features", featurizer), ("regressor", regressor)]).fit(frame, y)
    predictor = SimpleNamespace(featurizer=featurizer, regressor=pipeline[-1], model_name=name)
    predicted = pipeline.predict(frame)
    answers = explain(predictor, frame)
    for answer, expected in zip(answers, predicted, strict=True):
        total = answer["base_log10"] + sum(c["contribution"] for c in answer["contributions"])
        assert total == pytest.approx(expected, abs=1e-6)
        assert answer["log10_threshold"] == pytest.approx(expected, abs=1e-6)
        magnitudes = [abs(c["contribution"]) for c in answer["contributions"]]
        assert magnitudes == sorted(magnitudes, reverse=True)
    if name == "median":
        assert all(a["contributions"] == [] and "evidence" in a["note"] for a in answers)
    elif name in ("xgboost", "lightgbm", "hist_gb", "ridge"):
        assert any(a["contributions"] for a in answers)
        assert np.std([a["base_log10"] for a in answers]) < 1e-9  # one base value for every record


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("site__x_br", "Br fraction on the X site"),
        ("site__a_ma", "MA fraction on the A site"),
        ("proc__dim_quasi2d", "dimensionality: quasi-2D"),
        ("proc__pulse_ns", "pump regime: ns"),
        ("struct__goldschmidt_t", "Goldschmidt tolerance factor t"),
    ],
)
def test_features_are_named_for_people(label: str, name: str) -> None:
    assert readable(label) == name


def test_every_feature_has_a_readable_name() -> None:
    featurizer = RecordFeaturizer().fit([{"material": "CsPbBr3", "dimensionality": "3D film"}])
    for label in featurizer.get_feature_names_out():
        assert "__" not in readable(str(label)) and readable(str(label))
