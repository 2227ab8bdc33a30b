"""Choosing a batch from a shortlist of candidates: by acquisition with the kriging believer, or space-filling.

Kriging believer (Ginsbourger, Le Riche & Carraro 2010): after each pick the surrogate is refitted as if the pick had
been measured at its predicted mean, so its uncertainty there collapses and the next pick goes elsewhere. On top, no
two members of a batch are near-duplicates: closer than ``NEAR_DUPLICATE`` in the whitened descriptor coordinates
(half a standard deviation of the space along its principal directions; in examples/space.yaml two candidates that
differ only by 0.1 in the Br fraction are 0.32 apart).

A candidate outside the published record's applicability domain competes like any other: the lab's surrogate, fitted
on the lab's own set-up, scores it, and the published record's domain (a spacer no paper used, an n above the
published range) says nothing against trying it. It is never silently preferred: its pick says so in ``why``, with
the reason, and the answer's notes count such picks. (Excluding them cost the simulated ``corner`` campaign its
optimum, n = 5, which no publication reaches: bench/campaign.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asepred.campaigns.acquisition import Acquisition
from asepred.campaigns.surrogate import LabSurrogate

NEAR_DUPLICATE = 0.5


@dataclass(frozen=True)
class Pick:
    index: int  # row of the shortlist
    acquisition: float
    why: str


def _distances(Z: np.ndarray, z: np.ndarray) -> np.ndarray:
    return np.sqrt(((Z - z) ** 2).sum(axis=1))


def by_acquisition(
    Z: np.ndarray,
    surrogate: LabSurrogate,
    acquisition: Acquisition,
    best: float,
    size: int,
) -> list[Pick]:
    """Up to ``size`` picks, best first; each says whether it exploits (the lowest predicted threshold left) or
    explores (a higher prediction, chosen for its uncertainty)."""
    eligible = np.ones(len(Z), dtype=bool)
    believed, picks = surrogate, []
    for _ in range(size):
        pool = eligible
        if not pool.any():
            break
        mean, sd = believed.predict(Z)
        score = np.where(pool, acquisition(mean, sd, best), -np.inf)
        i = int(np.argmax(score))
        ranked = np.sort(mean[pool])
        rank = int(np.searchsorted(ranked, mean[i], side="left")) + 1
        if rank == 1:
            why = "exploit: the lowest predicted threshold left"
        else:
            why = (
                f"explore: uncertain (±{sd[i]:.2f} decades) among the promising; "
                f"{rank:,}{_suffix(rank)} lowest prediction of {int(pool.sum()):,}"
            )
        picks.append(Pick(i, float(score[i]), why))
        believed = believed.believing(Z[i], float(mean[i]))
        best = min(best, float(mean[i]))
        eligible &= _distances(Z, Z[i]) >= NEAR_DUPLICATE
    return picks


def space_filling(Z: np.ndarray, measured: np.ndarray, size: int) -> list[Pick]:
    """Greedy maximin: each pick the candidate farthest from every measured sample and every earlier pick; with
    nothing measured, the first is the candidate nearest the space's centre."""
    eligible = np.ones(len(Z), dtype=bool)
    anchors = [m for m in np.asarray(measured, float)]
    picks = []
    for _ in range(size):
        pool = eligible
        if not pool.any():
            break
        if anchors:
            nearest = np.min(np.stack([_distances(Z, a) for a in anchors]), axis=0)
            score = np.where(pool, nearest, -np.inf)
            i = int(np.argmax(score))
            why = f"space-filling: the candidate farthest from everything measured or picked (distance {score[i]:.2f})"
            value = float(score[i])
        else:
            score = np.where(pool, -_distances(Z, Z[pool].mean(axis=0)), -np.inf)
            i = int(np.argmax(score))
            why = "space-filling: the candidate nearest the centre of the space, to start from"
            value = 0.0
        picks.append(Pick(i, value, why))
        anchors.append(Z[i])
        eligible &= _distances(Z, Z[i]) >= NEAR_DUPLICATE
    return picks


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
