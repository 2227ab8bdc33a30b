"""Optical proxies: the band gap the emitting phase's composition implies, and how far the pump lies above it.

The gap is that of the BULK 3D perovskite of the emitting phase's cage composition (``Material.emitter``), read off
room-temperature measurements of the pure end members and mixed linearly over the site fractions. It is a proxy:
the sources read disagree by up to ~0.2 eV on one compound (CsPbBr3: 2.37 eV in films, ~2.29 eV and 2.18 eV in single
crystals, Cryst. Growth Des. (2017) and Mater. Adv. (2022); MAPbBr3: 2.20 eV, and 2.3 eV in J. Phys. Chem. C (2015)),
and quantum confinement (nanocrystals, nanoplatelets, low-n layered phases), temperature and strain shift the real
gap; those are left to the site and processing descriptors.

End-member gaps (eV), each read during this task in the source named (abstracts unless said otherwise):

============  =====  ====================================================================================
end member    gap    source
============  =====  ====================================================================================
CsPbCl3       2.99   Khan et al., arXiv:2412.05618: "optical bandgap ... ~2.99 eV" (evaporated films)
CsPbBr3       2.37   "Band-Gap Tuning in All-Inorganic CsPbxSn1–xBr3 Perovskites" (2021), films, x = 1
CsPbI3        1.73   Wang et al., Nat. Commun. (PMC5993712): "CsPbI3 has a bandgap of 1.73 eV"
MAPbCl3       2.9    Front. Phys. (2021), doi:10.3389/fphy.2021.659782: "MAPbCl3 single crystal ... (2.9 eV)"
MAPbBr3       2.20   Mancini et al., MASnxPb1−xBr3 solid solution: "from 2.20 eV (x = 0)"
MAPbI3        1.55   Nat. Photon. (2014), doi:10.1038/nphoton.2014.82: "CH3NH3PbI3 counterpart (1.55 eV)"
FAPbBr3       2.23   Eperon et al., Energy Environ. Sci. 7, 982 (2014): "bandgap tunable between 1.48 and 2.23 eV"
FAPbI3        1.48   the same abstract (FAPbIyBr3−y, y = 3)
CsSnBr3       1.86   "Band-Gap Tuning in All-Inorganic CsPbxSn1–xBr3 Perovskites" (2021), x = 0
CsSnI3        1.3    J. Am. Chem. Soc. 134, 8579 (2012), doi:10.1021/ja301539s: "optical band gap of 1.3 eV"
MASnBr3       1.33   Mancini et al.: "to 1.33 eV (x = 1)"
MASnI3        1.3    Nat. Photon. (2014), doi:10.1038/nphoton.2014.82: "optical bandgap of 1.3 eV"
============  =====  ====================================================================================

Mixing rules, and where the gap is NaN (no source found, or the sources read say the linear rule fails):

- Lead phases: the gap is linear in the A-site and X-site fractions, Eg = Σ_a Σ_x f_a f_x Eg(a Pb x), no bowing.
  No experimental bowing parameter was found to apply: Butorin, Mater. Adv. (2025), doi:10.1039/d4ma01050g, reads
  the experimental MAPb(I1−xBr_x)3 reports as "divided on whether the bowing parameter value is being very small or
  significant" (his own DFT favours significant bowing, so mid-composition I/Br gaps may be overestimated here); a
  cluster-expansion study of CsPbX3 (PubMed 26278729) finds "negligible or even negative band gap bowing parameters
  at high temperature". FA/MA iodide films range "from 1.50eV for FAPbI3 to 1.56eV for MAPbI3" (Slimi et al.,
  Energy Procedia 102, 87 (2016)), i.e. between the end members.
- Chloride together with iodide: NaN. The two "can only substitute each other in a limited ratio" (Nano Res. (2022),
  doi:10.1007/s12274-022-4396-1) and mixed (I,Cl) perovskite "is hard to form" below 625 K (PubMed 26278729).
- Tin phases: only the pure end members above; mixed A or X sites of tin phases give NaN (no source read).
- Mixed or doped B sites (Pb/Sn, any dopant): NaN. Pb–Sn alloying is strongly non-linear, the gap of
  MA(Pb,Sn)I3 falling below both end members (Goyal et al., Chem. Mater. (2018)) and CsPbxSn1−xBr3 bowing by
  0.9 eV (the 2021 paper above), while MASnxPb1−xBr3 was found linear (Mancini et al.): no one rule holds.
- No end member read for FAPbCl3, FASnI3, FASnBr3, any ASnCl3, or the cage cations EA, GA, DMA, Rb, K: NaN.
- A layered phase without a cage cation (n = 1, e.g. ``PEA2PbI4``): NaN; its gap is set by confinement, not by
  a bulk end member. Layered phases with n ≥ 2 get the bulk gap of their cage composition.

Pump descriptors: photon energy E = hc/λ with hc from CODATA (``scipy.constants``, 1239.84 eV nm);
``optics__pump_excess_ev`` = E − Eg (NaN without a wavelength), ``optics__excitation_excess_ev`` = N·E − Eg with
N = ``pump_photons`` (1 when not stated): the energy above the gap deposited per excitation, so a two-photon pump at
800 nm counts as 2 × 1.55 eV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import constants

from asepred.core.errors import InvalidRecordError
from asepred.features.base import Descriptor, featurize_distinct
from asepred.features.sites import parsed

#: hc in eV nm (CODATA through scipy): photon energy in eV = HC_EV_NM / wavelength in nm.
HC_EV_NM: float = constants.h * constants.c / constants.e * 1e9

_KHAN_2024 = "S. Khan et al., Spectroscopic ellipsometry of CsPbCl3 perovskite thin films, arXiv:2412.05618 (2024)."
_CSPBSNBR3_2021 = (
    "Band-Gap Tuning in All-Inorganic CsPbxSn1–xBr3 Perovskites (2021); abstract read at "
    "https://preview.concepedia.online/publication/W3118292291"
)
_WANG_CSPBI3 = "Wang et al., Nature Communications, CsPbI3 solar cells (open access PMC5993712), abstract."
_FRONT_PHYS_2021 = (
    "Corrigendum: Photo-Diodes Based on CH3NH3PbCl3 Perovskite Single Crystals by Epitaxial Growth for Ultraviolet "
    "Photo-Detection, Front. Phys. (2021), doi:10.3389/fphy.2021.659782."
)
_MANCINI = (
    "A. Mancini, P. Quadrelli, C. Milanese, M. Patrini, G. Guizzetti, L. Malavasi, MASnxPb1−xBr3 solid solution "
    "(abstract read at https://boch.sciencegate.app/works/W2460040430)."
)
_NPHOTON_2014 = (
    "Lead-free solid-state organic–inorganic halide perovskite solar cells, Nature Photonics (2014), "
    "doi:10.1038/nphoton.2014.82."
)
_EPERON_2014 = (
    "G. E. Eperon, S. D. Stranks, C. Menelaou, M. B. Johnston, L. M. Herz, H. J. Snaith, Formamidinium lead "
    "trihalide: a broadly tunable perovskite for efficient planar heterojunction solar cells, Energy Environ. Sci. 7, "
    "982 (2014), doi:10.1039/c3ee43822h."
)
_CSSNI3_2012 = (
    "CsSnI3: Semiconductor or Metal? High Electrical Conductivity and Strong Near-Infrared Photoluminescence from a "
    "Single Material, J. Am. Chem. Soc. 134, 8579 (2012), doi:10.1021/ja301539s."
)

#: Room-temperature band gap (eV) of each pure ABX3 end member, with the source it was read in.
END_MEMBERS: Mapping[tuple[str, str, str], tuple[float, str]] = MappingProxyType(
    {
        ("Cs", "Pb", "Cl"): (2.99, _KHAN_2024),
        ("Cs", "Pb", "Br"): (2.37, _CSPBSNBR3_2021),
        ("Cs", "Pb", "I"): (1.73, _WANG_CSPBI3),
        ("MA", "Pb", "Cl"): (2.9, _FRONT_PHYS_2021),
        ("MA", "Pb", "Br"): (2.20, _MANCINI),
        ("MA", "Pb", "I"): (1.55, _NPHOTON_2014),
        ("FA", "Pb", "Br"): (2.23, _EPERON_2014),
        ("FA", "Pb", "I"): (1.48, _EPERON_2014),
        ("Cs", "Sn", "Br"): (1.86, _CSPBSNBR3_2021),
        ("Cs", "Sn", "I"): (1.3, _CSSNI3_2012),
        ("MA", "Sn", "Br"): (1.33, _MANCINI),
        ("MA", "Sn", "I"): (1.3, _NPHOTON_2014),
    }
)

#: B-site metals whose gaps mix linearly over the A and X sites (see the module docstring).
LINEAR_MIXING = frozenset({"Pb"})

_MIXING_SOURCES = (
    "S. M. Butorin, On the band gap variation in CH3NH3Pb(I1−xBrx)3, Mater. Adv. (2025), doi:10.1039/d4ma01050g: "
    "experimental halide bowing disputed, so none is applied.",
    "Cluster-expansion study of mixed CsPbX3 alloys (PubMed 26278729): negligible or negative band-gap bowing at high "
    "temperature; (I,Cl) mixing hard to form below 625 K.",
    "Ternary CsPb(Cl,Br,I)3 phase diagram, Nano Res. (2022), doi:10.1007/s12274-022-4396-1: Cl and I substitute "
    "each other only in a limited ratio.",
    "B. Slimi et al., Perovskite FA1-xMAxPbI3 for Solar Cells, Energy Procedia 102, 87 (2016): mixed-A gaps between "
    "the end members.",
    "A. Goyal et al., Origin of Pronounced Nonlinear Band Gap Behavior in Lead-Tin Hybrid Perovskite Alloys, "
    "Chem. Mater. (2018): Pb/Sn mixing is non-linear, so mixed B sites are left NaN.",
)


@lru_cache(maxsize=4096)
def bulk_gap_ev(material: str) -> float:
    """Bulk band gap (eV) of the emitting phase of ``material``, or NaN where no sourced rule covers it."""
    phase = parsed(material).emitter
    if not phase.a_site or len(phase.b_site) != 1:
        return math.nan
    (metal,) = phase.b_site
    if metal not in LINEAR_MIXING and (len(phase.a_site) > 1 or len(phase.x_site) > 1):
        return math.nan
    if "Cl" in phase.x_site and "I" in phase.x_site:
        return math.nan
    gap = 0.0
    for cation, f_a in phase.a_site.items():
        for halide, f_x in phase.x_site.items():
            end_member = END_MEMBERS.get((cation, metal, halide))
            if end_member is None:
                return math.nan
            gap += f_a * f_x * end_member[0]
    return gap


class OpticsDescriptor(Descriptor):
    """Bulk band gap of the emitting phase (eV) and the pump's photon energy above it, per photon and per
    excitation (eV); see the module docstring for every number's source and where the gap is NaN."""

    fields = ("material", "pump_wavelength_nm", "pump_photons")

    def feature_labels(self) -> list[str]:
        return ["optics__bulk_gap_ev", "optics__pump_excess_ev", "optics__excitation_excess_ev"]

    def citations(self) -> list[str]:
        gap_sources = dict.fromkeys(source for _, source in END_MEMBERS.values())
        return [*gap_sources, *_MIXING_SOURCES, "CODATA constants h, c, e through scipy.constants: hc/λ."]

    def featurize(self, material: str, pump_wavelength_nm: float | None, pump_photons: float | None) -> list[float]:
        gap = bulk_gap_ev(material)
        if pump_wavelength_nm is not None and not pump_wavelength_nm > 0:
            raise _bad_wavelength(pump_wavelength_nm)
        photon = math.nan if pump_wavelength_nm is None else HC_EV_NM / float(pump_wavelength_nm)
        photons = 1.0 if pump_photons is None else float(pump_photons)
        return [gap, photon - gap, photons * photon - gap]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        # the gap depends on the material alone (a few hundred distinct values); the pump part is array arithmetic
        gap = featurize_distinct(frame, ("material",), lambda material: (bulk_gap_ev(material),), 1)[:, 0]
        wavelength = frame["pump_wavelength_nm"].to_numpy(dtype="float64")
        bad = np.flatnonzero(wavelength <= 0)  # NaN compares False: a missing wavelength is allowed
        if len(bad):
            raise _bad_wavelength(wavelength[bad[0]]).at(row=int(bad[0]))
        photon = HC_EV_NM / wavelength
        photons = frame["pump_photons"].fillna(1.0).to_numpy(dtype="float64")
        return np.column_stack([gap, photon - gap, photons * photon - gap])


def _bad_wavelength(value: float) -> InvalidRecordError:
    value = float(value)
    return InvalidRecordError(f"pump wavelength must be > 0 nm, got {value!r}", field="pump_wavelength_nm", value=value)
