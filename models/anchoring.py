"""Anchored predictions: a record's threshold relative to a reference sample the lab measured on its own set-up.

PLACEHOLDER (being replaced by the anchored-predictions work): the champion's own ratio f(x) − f(x_ref) with the
absolute interval widened by √2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from asepred.features.base import as_record_frame

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


def anchored_columns(
    predictor: ThresholdPredictor,
    frame: pd.DataFrame,
    features: np.ndarray,
    log10: np.ndarray,
    reference: Mapping[str, object],
) -> dict[str, np.ndarray]:
    ref = dict(reference)
    measured = float(ref.pop("threshold_uj_cm2"))
    ref_features = predictor.featurizer.transform(as_record_frame([ref]))
    ref_log10 = float(predictor.regressor.predict(ref_features)[0])
    log_ratio = log10 - ref_log10
    halfwidth = np.sqrt(2) * predictor.interval_halfwidth
    anchored = np.log10(measured) + log_ratio
    return {
        "anchored_log10_threshold": anchored,
        "anchored_threshold_uj_cm2": 10**anchored,
        "anchored_lower_uj_cm2": 10 ** (anchored - halfwidth),
        "anchored_upper_uj_cm2": 10 ** (anchored + halfwidth),
        "anchored_ratio": 10**log_ratio,
    }
