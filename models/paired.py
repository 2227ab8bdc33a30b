"""The paired record: published control → treated comparisons measured on one set-up.

Across labs the thresholds of one material scatter by decades (spot size, pulse, the definition of "threshold"), but
within one publication a control sample and its treated sample share all of that. So the robust signal of the
published record is the ratio treated / control of such a pair: every comparison here is one publication's control
record (no strategy) and one of its treated records (a strategy), both pulsed one-photon ASE thresholds that no
curator excluded. A lab's own rows are not published comparisons and never count here.

``PairedComparisons`` is fitted once at training (inside the evidence index) and answers, per strategy, the
``paired_evidence`` of DESIGN.md: how many pairs, in how many publications, how many lowered the threshold, the median
ratio, and each comparison with its link and quote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from asepred.data.record import COLUMNS, STRATEGIES
from asepred.data.records import publication_groups, target_records

#: How a strategy reads in a sentence.
STRATEGY_WORDS = {s: f"{s} engineering" for s in STRATEGIES} | {"doping": "doping", "encapsulation": "encapsulation"}


@dataclass(frozen=True)
class Comparison:
    """One publication's control → treated pair; ``ratio`` = treated / control threshold."""

    control_id: str
    treated_id: str
    control_material: str
    treated_material: str
    ratio: float
    link: str | None
    quote: str | None
    publication: str


def control_treated_pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """``(control, treated)`` row positions of ``frame`` (target records) sharing a publication, where the control
    names no strategy and the treated record does."""
    groups = publication_groups(frame)
    strategy = frame["strategy"].to_numpy()
    pairs = []
    for label in pd.unique(groups):
        members = np.flatnonzero(groups == label)
        controls = [i for i in members if not strategy[i]]
        treated = [i for i in members if strategy[i]]
        pairs += [(int(c), int(t)) for c in controls for t in treated]
    return pairs


def _sentence(strategy: str, ratios: list[float], publications: int) -> str:
    words = STRATEGY_WORDS.get(strategy, strategy)
    if not ratios:
        return f"no published within-set-up comparison of {words} with its control"
    lowered = sum(r < 1 for r in ratios)
    shown = ", ".join(f"×{r:.2f}" for r in sorted(ratios))
    plural = "s" if len(ratios) > 1 else ""
    where = f", from {publications} publications" if publications > 1 else ""
    return f"{words} lowered the threshold in {lowered} of {len(ratios)} published comparison{plural}{where} ({shown})"


class PairedComparisons:
    """The published control → treated comparisons of a curated table, by strategy."""

    def fit(self, records: pd.DataFrame, links: dict[str, str | None] | None = None) -> PairedComparisons:
        """``records``: the curated columns (a lab's rows, ``source == "lab"``, are left out); ``links``: record id →
        the link the evidence shows for it."""
        table = records.reindex(columns=COLUMNS, fill_value="").fillna("").astype(str)
        table = target_records(table[table["source"] != "lab"])
        thresholds = table["threshold_uj_cm2"].astype(float).to_numpy()
        groups = publication_groups(table)
        rows = table.to_dict("records")
        self.comparisons_: dict[str, list[Comparison]] = {}
        for c, t in control_treated_pairs(table):
            control, treated = rows[c], rows[t]
            self.comparisons_.setdefault(treated["strategy"], []).append(
                Comparison(
                    control_id=control["record_id"],
                    treated_id=treated["record_id"],
                    control_material=control["material"],
                    treated_material=treated["material"],
                    ratio=float(thresholds[t] / thresholds[c]),
                    link=(links or {}).get(treated["record_id"]),
                    quote=treated["quote"] or None,
                    publication=str(groups[t]),
                )
            )
        return self

    def summary(self, strategy: str) -> dict[str, object]:
        """The ``paired_evidence`` of a record naming ``strategy`` (comparisons by ratio, lowest first)."""
        found = sorted(self.comparisons_.get(strategy, []), key=lambda c: c.ratio)
        ratios = [c.ratio for c in found]
        publications = len({c.publication for c in found})
        return {
            "strategy": strategy,
            "pairs": len(found),
            "publications": publications,
            "lowered": sum(r < 1 for r in ratios),
            "median_ratio": float(np.median(ratios)) if ratios else None,
            "summary": _sentence(strategy, ratios, publications),
            "comparisons": [{k: v for k, v in asdict(c).items() if k != "publication"} for c in found],
        }

    def all(self) -> list[Comparison]:
        return [c for found in self.comparisons_.values() for c in found]
