"""The record featurizer: every descriptor family side by side, as one scikit-learn transformer.

The same object turns a curated record (training) and a request record (serving) into features; it is saved inside
the logged model so the server cannot disagree with training about what a feature means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from asepred.core.errors import AsepredError
from asepred.features.base import Descriptor, as_record_frame, distinct_records
from asepred.features.ligand import LigandDescriptor
from asepred.features.optics import OpticsDescriptor
from asepred.features.processing import ProcessingDescriptor
from asepred.features.sites import SiteDescriptor
from asepred.features.structure import StructureDescriptor

#: Distinct records up to which a list is featurized row by row (cached); beyond, column-wise. Row by row costs
#: ~15 µs a record with warm caches and ~70 µs cold, column-wise ~5 ms plus ~4 µs a record (bench/featurize.py).
ROW_PATH_UP_TO = 256


def default_descriptors() -> list[Descriptor]:
    return [SiteDescriptor(), StructureDescriptor(), LigandDescriptor(), OpticsDescriptor(), ProcessingDescriptor()]


class RecordFeaturizer(TransformerMixin, BaseEstimator):
    """Records (DataFrame or list of dicts with the prediction-record fields) → float64 feature matrix.

    Parameters
    ----------
    descriptors : list of Descriptor, default None
        The descriptor families, in order; ``None`` means all of them (``default_descriptors()``).
    """

    def __init__(self, descriptors: Sequence[Descriptor] | None = None) -> None:
        self.descriptors = descriptors

    def fit(self, X: pd.DataFrame, y: object = None) -> RecordFeaturizer:
        descriptors = self.descriptors if self.descriptors is not None else default_descriptors()
        self.descriptors_ = [clone(d).fit(X) for d in descriptors]
        self.feature_names_out_ = np.concatenate([d.get_feature_names_out() for d in self.descriptors_])
        return self

    def transform(self, X: pd.DataFrame | Sequence[dict]) -> np.ndarray:
        """A DataFrame is featurized column-wise (``featurize_frame``); a list of records once per distinct record,
        row by row with each family's cache (``featurize_rows``: the fast path for requests) up to
        ``ROW_PATH_UP_TO`` distinct records, column-wise beyond. Every path gives the same numbers."""
        check_is_fitted(self, "descriptors_")
        if isinstance(X, pd.DataFrame):
            frame = as_record_frame(X)
            return np.hstack([d.featurize_frame(frame) for d in self.descriptors_])
        unique, codes, first = distinct_records(X)
        try:
            if len(unique) > ROW_PATH_UP_TO:  # many distinct records: column-wise is faster than row by row
                frame = as_record_frame(pd.DataFrame(unique))
                features = np.hstack([d.featurize_frame(frame) for d in self.descriptors_])
            else:
                features = np.hstack([d.featurize_rows(unique) for d in self.descriptors_])
        except AsepredError as error:
            raise error.renumbered(first) from None
        return features[codes]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def citations(self) -> list[str]:
        check_is_fitted(self, "descriptors_")
        return [c for d in self.descriptors_ for c in d.citations()]
