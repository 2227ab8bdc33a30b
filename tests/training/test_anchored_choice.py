"""The shipped anchored recipe: chosen by a procedure fixed in advance, scored nested, never against the paired record.

On the bundled table with the default three seeds (what `asepred up` trains), over the recipes that compete."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asepred.models.pair_candidates import PAIR_CANDIDATES, SAME_AS_REFERENCE, SHIPPING, PairCandidate, TreatedEffect
from asepred.models.paired import control_treated_pairs
from asepred.training import reports
from asepred.training.anchored_choice import choose_anchored
from asepred.training.dataset import Dataset
from asepred.training.leaderboards import Leaderboard
from asepred.training.pairs import Pairs, evaluate_pairs
from asepred.training.settings import Settings


@pytest.fixture(scope="module")
def setting() -> tuple[Dataset, Settings, Pairs, Leaderboard]:
    settings = Settings()
    data = Dataset.load(settings)
    pairs = Pairs.within(data.groups, treated=(data.frame["strategy"] != "").to_numpy())
    candidates = dict(PAIR_CANDIDATES)  # pair-only recipes: no absolute model needed
    results = {
        name: evaluate_pairs(c, data.names, data.X, data.y, data.groups, pairs, {}, n_splits=5, seeds=settings.seeds)
        for name, c in candidates.items()
    }
    rows = [reports.leaderboard_row(c, results[n], "", mode="anchored") for n, c in candidates.items()]
    board = pd.DataFrame(rows).sort_values("cv_mae").reset_index(drop=True)
    return data, settings, pairs, Leaderboard(board, results, candidates)


def test_the_nine_published_pairs_are_the_control_treated_pairs(setting) -> None:
    data, _, pairs, _ = setting
    assert int(pairs.control_treated.sum()) == len(control_treated_pairs(data.frame)) == 9
    assert np.all(pairs.log_ratio(data.y)[pairs.control_treated] < 0)  # every one lowered the threshold


def test_the_procedure_ships_a_pair_recipe_only_as_it_beats_the_baseline_nested(setting) -> None:
    data, settings, pairs, board = setting
    choice = choose_anchored(data, settings, {}, pairs, board)
    assert choice.shipped in {c.name for c in SHIPPING}
    assert choice.baseline_mae == pytest.approx(board.results[SAME_AS_REFERENCE.name].metrics["mae"])
    assert 0 < sum(choice.wins.values()) <= 5 * len(settings.seeds)  # one choice per outer fold holding pairs
    if choice.shipped != SAME_AS_REFERENCE.name:
        assert choice.nested_mae < choice.baseline_mae and not choice.contradicted
    else:
        assert choice.nested_mae >= choice.baseline_mae or choice.contradicted or choice.leader == choice.shipped


def test_the_shipped_recipe_gives_every_published_pair_its_direction(setting) -> None:
    data, settings, pairs, board = setting
    choice = choose_anchored(data, settings, {}, pairs, board)
    assert choice.shipped == "treated_effect"  # measured: nested 0.289 against the baseline's 0.312
    recipe = board.candidates[choice.shipped].make_pair(data.names, 0)
    recipe.fit(data.X[pairs.first], data.X[pairs.second], pairs.log_ratio(data.y), pairs.group)
    for control, treated in control_treated_pairs(data.frame):
        ratio = 10 ** recipe.predict(data.X[[control]], data.X[[treated]])[0]
        assert ratio < 1, (data.frame["record_id"].iloc[control], data.frame["record_id"].iloc[treated])


class _Perverse(TreatedEffect):
    """The treated term with its sign flipped: it says every strategy raises the threshold."""

    def predict(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return -super().predict(first, second)


def test_a_recipe_that_contradicts_a_measured_direction_never_ships(setting) -> None:
    data, settings, pairs, board = setting
    perverse = PairCandidate("perverse", False, make_pair=lambda names, seed: _Perverse(names), competes=True)
    leading = board.board.iloc[[0]].assign(model="perverse", cv_mae=0.0)  # the leaderboard's leader, say
    rigged = Leaderboard(
        pd.concat([leading, board.board], ignore_index=True),
        {**board.results, "perverse": board.results["treated_effect"]},
        {**board.candidates, "perverse": perverse},
    )
    choice = choose_anchored(data, settings, {}, pairs, rigged)
    assert choice.leader == "perverse" and choice.shipped == SAME_AS_REFERENCE.name
    assert len(choice.contradicted) == 9 and "contradicts the measured direction" in choice.reason
