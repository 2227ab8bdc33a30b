"""The published evidence behind a prediction: the nearest curated (and lab) records to a request.

Similarity is defined here and nowhere else. It is a sum of chemically meaningful mismatches, weighted by what sets
an ASE threshold first — the halide and B-site metal (band gap and emitting lattice), then the morphology and the
spacer, then the A-site cation, the layer number n and the conditions:

=====================  ======  ==========================================================
term                   weight  measured as
=====================  ======  ==========================================================
halide (X site)        3.0     half the L1 distance of the Cl/Br/I fractions (0–1)
B-site metal           3.0     half the L1 distance of the B fractions (0–1)
dimensionality         1.5     0 same; 0.5 within {quasi-2D, 2D} or {nanocrystal, nanoplatelet}; 1 otherwise
spacer                 1.5     0 both none or same cation; 0.5 two different cations; 1 one has none
A-site cation          1.0     half the L1 distance of the A fractions (0–1)
layer number n         0.5     |Δn| / max(n), both layered; else 0
temperature            1.0     |log10(T / T')| beyond 0.05 dex, up to 1 at 1 dex (unstated = 295 K): 290 vs 300 K
                               is none, 77 vs 295 K is 0.55, 20 vs 295 K is 1
strategy               0.3     differs (none = a control sample)
pump regime            0.3     differs (unstated counts as different)
pump wavelength        0.3     |log2(λ / λ')| beyond 0.05, up to 1 at an octave (800 vs 400 nm); 0.5 if only the
                               request states it, 0 if the request does not
measurement            0.5     lasing rather than ASE
=====================  ======  ==========================================================

Temperature and wavelength are compared on log scales because what they change goes with ratios (thermal
populations, photon energy). A request identical to a record has distance 0; among equal distances a lab's own record
comes first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from asepred.data.record import (
    A_IONS,
    B_IONS,
    BY_NAME,
    CITED_FIELDS,
    COLLOIDAL,
    LAYERED,
    ROOM_TEMPERATURE_K,
    X_IONS,
    RecordField,
)
from asepred.data.records import record_link
from asepred.features.base import RecordRows, as_record_frame
from asepred.features.ligand import canonical_cation, record_spacer
from asepred.features.sites import parsed
from asepred.models.paired import PairedComparisons

WEIGHTS = {
    "halide": 3.0,
    "b_site": 3.0,
    "dimensionality": 1.5,
    "spacer": 1.5,
    "a_site": 1.0,
    "n_layers": 0.5,
    "temperature": 1.0,
    "strategy": 0.3,
    "pump_pulse": 0.3,
    "pump_wavelength": 0.3,
    "measurement": 0.5,
}
_RELATED = (set(LAYERED), set(COLLOIDAL))


def _fractions(site: Mapping[str, float], ions: Sequence[str]) -> list[float]:
    """Fractions of ``ions`` and, last, of everything else on the site."""
    known = [float(site.get(ion, 0.0)) for ion in ions]
    return [*known, max(0.0, float(sum(site.values())) - sum(known))]


def _words(site: Mapping[str, float]) -> str:
    """A site in words: ``Br``, ``Br/I`` (largest first), ``none``."""
    return "/".join(k for k, _ in sorted(site.items(), key=lambda kv: -kv[1])) if site else "none"


#: Normalised records: a frame from ``as_record_frame`` (batches) or rows from ``record_rows`` (requests).
Records = pd.DataFrame | RecordRows


def _column(records: Records, name: str) -> list:
    return records[name].tolist() if isinstance(records, pd.DataFrame) else [r[name] for r in records]


@dataclass(frozen=True)
class _Keys:
    """What the distance reads, per record, as arrays (one row per record)."""

    x: np.ndarray
    b: np.ndarray
    a: np.ndarray
    dimensionality: np.ndarray
    spacer: np.ndarray
    n_layers: np.ndarray
    strategy: np.ndarray
    pump_pulse: np.ndarray
    temperature_k: np.ndarray
    pump_wavelength_nm: np.ndarray
    words: list[dict[str, str]]

    @classmethod
    def of(cls, records: Records) -> _Keys:
        """Keys of normalised records: a frame from ``as_record_frame`` or rows from ``record_rows``."""
        x, b, a, spacers, n_layers, words = [], [], [], [], [], []
        columns = (_column(records, c) for c in ("material", "spacer", "n_layers"))
        for material, spacer, n in zip(*columns, strict=True):
            sites = _site_keys(material)
            cation = record_spacer(spacer or "", material)
            x.append(sites.x)
            b.append(sites.b)
            a.append(sites.a)
            spacers.append(canonical_cation(cation) if cation else "")
            n_layers.append(float(n) if n == n and n not in ("", None) else sites.n_layers)
            words.append({**sites.words, "spacer": cation})
        return cls(
            x=np.array(x, dtype=float).reshape(len(records), -1),
            b=np.array(b, dtype=float).reshape(len(records), -1),
            a=np.array(a, dtype=float).reshape(len(records), -1),
            dimensionality=np.array(_column(records, "dimensionality"), dtype=object),
            spacer=np.array(spacers, dtype=object),
            n_layers=np.array(n_layers, dtype=float),
            strategy=np.array(_column(records, "strategy"), dtype=object),
            pump_pulse=np.array(_column(records, "pump_pulse"), dtype=object),
            temperature_k=np.nan_to_num(
                np.array(_column(records, "temperature_k"), dtype=float), nan=ROOM_TEMPERATURE_K
            ),
            pump_wavelength_nm=np.array(_column(records, "pump_wavelength_nm"), dtype=float),
            words=words,
        )


@dataclass(frozen=True)
class _SiteKeys:
    x: list[float]
    b: list[float]
    a: list[float]
    n_layers: float
    words: dict[str, str]


@lru_cache(maxsize=4096)
def _site_keys(material: str) -> _SiteKeys:
    phase = parsed(material).emitter
    return _SiteKeys(
        x=_fractions(phase.x_site, X_IONS),
        b=_fractions(phase.b_site, B_IONS),
        a=_fractions(phase.a_site, A_IONS),
        n_layers=float(phase.n_layers or np.nan),
        words={"halide": _words(phase.x_site), "b_site": _words(phase.b_site), "a_site": _words(phase.a_site)},
    )


def _l1(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    return 0.5 * np.abs(query[:, None, :] - index[None, :, :]).sum(axis=2)


def _dimensionality_term(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    same = query[:, None] == index[None, :]
    related = np.zeros_like(same)
    for group in _RELATED:
        members = np.array(sorted(group))
        related |= np.isin(query, members)[:, None] & np.isin(index, members)[None, :]
    return np.where(same, 0.0, np.where(related, 0.5, 1.0))


def _spacer_term(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    q_has, i_has = (query != "")[:, None], (index != "")[None, :]
    same = query[:, None] == index[None, :]
    return np.where(same, 0.0, np.where(q_has & i_has, 0.5, 1.0))


def _n_term(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    q, i = query[:, None], index[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        term = np.abs(q - i) / np.maximum(q, i)
    return np.nan_to_num(term, nan=0.0)


#: Differences of temperature (decades) and of pump wavelength (octaves) too small to matter.
TEMPERATURE_TOLERANCE_DEX = 0.05
WAVELENGTH_TOLERANCE_OCTAVES = 0.05


def _ramp(difference: np.ndarray, tolerance: float) -> np.ndarray:
    """0 within ``tolerance``, rising linearly to 1 at a difference of 1."""
    return np.clip((difference - tolerance) / (1.0 - tolerance), 0.0, 1.0)


def _temperature_term(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    return _ramp(np.abs(np.log10(query[:, None] / index[None, :])), TEMPERATURE_TOLERANCE_DEX)


def _wavelength_term(query: np.ndarray, index: np.ndarray) -> np.ndarray:
    q, i = query[:, None], index[None, :]
    with np.errstate(invalid="ignore"):
        term = _ramp(np.abs(np.log2(q / i)), WAVELENGTH_TOLERANCE_OCTAVES)
    known_q, known_i = ~np.isnan(q), ~np.isnan(i)
    return np.where(known_q & known_i, term, np.where(known_q, 0.5, 0.0))


class EvidenceIndex(BaseEstimator):
    """Nearest records to a request, with provenance, distance and what matches and differs, in words.

    ``fit(records, lab)`` takes curated records (the ``data/records.csv`` columns), and a boolean per row marking a
    lab's own records; those with a pulsed threshold are cited, and all of them are kept in ``records_``.
    """

    def fit(self, records: pd.DataFrame, lab: Sequence[bool] | None = None) -> EvidenceIndex:
        table = records.fillna("").astype(str).reset_index(drop=True)
        every_lab = np.asarray(lab if lab is not None else np.zeros(len(table), bool), dtype=bool)
        # every record trained with, CW and unconverted rows too, a lab's own marked as such: what GET /records lists
        self.records_ = table.assign(source=np.where(every_lab, "lab", table.get("source", "")))
        keep = (table["threshold_uj_cm2"] != "").to_numpy()
        lab_flags = every_lab[keep]
        published = table[~every_lab]
        table = table[keep].reset_index(drop=True)
        self.keys_ = _Keys.of(as_record_frame(table))
        self.lab_ = lab_flags
        self.lasing_ = (table["measurement"] != "ASE").to_numpy()
        self.payload_ = [_payload(row, is_lab) for row, is_lab in zip(table.to_dict("records"), lab_flags, strict=True)]
        links = {p["record_id"]: p["link"] for p in self.payload_}
        self.paired_ = PairedComparisons().fit(published, links)
        return self

    def paired(self, strategy: str) -> dict[str, object] | None:
        """The published control → treated comparisons of ``strategy`` (``models/paired.py``); None for a control
        record (no strategy) or an index fitted before paired evidence existed."""
        paired = self.__dict__.get("paired_")
        return paired.summary(strategy) if strategy and paired is not None else None

    def distances(self, records: Records) -> np.ndarray:
        """``(n_requests, n_records)`` distances of normalised request records."""
        return self._distances(_Keys.of(records))

    def _distances(self, q: _Keys) -> np.ndarray:
        check_is_fitted(self, "keys_")
        i = self.keys_
        terms = {
            "halide": _l1(q.x, i.x),
            "b_site": _l1(q.b, i.b),
            "dimensionality": _dimensionality_term(q.dimensionality, i.dimensionality),
            "spacer": _spacer_term(q.spacer, i.spacer),
            "a_site": _l1(q.a, i.a),
            "n_layers": _n_term(q.n_layers, i.n_layers),
            "strategy": (q.strategy[:, None] != i.strategy[None, :]).astype(float),
            "temperature": _temperature_term(q.temperature_k, i.temperature_k),
            "pump_pulse": (q.pump_pulse[:, None] != i.pump_pulse[None, :]).astype(float),
            "pump_wavelength": _wavelength_term(q.pump_wavelength_nm, i.pump_wavelength_nm),
            "measurement": self.lasing_[None, :].astype(float),
        }
        return sum(WEIGHTS[name] * term for name, term in terms.items())

    def nearest(self, records: Records, k: int) -> list[list[dict]]:
        """The ``k`` nearest records of each request, nearest first (a lab record first among equals)."""
        if k <= 0 or not len(self.payload_):
            return [[] for _ in range(len(records))]
        queries = _Keys.of(records)
        distance = self._distances(queries)
        # lexsort: last key is primary: distance (rounded so float noise does not split ties), then lab first
        tie_break = ~self.lab_
        answers = []
        for r in range(len(records)):
            order = np.lexsort((tie_break, np.round(distance[r], 9)))[:k]
            answers.append(
                [
                    {
                        **self.payload_[j],
                        "distance": round(float(distance[r, j]), 3),
                        **_comparison(queries, r, self.payload_[j], self.keys_, j),
                    }
                    for j in order
                ]
            )
        return answers


def _optional(value: str, kind: type) -> object:
    if value == "":
        return None
    try:
        return kind(float(value)) if kind is int else kind(value)
    except ValueError:
        return None


def _cited(field: RecordField, text: str) -> object:
    if field.kind == "int":
        return _optional(text, int)
    if field.kind == "float":
        return _optional(text, float)
    return text if field.always_given else (text or None)


def _payload(row: dict[str, str], is_lab: bool) -> dict[str, object]:
    """The record's ``CITED_FIELDS`` (typed, None where empty), its link, and ``lab`` as the source of a lab's row."""
    payload = {name: _cited(BY_NAME[name], row.get(name, "")) for name in CITED_FIELDS}
    payload["link"] = record_link(row)
    payload["source"] = "lab" if is_lab else (row.get("source") or "literature")
    return payload


def _comparison(q: _Keys, r: int, record: dict, i: _Keys, j: int) -> dict[str, list[str]]:
    """What a record shares with the request and where it differs, in words."""
    matches, differs = [], []
    qw, iw = q.words[r], i.words[j]

    def site(name: str, label: str) -> None:
        if qw[name] == iw[name]:
            matches.append(f"same {label} ({qw[name]})")
        else:
            differs.append(f"{label} {iw[name]} vs {qw[name]}")

    site("halide", "halide")
    site("b_site", "B site")
    site("a_site", "A site")
    if q.dimensionality[r] == i.dimensionality[j]:
        matches.append(str(q.dimensionality[r]))
    else:
        differs.append(f"{i.dimensionality[j]} vs {q.dimensionality[r]}")
    if q.spacer[r] == i.spacer[j]:
        if q.spacer[r]:
            matches.append(f"same spacer ({iw['spacer']})")
    else:
        differs.append(f"spacer {iw['spacer'] or 'none'} vs {qw['spacer'] or 'none'}")
    qn, rn = q.n_layers[r], i.n_layers[j]
    if qn == qn and rn == rn:
        (matches if qn == rn else differs).append(f"n = {rn:g}" if qn == rn else f"n = {rn:g} vs {qn:g}")
    if q.strategy[r] != i.strategy[j]:
        differs.append(f"{i.strategy[j] or 'no'} strategy vs {q.strategy[r] or 'none'}")
    qt, rt = q.temperature_k[r], i.temperature_k[j]
    if abs(np.log10(qt / rt)) > TEMPERATURE_TOLERANCE_DEX:
        differs.append(f"measured at {rt:g} K vs {qt:g} K")
    ql, rl = q.pump_wavelength_nm[r], i.pump_wavelength_nm[j]
    if ql == ql and rl == rl and abs(np.log2(ql / rl)) > WAVELENGTH_TOLERANCE_OCTAVES:
        differs.append(f"pumped at {rl:g} nm vs {ql:g} nm")
    elif ql == ql and rl != rl:
        differs.append(f"pump wavelength unstated vs {ql:g} nm")
    if q.pump_pulse[r] == i.pump_pulse[j]:
        matches.append(f"same pump ({q.pump_pulse[r]})")
    else:
        differs.append(f"pump {i.pump_pulse[j] or 'unstated'} vs {q.pump_pulse[r] or 'unstated'}")
    if record["measurement"] != "ASE":
        differs.append(f"{record['measurement']} threshold, not ASE")
    return {"matches": matches, "differs": differs}
