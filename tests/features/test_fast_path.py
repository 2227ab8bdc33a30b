"""The request path (a list of records: row by row, cached, once per distinct record) gives exactly the numbers of the
batch path (a DataFrame: column-wise), for features, domain and predictions, and names the same row on error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asepred.core.errors import AsepredError
from asepred.data.records import bundled_records
from asepred.features.base import distinct_records
from asepred.features.featurizer import RecordFeaturizer
from asepred.models.domain import ApplicabilityDomain
from asepred.serving.schemas import PredictionRecord

FIELDS = [*PredictionRecord.model_fields, "pump_photons"]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """The bundled records' request fields, plus records with absent, blank, padded and two-photon values."""
    table = bundled_records()
    rows = table[[c for c in FIELDS if c in table.columns]].to_dict("records")
    rows += [
        {"material": "CsPbBr3", "dimensionality": "nanocrystal"},
        {"material": " CsPbBr3 ", "dimensionality": "nanocrystal", "spacer": "", "pump_wavelength_nm": 400},
        {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_wavelength_nm": "800", "pump_photons": 2},
        {"material": "PEA2PbI4", "dimensionality": "2D", "spacer": "PEA", "temperature_k": 77.0},
        {"material": "L2MA2Pb3I10", "dimensionality": "quasi-2D", "spacer": "CCCC[NH3+]", "n_layers": 3},
        {"material": "CsPbBr3", "dimensionality": "3D film", "strategy": None, "pump_pulse": None},
    ]
    return rows


@pytest.fixture(scope="module")
def featurizer(records: list[dict]) -> RecordFeaturizer:
    return RecordFeaturizer().fit(pd.DataFrame(records))


@pytest.fixture(params=["row by row", "column-wise"])
def list_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A list of records goes row by row up to ``ROW_PATH_UP_TO`` distinct records, column-wise beyond: both."""
    import asepred.features.featurizer as featurizer_module

    monkeypatch.setattr(featurizer_module, "ROW_PATH_UP_TO", 10**9 if request.param == "row by row" else 0)
    return request.param


def test_row_path_equals_frame_path(featurizer: RecordFeaturizer, records: list[dict], list_path: str) -> None:
    by_frame = featurizer.transform(pd.DataFrame(records))
    by_rows = featurizer.transform(records)
    np.testing.assert_array_equal(by_rows, by_frame)  # NaN where NaN, every other number bit for bit
    again = featurizer.transform(records)  # now from the caches
    np.testing.assert_array_equal(again, by_frame)


def test_one_record_equals_its_row_in_a_batch(featurizer: RecordFeaturizer, records: list[dict]) -> None:
    batch = featurizer.transform(pd.DataFrame(records))
    for i in (0, len(records) // 2, len(records) - 1):
        np.testing.assert_array_equal(featurizer.transform([records[i]])[0], batch[i])


def test_distinct_records_number_repeats_once(records: list[dict]) -> None:
    unique, codes, first = distinct_records([records[0], records[1], records[0], dict(records[1])])
    assert len(unique) == len({tuple(map(str, r.values())) for r in records[:2]})
    assert list(codes) == [0, codes[1], 0, codes[1]] and first[0] == 0


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"material": "CsPbXx3", "dimensionality": "3D film"}, "material"),
        ({"material": "CsPbBr3", "dimensionality": "blob"}, "dimensionality"),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "spacer": "not-a-ligand"}, "spacer"),
        ({"material": "CsPbBr3", "dimensionality": "3D film", "pump_wavelength_nm": -5}, "pump_wavelength_nm"),
    ],
)
def test_both_paths_name_the_same_row_and_field(
    featurizer: RecordFeaturizer, records: list[dict], bad: dict, field: str, list_path: str
) -> None:
    batch = [records[0], records[1], bad, bad]
    errors = []
    for given in (pd.DataFrame(batch), batch):
        with pytest.raises(AsepredError) as caught:
            featurizer.transform(given)
        errors.append(caught.value)
    assert [e.row for e in errors] == [2, 2]
    assert {e.field for e in errors} == {field}


def test_numpy_domain_distances_equal_sklearn() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 6))
    names = [f"struct__f{i}" for i in range(6)]
    domain = ApplicabilityDomain(feature_names=names).fit(X, [""] * 60)
    queries = np.vstack([rng.normal(size=(40, 6)), X[:5], rng.normal(3.0, 2.0, size=(5, 6))])
    Z = (queries - domain.center_) / domain.scale_
    expected, _ = domain.neighbors_.kneighbors(Z, n_neighbors=domain.k)
    np.testing.assert_allclose(domain._mean_neighbor_distance(Z), expected.mean(axis=1), rtol=1e-12, atol=1e-12)


@pytest.mark.slow
def test_request_path_predictions_equal_batch_path(use_trained_store, records: list[dict], list_path: str) -> None:
    from asepred.core.registry import load_champion

    predictor, _ = load_champion()
    good = [r for r in records if r["material"].strip() != "L2MA2Pb3I10"][:200]
    by_frame = predictor.predict_records(pd.DataFrame(good))
    by_rows = predictor.predict_records(good)
    pd.testing.assert_frame_equal(by_rows, by_frame)
    one = predictor.predict_records([good[3]])
    pd.testing.assert_frame_equal(one, by_frame.iloc[[3]].reset_index(drop=True))
