"""Which anchored recipe ships: a procedure fixed in advance, scored as a procedure, checked against the paired record.

The anchored leaderboard scores many recipes on the same folds; its winner's score is the best of many and
optimistic (the winner's curse), and a recipe that differences an absolute model re-imports the lab-to-lab
confounding that anchoring exists to cancel. So the shipped recipe is chosen this way, and only this way:

1. Only the recipes that compete (``PairCandidate.competes``: ``same_as_reference`` and a few pair-based recipes, each
   with a physical reason) are candidates; the others stay on the leaderboard for comparison.
2. The procedure "the competitor with the best leave-publication-out MAE" is scored by nested CV: chosen inside each
   outer fold on its training side alone, scored on the held-out pairs (``nested_selection``).
3. A non-baseline recipe ships only if that nested MAE beats the baseline's, and if, fitted on every pair, it gives
   every published control → treated pair the measured direction. Otherwise ``same_as_reference`` ships, and the
   paired evidence of each answer carries the direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from asepred.models.candidates import Candidate
from asepred.models.pair_candidates import SAME_AS_REFERENCE
from asepred.training.dataset import Dataset
from asepred.training.leaderboards import Leaderboard
from asepred.training.pairs import Pairs, contradicted, nested_selection
from asepred.training.settings import Settings


@dataclass(frozen=True)
class AnchoredChoice:
    """The shipped recipe and why: the procedure's nested scores beside the baseline's."""

    shipped: str
    leader: str
    nested_mae: float
    nested_sign_agreement: float
    baseline_mae: float
    reason: str
    wins: dict[str, int] = field(default_factory=dict)
    contradicted: list[str] = field(default_factory=list)

    def as_card(self) -> dict[str, object]:
        return {
            "shipped": self.shipped,
            "leader": self.leader,
            "nested_mae": self.nested_mae,
            "nested_sign_agreement": (self.nested_sign_agreement if np.isfinite(self.nested_sign_agreement) else None),
            "baseline_mae": self.baseline_mae,
            "reason": self.reason,
            "wins": dict(self.wins),
        }


def choose_anchored(
    data: Dataset, settings: Settings, pool: Mapping[str, Candidate], pairs: Pairs, anchored: Leaderboard
) -> AnchoredChoice | None:
    """The procedure of the module docstring; None without an anchored leaderboard."""
    if anchored.board.empty:
        return None
    competitors = [c for c in anchored.candidates.values() if c.competes]
    board = anchored.board[anchored.board["model"].isin([c.name for c in competitors])]
    leader = str(board.iloc[0]["model"])
    baseline_mae = float(anchored.results[SAME_AS_REFERENCE.name].metrics["mae"])
    nested = nested_selection(
        competitors,
        pool,
        anchored.results,
        data.names,
        data.X,
        data.y,
        data.groups,
        pairs,
        seeds=settings.seeds,
        n_splits=settings.n_splits,
    )
    wrong: list[str] = []
    if leader == SAME_AS_REFERENCE.name:
        shipped, reason = leader, "no pair-based recipe beats 'same as the reference' leave-publication-out"
    elif not nested.mae < baseline_mae:
        shipped = SAME_AS_REFERENCE.name
        reason = (
            f"chosen by nested CV, the pair-based recipes score MAE {nested.mae:.3f}, not below the baseline's "
            f"{baseline_mae:.3f}"
        )
    else:
        leading = anchored.candidates[leader]
        bad = contradicted(leading, data.names, data.X, data.y, pairs, settings.seeds[0])
        records = data.frame["record_id"].to_numpy() if "record_id" in data.frame else np.arange(len(data.y))
        wrong = [f"{records[pairs.first[k]]} → {records[pairs.second[k]]}" for k in bad]
        if wrong:
            shipped = SAME_AS_REFERENCE.name
            reason = f"{leader} contradicts the measured direction of {len(wrong)} published pair(s)"
        else:
            shipped = leader
            reason = (
                f"{leader}: nested MAE {nested.mae:.3f} beats the baseline's {baseline_mae:.3f}, and it gives "
                f"every published control → treated pair ({int(np.sum(pairs.control_treated))}) its measured "
                "direction"
            )
    return AnchoredChoice(
        shipped=shipped,
        leader=leader,
        nested_mae=nested.mae,
        nested_sign_agreement=nested.sign_agreement,
        baseline_mae=baseline_mae,
        reason=reason,
        wins=nested.wins,
        contradicted=wrong,
    )
