"""The predictor is a plain class: importing it costs no MLflow (DESIGN.md, "Folders"), and the champion that the
registry loads is the predictor itself, with its typed collaborators, while MLflow's pyfunc still answers."""

from __future__ import annotations

import subprocess
import sys

import mlflow
import pandas as pd
import pytest

from asepred.core import config
from asepred.core.predictor_io import load_predictor
from asepred.core.pyfunc import PredictorModel
from asepred.core.registry import load_champion
from asepred.features.base import RECORD_DEFAULTS, as_record_frame
from asepred.models.anchoring import Anchor
from asepred.models.evidence import EvidenceIndex
from asepred.models.predictor import ThresholdPredictor


def test_importing_the_predictor_imports_no_mlflow() -> None:
    code = (
        "import sys\n"
        "import asepred.models.predictor\n"
        "loaded = sorted(m for m in sys.modules if m == 'mlflow' or m.startswith('mlflow.'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_champion_loads_as_the_plain_predictor(use_trained_store) -> None:
    predictor, _ = load_champion()
    assert type(predictor) is ThresholdPredictor
    assert isinstance(predictor.anchor, Anchor)
    assert isinstance(predictor.evidence_index, EvidenceIndex)


def test_the_pyfunc_wrapper_answers_predict_records(use_trained_store) -> None:
    predictor, current = load_champion()
    mlflow.set_tracking_uri(config.tracking_uri())  # load_champion reads the store without MLflow: it sets nothing
    model = mlflow.pyfunc.load_model(f"models:/{config.MODEL_NAME}/{current.version}")
    assert isinstance(model.unwrap_python_model(), PredictorModel)
    records = [
        {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"},
        {"material": "PEA2MA2Pb3Br10", "dimensionality": "quasi-2D", "spacer": "PEA", "n_layers": 3.0},
    ]
    frame = as_record_frame(records)[list(RECORD_DEFAULTS)]  # the logged signature's columns and types
    answer = model.predict(frame)
    expected = predictor.predict_records(records)
    pd.testing.assert_frame_equal(answer.drop(columns="warnings"), expected.drop(columns="warnings"))
    assert answer["warnings"].tolist() == expected["warnings"].tolist()


@pytest.mark.parametrize("bad", ["anchor", "evidence_index"])
def test_a_predictor_without_an_anchor_or_evidence_still_answers(use_trained_store, bad) -> None:
    predictor, _ = load_champion()
    bare = ThresholdPredictor(
        pipeline=predictor.pipeline,
        domain=predictor.domain,
        interval_halfwidth=predictor.interval_halfwidth,
        **{k: getattr(predictor, k) for k in ("anchor", "evidence_index") if k != bad},
    )
    record = {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns"}
    assert len(bare.predict_records([record], reference={**record, "threshold_uj_cm2": 10.0})) == 1
    assert bare.evidence([record], 3) == ([[]] if bad == "evidence_index" else predictor.evidence([record], 3))


def test_a_model_logged_before_the_wrapper_still_loads(use_trained_store, tmp_path) -> None:
    """Until this wrapper, the pickle held the predictor itself; an existing store must go on serving."""
    import cloudpickle

    predictor, _ = load_champion()
    mlflow.pyfunc.save_model(tmp_path / "model", python_model=PredictorModel())
    (tmp_path / "model" / "python_model.pkl").write_bytes(cloudpickle.dumps(predictor))
    loaded = load_predictor(str(tmp_path / "model"))
    assert type(loaded) is ThresholdPredictor
    record = {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"}
    pd.testing.assert_frame_equal(loaded.predict_records([record]), predictor.predict_records([record]))


def test_a_model_logged_with_the_predictor_inside_its_wrapper_still_loads(use_trained_store, tmp_path) -> None:
    """Before the ``predictor`` artifact, the wrapper pickled the predictor as ``self.predictor``."""
    predictor, _ = load_champion()
    wrapper = PredictorModel()
    wrapper.predictor = predictor
    mlflow.pyfunc.save_model(tmp_path / "model", python_model=wrapper)
    assert not (tmp_path / "model" / "artifacts").exists()
    loaded = load_predictor(str(tmp_path / "model"))
    record = {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_pulse": "fs"}
    pd.testing.assert_frame_equal(loaded.predict_records([record]), predictor.predict_records([record]))
