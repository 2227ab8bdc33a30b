"""The served model: featurizer + regressor, a calibrated interval, an applicability domain, the published evidence,
explanations and the anchored recipe, in one object.

It is what the service, the CLI and screening load; they reach the fitted pipeline through ``pipeline`` without
rebuilding features. MLflow stores it inside a thin pyfunc wrapper (``asepred.core.pyfunc``): this module never
imports MLflow (DESIGN.md, "Folders"), so a screening worker or ``asepred predict`` pays for none of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.pipeline import Pipeline

from asepred.core.errors import AsepredError
from asepred.features.base import as_record_frame, distinct_records, record_rows
from asepred.features.featurizer import RecordFeaturizer
from asepred.features.ligand import canonical_cation, record_spacer
from asepred.features.sites import layering_warnings
from asepred.models.anchoring import Anchor, anchored_columns
from asepred.models.domain import ApplicabilityDomain
from asepred.models.evidence import EvidenceIndex

#: Columns ``predict_records`` adds when a reference is given.
ANCHORED_COLUMNS = (
    "anchored_log10_threshold",
    "anchored_threshold_uj_cm2",
    "anchored_lower_uj_cm2",
    "anchored_upper_uj_cm2",
    "anchored_ratio",
)


def canonical_spacers(frame: pd.DataFrame) -> list[str]:
    """Each record's spacer (given, or written in its formula) as a canonical cation SMILES; "" without one."""
    spacers = (record_spacer(s, m) for s, m in zip(frame["spacer"], frame["material"], strict=True))
    return [canonical_cation(s) if s else "" for s in spacers]


class ThresholdPredictor:
    """log10 threshold (µJ cm⁻²) with a symmetric conformal interval of half-width ``interval_halfwidth`` decades
    at ``interval_level``, an in-domain flag with reasons, and optionally:

    - ``anchor``: the anchored recipe (``asepred.models.anchoring``), predicting log10(record / reference);
    - ``evidence_index``: the curated and lab records to cite (``asepred.models.evidence.EvidenceIndex``);
    - ``card``: what training knew about the model (metrics, counts, time) for ``GET /model``.

    A plain class, not an ``mlflow.pyfunc.PythonModel``: MLflow's ``predict(context, model_input, params)`` lives
    in the wrapper that logs and loads it (``asepred.core.pyfunc.PredictorModel``), so importing the predictor
    costs no MLflow import. Nor a scikit-learn estimator: it is assembled from fitted parts, never fitted itself.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        domain: ApplicabilityDomain,
        interval_halfwidth: float,
        interval_level: float = 0.9,
        model_name: str = "",
        anchor: Anchor | None = None,
        evidence_index: EvidenceIndex | None = None,
        card: Mapping[str, object] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.domain = domain
        self.interval_halfwidth = interval_halfwidth
        self.interval_level = interval_level
        self.model_name = model_name
        self.anchor = anchor
        self.evidence_index = evidence_index
        self.card = dict(card or {})

    @property
    def featurizer(self) -> RecordFeaturizer:
        return self.pipeline.named_steps["features"]

    @property
    def regressor(self) -> RegressorMixin:
        return self.pipeline.named_steps["regressor"]

    @property
    def is_constant(self) -> bool:
        """True when the regressor answers the same number for every record (a median baseline won)."""
        return isinstance(self.regressor, DummyRegressor)

    def resolvable_decades(self, confidence_z: float = 1.645) -> float:
        """The smallest difference of two predictions (decades) that is a 90 %-confident ranking: the difference
        of two predictions carries √2 × the cross-validated RMSE (docs/accuracy.md); without a stored RMSE, the
        interval half-width (itself a 90 % bound on one prediction's error) stands in for 1.645 × RMSE."""
        absolute = self.card.get("absolute") or {}
        rmse = absolute.get("rmse") if isinstance(absolute, Mapping) else None
        return confidence_z * math.sqrt(2) * float(rmse) if rmse else math.sqrt(2) * self.interval_halfwidth

    def anchored_resolvable_decades(self, confidence_z: float = 1.645) -> float:
        """The same for two anchored predictions relative to one reference: √2 × the anchored recipe's cross-validated
        RMSE over pairs (1.645 ×), or √2 × its interval half-width without one."""
        anchored = self.card.get("anchored") or {}
        rmse = anchored.get("rmse") if isinstance(anchored, Mapping) else None
        if rmse:
            return confidence_z * math.sqrt(2) * float(rmse)
        halfwidth = self.anchor.halfwidth if self.anchor is not None else math.sqrt(2) * self.interval_halfwidth
        return math.sqrt(2) * halfwidth

    def predict_records(
        self, records: pd.DataFrame | Sequence[dict], reference: Mapping[str, object] | None = None
    ) -> pd.DataFrame:
        """One row per record: log10 and µJ cm⁻² with interval, domain flag and warnings; with ``reference`` (a
        record plus its measured ``threshold_uj_cm2``) also the ``ANCHORED_COLUMNS``."""
        if isinstance(records, pd.DataFrame):
            frame = as_record_frame(records)
            return self._predict_table(frame, frame, reference)
        # A list of records (a request, anchored or not) takes the featurizer's row path, once per distinct record,
        # and never builds a DataFrame of the input: that cost ten times the rest of a one-record prediction
        # (docs/performance.md, "Load": an anchored answer went from ~25 ms to ~7 ms).
        unique, codes, first = distinct_records(records)
        try:
            table = self._predict_table(unique, None, reference)
        except AsepredError as error:
            raise error.renumbered(first) from None
        return table if len(unique) == len(codes) else table.iloc[codes].reset_index(drop=True)

    def _predict_table(
        self,
        rows: pd.DataFrame | Sequence[Mapping[str, object]],
        frame: pd.DataFrame | None,
        reference: Mapping[str, object] | None,
    ) -> pd.DataFrame:
        features = self.featurizer.transform(rows)
        fields = ("material", "dimensionality", "spacer", "n_layers")
        columns = frame if frame is not None else {c: [r[c] for r in rows] for c in fields}
        log10 = np.asarray(self.regressor.predict(features), dtype=float)
        reasons, notes = self.domain.check(features, canonical_spacers(columns))
        layering = [layering_warnings(*values) for values in zip(*(columns[c] for c in fields), strict=True)]
        table = pd.DataFrame(
            {
                "log10_threshold": log10,
                "threshold_uj_cm2": 10**log10,
                "lower_uj_cm2": 10 ** (log10 - self.interval_halfwidth),
                "upper_uj_cm2": 10 ** (log10 + self.interval_halfwidth),
                "in_domain": [not r for r in reasons],
                "warnings": [r + n + w for r, n, w in zip(reasons, notes, layering, strict=True)],
            }
        )
        if reference is not None:
            for column, values in self.anchored(frame, features, log10, reference).items():
                table[column] = values
        return table

    def anchored(
        self, frame: pd.DataFrame | None, features: np.ndarray, log10: np.ndarray, reference: Mapping[str, object]
    ) -> dict[str, np.ndarray]:
        """The ``ANCHORED_COLUMNS`` for records relative to a measured reference sample."""
        return anchored_columns(self, frame, features, log10, reference)

    def evidence(self, records: pd.DataFrame | Sequence[dict], k: int) -> list[list[dict]]:
        """The ``k`` nearest curated/lab records of each record, nearest first (empty lists without an index)."""
        rows = as_record_frame(records) if isinstance(records, pd.DataFrame) else record_rows(records)
        if k <= 0 or self.evidence_index is None:
            return [[] for _ in range(len(rows))]
        return self.evidence_index.nearest(rows, k)

    def explain(self, records: pd.DataFrame | Sequence[dict]) -> list[dict]:
        """Per record ``{base_log10, log10_threshold, contributions: [{feature, value, contribution}], note}``."""
        from asepred.models.explain import explain

        return explain(self, records)
