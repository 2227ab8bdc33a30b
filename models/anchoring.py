"""Anchored predictions: a record's threshold relative to a reference sample the lab measured on its own set-up.

Spot size, pulse length, pump wavelength and the definition of "threshold" differ between labs and shift every
threshold of one set-up together; within one publication thresholds scatter far less. So the anchored answer is the
reference's measured value times a predicted ratio, log10(record / reference), from the best anchored recipe of
training (``asepred.models.pair_candidates``), with a conformal interval calibrated on held-out within-publication
pairs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin

from asepred.core.errors import AsepredError, InvalidRecordError
from asepred.data.record import MAX_REFERENCE_UJ_CM2
from asepred.models.pair_candidates import PairModel

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor


@dataclass
class Anchor:
    """The shipped anchored recipe: ``absolute`` ratio (``uses_absolute``; ``regressor`` None means the predictor's
    own regressor) plus the fitted ``pair`` model, with a conformal half-width (decades) at ``level``."""

    name: str
    halfwidth: float
    level: float = 0.9
    uses_absolute: bool = False
    regressor: RegressorMixin | None = field(default=None, repr=False)
    pair: PairModel | None = field(default=None, repr=False)

    def log_ratio(
        self, own: RegressorMixin, reference: np.ndarray, features: np.ndarray, log10: np.ndarray
    ) -> np.ndarray:
        """log10(record / reference) for each row of ``features``; ``log10`` is ``own``'s prediction of them."""
        ratio = np.zeros(len(features))
        if self.uses_absolute:
            model = self.regressor if self.regressor is not None else own
            values = log10 if self.regressor is None else np.asarray(model.predict(features), dtype=float)
            ratio += values - float(np.asarray(model.predict(reference), dtype=float)[0])
        if self.pair is not None:
            ratio += self.pair.predict(np.repeat(reference, len(features), axis=0), features)
        return ratio


def _measured(reference: Mapping[str, object]) -> float:
    value = reference.get("threshold_uj_cm2")
    try:
        measured = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        measured = math.nan
    if isinstance(value, (str, bool)) or not 0 < measured <= MAX_REFERENCE_UJ_CM2:
        raise InvalidRecordError(
            f"{value!r} is not a measured threshold: give a number > 0 and ≤ {MAX_REFERENCE_UJ_CM2:g} µJ cm⁻²",
            field="threshold_uj_cm2",
            value=value,
        )
    return measured


def _reference_features(predictor: ThresholdPredictor, reference: Mapping[str, object]) -> np.ndarray:
    record = {k: v for k, v in reference.items() if k != "threshold_uj_cm2"}
    return predictor.featurizer.transform([record])  # the row path: one record, no DataFrame


def anchored_columns(
    predictor: ThresholdPredictor,
    frame: pd.DataFrame,
    features: np.ndarray,
    log10: np.ndarray,
    reference: Mapping[str, object],
) -> dict[str, np.ndarray]:
    """The ``ANCHORED_COLUMNS`` of ``predictor.predict_records``. An unusable reference raises its ``AsepredError``
    located in ``reference`` (the service then names ``reference.<field>``)."""
    try:
        measured = _measured(reference)
        ref_features = _reference_features(predictor, reference)
    except AsepredError as error:
        error.row = None  # the reference's own row, 0, is no record's
        raise error.at(location="reference") from None
    anchor = predictor.anchor
    if isinstance(anchor, Anchor):
        log_ratio = anchor.log_ratio(predictor.regressor, ref_features, features, log10)
        halfwidth = anchor.halfwidth
    else:  # a model trained before anchored recipes: its own ratio, with the error of two predictions
        log_ratio = log10 - float(predictor.regressor.predict(ref_features)[0])
        halfwidth = math.sqrt(2) * predictor.interval_halfwidth
    anchored = math.log10(measured) + log_ratio
    return {
        "anchored_log10_threshold": anchored,
        "anchored_threshold_uj_cm2": 10**anchored,
        "anchored_lower_uj_cm2": 10 ** (anchored - halfwidth),
        "anchored_upper_uj_cm2": 10 ** (anchored + halfwidth),
        "anchored_ratio": 10**log_ratio,
    }
