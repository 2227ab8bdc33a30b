"""Site occupancies from the formula: A/B/X fractions, spacer content and layer number."""

from __future__ import annotations

from functools import lru_cache

from asepred.data.record import A_IONS, B_IONS, LAYERED, SPACER_TOKEN, X_IONS
from asepred.features.base import Descriptor
from asepred.features.formula import Material, parse_material, require_charge_balance


@lru_cache(maxsize=4096)
def parsed(material: str) -> Material:
    """``parse_material`` cached (featurizers of one record share one parse), ``L`` read as the spacer; a formula
    that is not charge-balanced is refused here, for training and prediction alike."""
    return require_charge_balance(parse_material(material, spacer_token=SPACER_TOKEN))


def layering_warnings(material: str, dimensionality: str, spacer: str, n_layers: float | None) -> list[str]:
    """Warnings when the formula and the stated dimensionality disagree: a layered formula (a spacer written, or n
    given) sent as a 3D film, or a formula with no spacer at all sent as a layered phase."""
    phase = parsed(material).emitter
    written = phase.spacer
    if dimensionality == "3D film" and (written or (n_layers is not None and n_layers > 1)):
        what = f"spacer {written}" if written else f"n_layers = {n_layers:g}"
        return [f"the formula is layered ({what}) but dimensionality is '3D film': did you mean quasi-2D or 2D?"]
    if dimensionality in LAYERED and not written and not spacer:
        return [
            f"dimensionality '{dimensionality}' but {material} writes no spacer and none is given: the model "
            "reads it as a 3D phase (give spacer and n_layers)"
        ]
    return []


class SiteDescriptor(Descriptor):
    """Fractions of each common ion on its site, the rest pooled as ``other``; spacer per B and layer number n.

    ``n_layers`` is the record's nominal n where given, else the n the formula implies (layered formulas), else 0
    for a 3D phase.
    """

    fields = ("material", "n_layers")

    def feature_labels(self) -> list[str]:
        return (
            [f"site__a_{ion.lower()}" for ion in A_IONS]
            + ["site__a_other", "site__a_empty"]
            + [f"site__b_{ion.lower()}" for ion in B_IONS]
            + ["site__b_other"]
            + [f"site__x_{ion.lower()}" for ion in X_IONS]
            + ["site__spacer_per_b", "site__n_layers", "site__core_shell"]
        )

    def featurize(self, material: str, n_layers: float | None) -> list[float]:
        phase = parsed(material).emitter
        a = [phase.a_site.get(ion, 0.0) for ion in A_IONS]
        a_other = sum(v for k, v in phase.a_site.items() if k not in A_IONS)
        b = [phase.b_site.get(ion, 0.0) for ion in B_IONS]
        b_other = sum(v for k, v in phase.b_site.items() if k not in B_IONS)
        x = [phase.x_site.get(ion, 0.0) for ion in X_IONS]
        b_count = sum(phase.counts.get(ion, 0.0) for ion in phase.b_site)
        spacer_per_b = phase.spacer_count / b_count if b_count else 0.0
        n = n_layers if n_layers is not None else (phase.n_layers or 0)
        core_shell = float(len(parsed(material).phases) > 1)
        return [*a, a_other, float(not phase.a_site), *b, b_other, *x, spacer_per_b, float(n), core_shell]
