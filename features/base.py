"""The descriptor base class: one small class per descriptor family (after matminer's ``BaseFeaturizer``),
with scikit-learn's transformer contract.

A subclass says which record fields it reads (``fields``), turns one set of those values into numbers
(``featurize``), and names them (``feature_labels``, snake_case with a family prefix) and its sources
(``citations``). The base class does the rest once: batching over a DataFrame, computing each distinct input only once
(so 100,000 records of a few hundred materials cost a few hundred parses), and pointing an error at its row.

A family whose inputs are mostly distinct per record (pump wavelength, temperature) overrides ``featurize_frame`` with
array code; its output must equal ``featurize`` row by row (the contract test checks this).

Two paths, equal by test (tests/features/test_fast_path.py): a DataFrame (training, screening) goes through
``featurize_frame``; a list of records (a request: usually one record) goes through ``featurize_rows``, plain Python
with a bounded cache of each family's answer per distinct input, because building a DataFrame and factorising its
columns costs ~10 ms, a hundred times the descriptors themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from asepred.core.errors import AsepredError
from asepred.data.record import FEATURIZED_FIELDS, NUMERIC_FIELDS

#: Record fields the featurizers read (the record contract's ``featurized`` fields), with the value used when a field
#: is absent: "" for text, NaN for numbers.
RECORD_DEFAULTS: dict[str, object] = {name: np.nan if name in NUMERIC_FIELDS else "" for name in FEATURIZED_FIELDS}
_FIELDS = tuple(RECORD_DEFAULTS)


_NORMALISED = "asepred_record_frame"


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def as_record_frame(records: pd.DataFrame | Sequence[dict]) -> pd.DataFrame:
    """Records as a DataFrame with every featurizer field: text as ``str`` ("" when absent), numbers as float64.

    The result is marked, so the featurizer and each descriptor normalise a frame once, not once each."""
    if isinstance(records, pd.DataFrame) and records.attrs.get(_NORMALISED):
        return records
    source = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    columns = {column: source[column] for column in source.columns}
    for field, default in RECORD_DEFAULTS.items():
        raw = source[field].tolist() if field in source.columns else [default] * len(source)
        # Plain Python over lists: a request is one record, and pandas' per-call overhead would dominate it.
        if field in NUMERIC_FIELDS:
            columns[field] = np.array([np.nan if _missing(v) else float(v) for v in raw], dtype="float64")
        else:
            columns[field] = ["" if _missing(v) else str(v).strip() for v in raw]
    frame = pd.DataFrame(columns, index=source.index)
    frame.attrs[_NORMALISED] = True
    return frame


class RecordRows(list):
    """Records normalised by ``record_rows``: one dict per record with every featurizer field."""


class DistinctRecordRows(RecordRows):
    """``RecordRows`` known to be distinct (from ``distinct_records``), with each one's ``keys``: its values in
    ``RECORD_DEFAULTS`` order, None where missing."""

    keys: list[tuple]


def _normalised(field: str, value: object) -> object:
    if field in NUMERIC_FIELDS:
        return np.nan if _missing(value) else float(value)
    return "" if _missing(value) else str(value).strip()


def record_rows(records: Sequence[Mapping[str, object]]) -> RecordRows:
    """Records as dicts with every featurizer field, normalised as ``as_record_frame`` normalises its columns (text
    as ``str``, "" when absent; numbers as float, NaN when absent); other keys are kept unchanged."""
    if isinstance(records, RecordRows):
        return records
    return RecordRows(
        {
            **record,
            **{field: _normalised(field, record.get(field, default)) for field, default in RECORD_DEFAULTS.items()},
        }
        for record in records
    )


def distinct_records(records: Sequence[Mapping[str, object]]) -> tuple[RecordRows, np.ndarray, list[int]]:
    """``(unique, codes, first)``: the distinct records by their featurizer fields (normalised as ``record_rows``),
    each record's index into them, and the first record holding each. Requests repeat a material under many
    conditions, or one record many times: the rest is done once per distinct record."""
    if isinstance(records, DistinctRecordRows):
        return records, np.arange(len(records), dtype=np.intp), list(range(len(records)))
    index: dict[tuple, int] = {}
    # the records' own values: most repeats are found here without normalising (text fields hold str or None, as
    # the request schema and the curated tables give them, so equal raw values normalise equally)
    seen: dict[tuple, int] = {}
    codes = np.empty(len(records), dtype=np.intp)
    first: list[int] = []
    for i, record in enumerate(records):
        raw = tuple(map(record.get, _FIELDS))
        try:
            code = seen.get(raw)
        except TypeError:  # an unhashable value: normalise it
            code, raw = None, None
        if code is None:
            key = _normalised_key(map(record.get, _FIELDS))
            code = index.get(key)
            if code is None:
                code = index[key] = len(first)
                first.append(i)
            if raw is not None:
                seen[raw] = code
        codes[i] = code
    unique = DistinctRecordRows(dict(zip(RECORD_DEFAULTS, _values(key), strict=True)) for key in index)
    unique.keys = list(index)
    return unique, codes, first


_IS_NUMERIC = tuple(f in NUMERIC_FIELDS for f in _FIELDS)


def _normalised_key(values: Iterable[object]) -> tuple:
    """Values in ``RECORD_DEFAULTS`` order, normalised as ``record_rows`` does, None where missing."""
    return tuple(
        [
            None if v is None or v == "" or v != v else (float(v) if numeric else str(v).strip())
            for v, numeric in zip(values, _IS_NUMERIC, strict=True)
        ]
    )


def _values(key: tuple) -> list[object]:
    return [
        (np.nan if v is None else v) if f in NUMERIC_FIELDS else (v or "")
        for f, v in zip(RECORD_DEFAULTS, key, strict=True)
    ]


def distinct_rows(frame: pd.DataFrame, fields: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, first)``: each row's index into the distinct combinations of ``fields``, numbered in order of first
    appearance, and the row where each combination first appears. NaN counts as one value."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for field in fields:
        field_codes, uniques = pd.factorize(frame[field], use_na_sentinel=False)
        # re-factorising keeps the combined codes below len(frame), so the product never overflows
        codes, _ = pd.factorize(codes * len(uniques) + field_codes)
    _, first = np.unique(codes, return_index=True)
    return codes.astype(np.intp, copy=False), first


def featurize_distinct(
    frame: pd.DataFrame, fields: Sequence[str], featurize: Callable[..., Sequence[float]], width: int
) -> np.ndarray:
    """``featurize(*values)`` once per distinct combination of ``fields`` (missing numbers passed as ``None``),
    broadcast back to every row; an ``AsepredError`` is placed at the first row holding the offending values."""
    codes, first = distinct_rows(frame, fields)
    columns = [frame[f].iloc[first].to_numpy(dtype=object) for f in fields]
    rows = np.empty((len(first), width), dtype="float64")
    for i, key in enumerate(zip(*columns, strict=True)):
        values = [None if isinstance(v, float) and v != v else v for v in key]
        try:
            rows[i] = featurize(*values)
        except AsepredError as error:
            raise error.at(row=int(first[i])) from None
    return rows[codes]


#: Distinct inputs each descriptor remembers on the row path (a few hundred materials × conditions in practice).
ROW_CACHE_SIZE = 8192


def _key(row: Mapping[str, object], fields: Sequence[str]) -> tuple:
    # NaN never equals itself, so it would miss the cache every time: None stands for a missing number
    return tuple(None if isinstance(v, float) and v != v else v for v in (row[f] for f in fields))


class Descriptor(TransformerMixin, BaseEstimator):
    """Base of every descriptor family. Subclasses set ``fields`` and implement ``featurize``."""

    fields: tuple[str, ...] = ()

    def featurize(self, *values: object) -> Sequence[float]:
        raise NotImplementedError

    def feature_labels(self) -> list[str]:
        raise NotImplementedError

    def citations(self) -> list[str]:
        return []

    def fit(self, X: pd.DataFrame, y: object = None) -> Descriptor:
        self.n_features_out_ = len(self.feature_labels())
        return self

    def transform(self, X: pd.DataFrame | Sequence[dict]) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        if isinstance(X, pd.DataFrame):
            return self.featurize_frame(as_record_frame(X))
        return self.featurize_rows(record_rows(X))

    def featurize_rows(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """Feature rows of records from ``record_rows``: ``featurize`` once per distinct input, remembered across
        calls (up to ``ROW_CACHE_SIZE`` inputs); equal to ``featurize_frame`` on the same records."""
        cache: dict[tuple, tuple[float, ...]] | None = self.__dict__.get("_row_cache")
        if cache is None:
            cache = self.__dict__["_row_cache"] = {}
        if isinstance(rows, DistinctRecordRows):
            pick = itemgetter(*(_FIELDS.index(f) for f in self.fields))
            keys = [pick(k) for k in rows.keys] if len(self.fields) > 1 else [(pick(k),) for k in rows.keys]
        else:
            keys = [_key(row, self.fields) for row in rows]
        found = list(map(cache.get, keys))
        for i, key in enumerate(keys):
            if found[i] is None:
                try:
                    found[i] = tuple(self.featurize(*key))
                except AsepredError as error:
                    raise error.at(row=i) from None
                if len(cache) >= ROW_CACHE_SIZE:
                    cache.clear()
                cache[key] = found[i]
        if not found:
            width = self.__dict__.get("n_features_out_") or len(self.feature_labels())
            return np.empty((0, width), dtype="float64")
        return np.array(found, dtype="float64")

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_row_cache", None)  # a cache is not part of the fitted model
        return state

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        """Feature rows of a frame from ``as_record_frame``: ``featurize`` once per distinct combination of
        ``fields``. Override with array code where inputs are mostly distinct; keep it equal to ``featurize``."""
        return featurize_distinct(frame, self.fields, self.featurize, len(self.feature_labels()))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(self.feature_labels(), dtype=object)
