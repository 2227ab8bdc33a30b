"""The records one ``asepred train`` learns from, read, validated and featurized once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from asepred.core.errors import DataValidationError
from asepred.data.records import bundled_records, data_hash, load_records, log10_threshold, target_records
from asepred.features.base import as_record_frame
from asepred.features.featurizer import RecordFeaturizer
from asepred.training.pairs import setup_groups
from asepred.training.settings import Settings


@dataclass(frozen=True)
class Dataset:
    """The records trained on and everything derived from them once: ``table`` is every record read (ASE and
    lasing, bundled and lab; ``lab`` marks a lab's own rows), the rest its target rows and their features, computed
    by ``featurizer`` — fitted once here, and the one the logged pipeline ships."""

    table: pd.DataFrame
    lab: np.ndarray
    records: pd.DataFrame
    frame: pd.DataFrame
    y: np.ndarray
    groups: np.ndarray
    featurizer: RecordFeaturizer
    X: np.ndarray
    names: list[str]
    digest: str

    @classmethod
    def load(cls, settings: Settings) -> Dataset:
        table = load_records(settings.data, bundled=settings.bundled)
        rows = target_records(table, settings.target)
        frame = as_record_frame(rows)
        groups = setup_groups(frame)  # publications; a lab's rows by their reference
        if len(np.unique(groups)) < 3:
            raise DataValidationError(
                f"{len(frame)} {settings.target} records from {len(np.unique(groups))} publication(s): grouped "
                "cross-validation needs at least 3 publications",
                [],
            )
        featurizer = RecordFeaturizer().fit(frame)
        return cls(
            table=table,
            lab=_lab_rows(table, settings),
            records=rows,
            frame=frame,
            y=log10_threshold(frame),
            groups=groups,
            featurizer=featurizer,
            X=featurizer.transform(frame),
            names=list(featurizer.get_feature_names_out()),
            digest=data_hash(rows),  # the rows trained on: a new target or table is new data
        )


def _lab_rows(table: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Which rows of ``table`` came from a lab's table rather than the bundled one. Only a mix of the two needs the
    bundled record ids (read once more: ``load_records`` does not say where a row came from)."""
    if not settings.data or not settings.bundled:
        return np.full(len(table), not settings.bundled)
    return ~table["record_id"].isin(set(bundled_records()["record_id"])).to_numpy()
