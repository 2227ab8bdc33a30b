"""Anchored predictions of the trained champion: the reference's value times the predicted ratio, and a reference
that cannot be used is an error naming ``reference.<field>``."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asepred.core.errors import AsepredError, InvalidRecordError
from asepred.core.registry import load_champion
from asepred.models.anchoring import Anchor

REFERENCE = {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns", "threshold_uj_cm2": 12.0}
RECORD = {k: v for k, v in REFERENCE.items() if k != "threshold_uj_cm2"}


@pytest.fixture(scope="module")
def predictor(trained_store):
    with pytest.MonkeyPatch.context() as mp:
        from tests.conftest import _isolate

        _isolate(trained_store, mp)
        return load_champion()[0]


def test_the_champion_ships_a_calibrated_anchor(predictor) -> None:
    assert isinstance(predictor.anchor, Anchor)
    assert predictor.anchor.name == predictor.card["anchored"]["model"]
    assert 0 < predictor.anchor.halfwidth < 3


def test_a_record_identical_to_the_reference_is_anchored_at_its_value(predictor) -> None:
    table = predictor.predict_records([RECORD], reference=REFERENCE)
    assert abs(table.loc[0, "anchored_log10_threshold"] - math.log10(12.0)) <= 0.05
    assert table.loc[0, "anchored_ratio"] == pytest.approx(1.0, abs=0.12)
    assert table.loc[0, "anchored_lower_uj_cm2"] < 12.0 < table.loc[0, "anchored_upper_uj_cm2"]


def test_anchored_is_the_references_value_times_the_ratio_with_the_anchors_interval(predictor) -> None:
    records = [RECORD, {**RECORD, "strategy": "additive"}, {"material": "MAPbI3", "dimensionality": "3D film"}]
    table = predictor.predict_records(records, reference=REFERENCE)
    np.testing.assert_allclose(table["anchored_threshold_uj_cm2"], 12.0 * table["anchored_ratio"], rtol=1e-9)
    halfwidth = np.log10(table["anchored_upper_uj_cm2"]) - table["anchored_log10_threshold"]
    np.testing.assert_allclose(halfwidth, predictor.anchor.halfwidth, atol=1e-9)
    # the absolute prediction stays beside it, unchanged by the reference
    plain = predictor.predict_records(records)
    np.testing.assert_allclose(table["log10_threshold"], plain["log10_threshold"])
    # doubling the reference's measured value doubles every anchored answer
    doubled = predictor.predict_records(records, reference={**REFERENCE, "threshold_uj_cm2": 24.0})
    np.testing.assert_allclose(doubled["anchored_threshold_uj_cm2"], 2 * table["anchored_threshold_uj_cm2"])


@pytest.mark.parametrize("value", [0.0, -3.0, 1e9, "12", None, float("nan"), True])
def test_a_bad_reference_value_names_the_reference_field(predictor, value) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        predictor.predict_records([RECORD], reference={**REFERENCE, "threshold_uj_cm2": value})
    assert caught.value.location == "reference"
    assert caught.value.field == "threshold_uj_cm2"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"material": "CsPbXx3"}, "material"), ({"spacer": "not-a-ligand"}, "spacer")],
)
def test_an_unusable_reference_record_names_the_reference_field(predictor, change, field) -> None:
    with pytest.raises(AsepredError) as caught:
        predictor.predict_records([RECORD], reference={**REFERENCE, **change})
    assert caught.value.location == "reference" and caught.value.field == field
    assert caught.value.row is None  # not one of the records
    assert str(caught.value).startswith(f"reference.{field}:")
