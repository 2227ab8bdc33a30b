"""Explanations: per-record contributions in decades, named for people (placeholder until implemented)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


def explain(predictor: ThresholdPredictor, frame: pd.DataFrame) -> list[dict]:
    features = predictor.featurizer.transform(frame)
    log10 = np.asarray(predictor.regressor.predict(features), dtype=float)
    return [
        {"base_log10": float(v), "log10_threshold": float(v), "contributions": [], "note": "not yet explained"}
        for v in log10
    ]
