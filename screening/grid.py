"""A candidate space as a product of short axes, enumerated lazily by index.

Candidate ``i`` is the mixed-radix decoding of ``i`` over the axis lengths (``numpy.unravel_index``), so any
index range ``[start, stop)`` is materialised on its own — on the worker that predicts it — and the whole grid never
exists in one frame. The axes that fix the material (structure, A, B, X) are outermost and the measurement
conditions innermost: consecutive candidates share their material, and a partition parses each formula once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from asepred.data.record import REQUEST_FIELDS, SPACER_TOKEN, X_IONS
from asepred.data.tables import ligand_smiles
from asepred.features.formula import ammonium_count, spacer_charges
from asepred.screening.space import Space

#: The halides a candidate mixes (the record contract's X-site ions).
HALIDES = X_IONS
#: Record fields every candidate carries (the prediction request's fields).
RECORD_COLUMNS = REQUEST_FIELDS
#: What the space says about each candidate beside its record fields.
AXIS_COLUMNS = ("a_site", "b_site", "halide", *(f"x_{h.lower()}" for h in HALIDES))


@dataclass(frozen=True)
class Structure:
    """Bulk (``spacer`` None) in one morphology, or a layered phase of a spacer and n."""

    spacer: str | None
    n_layers: int | None
    dimensionality: str


def _count(value: float) -> str:
    text = f"{round(value, 4):g}"
    return "" if text == "1" else text


def mix_text(mix: Mapping[str, float]) -> str:
    """``{FA: 0.7, Cs: 0.3}`` → ``FA0.7Cs0.3``; a single ion is written alone."""
    return next(iter(mix)) if len(mix) == 1 else "".join(f"{ion}{_count(f) or '1'}" for ion, f in mix.items())


def _site(mix: Mapping[str, float], count: float) -> str:
    """A site's ions for ``count`` formula units: ``Pb3``, ``(FA0.7Cs0.3)2``; empty for zero."""
    if count == 0:
        return ""
    if len(mix) == 1:
        return f"{next(iter(mix))}{_count(count)}"
    return f"({mix_text(mix)}){_count(count)}"


def _halides(mix: Mapping[str, float], count: float) -> str:
    return "".join(f"{ion}{_count(f * count) or '1'}" for ion, f in mix.items())


def spacers_per_slab(spacer: str) -> int:
    """Two mono-ammonium (Ruddlesden–Popper) or one di-ammonium (Dion–Jacobson) spacer per slab."""
    smiles = ligand_smiles().get(spacer, spacer)
    return 1 if ammonium_count(smiles) >= 2 else 2


def formula(structure: Structure, a: Mapping[str, float], b: Mapping[str, float], x: Mapping[str, float]) -> str:
    """The candidate's formula as the literature writes it: ``CsPbBr1.5I1.5``, ``(PEA)2(FA0.7Cs0.3)2Pb3Br10``."""
    if structure.spacer is None:
        return f"{_site(a, 1)}{_site(b, 1)}{_halides(x, 3)}"
    n = structure.n_layers or 1
    is_key = structure.spacer in spacer_charges()
    token = structure.spacer if is_key else SPACER_TOKEN
    per_slab = spacers_per_slab(structure.spacer)
    return f"({token}){_count(per_slab)}{_site(a, n - 1)}{_site(b, n)}{_halides(x, 3 * n + 1)}"


class Grid:
    """The product of a space's axes; ``len(grid)`` candidates, ``grid.frame(start, stop)`` materialises a range."""

    def __init__(self, space: Space) -> None:
        self.space = space
        structures = [Structure(None, None, d) for d in space.dimensionalities] if None in space.spacers else []
        for spacer in (s for s in space.spacers if s is not None):
            structures += [Structure(spacer, n, "2D" if n == 1 else "quasi-2D") for n in space.n_layers]
        self.structures = structures
        self.a_site = list(space.a_site)
        self.b_site = list(space.b_site)
        self.halides = space.halide_mixes()
        self.strategies = list(space.strategies)
        self.pulses = list(space.pump.pulse)
        self.wavelengths = list(space.pump.wavelength_nm)
        self.temperatures = list(space.pump.temperature_k)

    @cached_property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis) for axis in self._axes)

    @property
    def _axes(self) -> tuple[Sequence[object], ...]:
        return (
            self.structures,
            self.a_site,
            self.b_site,
            self.halides,
            self.strategies,
            self.pulses,
            self.wavelengths,
            self.temperatures,
        )

    def __len__(self) -> int:
        return math.prod(self.shape)

    def partitions(self, size: int) -> list[tuple[int, int]]:
        """``[start, stop)`` index ranges of at most ``size`` candidates covering the grid, computed arithmetically."""
        return [(start, min(start + size, len(self))) for start in range(0, len(self), size)]

    def frame(self, start: int, stop: int) -> pd.DataFrame:
        """Candidates ``start`` to ``stop - 1``: ``candidate_id``, the record fields and the axis columns."""
        return self.frame_at(np.arange(start, stop, dtype=np.int64))

    def frame_at(self, ids: np.ndarray) -> pd.DataFrame:
        """The candidates of the given indices (ascending for the materials to come out grouped), as ``frame``."""
        ids = np.asarray(ids, dtype=np.int64)
        s, a, b, x, strategy, pulse, wavelength, temperature = np.unravel_index(ids, self.shape)
        # one formula per distinct material in the range (materials are the outer axes, so there are few)
        material_ids = np.ravel_multi_index((s, a, b, x), self.shape[:4])
        unique, inverse = np.unique(material_ids, return_inverse=True)
        us, ua, ub, ux = np.unravel_index(unique, self.shape[:4])
        formulas = np.array(
            [
                formula(self.structures[i], self.a_site[j], self.b_site[k], self.halides[m])
                for i, j, k, m in zip(us, ua, ub, ux, strict=True)
            ],
            dtype=object,
        )
        structures = self.structures
        columns: dict[str, object] = {
            "candidate_id": ids,
            "material": formulas[inverse],
            "dimensionality": np.array([t.dimensionality for t in structures], dtype=object)[s],
            "spacer": np.array([t.spacer or "" for t in structures], dtype=object)[s],
            "n_layers": np.array([np.nan if t.n_layers is None else t.n_layers for t in structures], float)[s],
            "strategy": np.array([v or "" for v in self.strategies], dtype=object)[strategy],
            "pump_pulse": np.array(self.pulses, dtype=object)[pulse],
            "pump_wavelength_nm": np.array([np.nan if v is None else v for v in self.wavelengths], float)[wavelength],
            "temperature_k": np.array(self.temperatures, dtype=float)[temperature],
            "a_site": np.array([mix_text(m) for m in self.a_site], dtype=object)[a],
            "b_site": np.array([mix_text(m) for m in self.b_site], dtype=object)[b],
            "halide": np.array([mix_text(m) for m in self.halides], dtype=object)[x],
        }
        for halide in HALIDES:
            columns[f"x_{halide.lower()}"] = np.array([m.get(halide, 0.0) for m in self.halides], float)[x]
        return pd.DataFrame(columns)
