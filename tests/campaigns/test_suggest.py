"""``suggest``: the next batch over examples/space.yaml from a lab's own table, with the session's champion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asepred.campaigns.lab import lab_table_from_rows, read_lab_table
from asepred.campaigns.suggest import CampaignError, suggest
from asepred.core.errors import DataValidationError
from asepred.screening.grid import RECORD_COLUMNS, Grid
from asepred.screening.space import load_space
from tests.campaigns.conftest import SPACE

pytestmark = pytest.mark.slow


@pytest.fixture
def predictor(use_trained_store: Path) -> object:
    from asepred.core.registry import load_champion

    return load_champion()[0]


def _features(predictor: object, candidates: list[dict]) -> np.ndarray:
    return np.nan_to_num(predictor.featurizer.transform(candidates), nan=-1e9)


def test_four_distinct_unmeasured_candidates_with_the_design_fields(predictor: object, lab8: Path) -> None:
    lab = read_lab_table(lab8)
    answer = suggest(Grid(load_space(SPACE)), lab, predictor, batch=4)
    assert [s.rank for s in answer.suggestions] == [1, 2, 3, 4]
    candidates = [s.candidate.model_dump() for s in answer.suggestions]
    assert set(candidates[0]) == set(RECORD_COLUMNS)
    suggested = _features(predictor, candidates)
    assert len(np.unique(suggested, axis=0)) == 4
    measured = _features(predictor, lab.candidates.to_dict("records"))
    assert not any((np.abs(measured - row).max(axis=1) < 1e-9).any() for row in suggested)
    for s in answer.suggestions:
        low, high = s.interval_uj_cm2
        assert low < s.threshold_uj_cm2 < high and s.why.startswith(("exploit", "explore"))
    surrogate = answer.surrogate
    assert surrogate.lab_records == 8 and surrogate.acquisition == "expected-improvement"
    assert surrogate.loo_mae < surrogate.loo_mae_lab_mean  # the smooth hidden function shows through
    assert 0 <= surrogate.loo_coverage_90 <= 1 and answer.candidates == 1584


def test_fewer_measurements_than_the_surrogate_uses_give_a_space_filling_batch_said_so(
    predictor: object, lab8: Path
) -> None:
    rows = read_lab_table(lab8).table.to_dict("records")[:3]
    answer = suggest(Grid(load_space(SPACE)), lab_table_from_rows(rows), predictor, batch=4)
    assert answer.surrogate.acquisition == "space-filling" and answer.surrogate.loo_mae is None
    assert answer.notes[0].startswith("3 lab records: a space-filling first batch")
    assert all(s.why.startswith("space-filling") for s in answer.suggestions)
    empty = suggest(Grid(load_space(SPACE)), lab_table_from_rows([]), predictor, batch=2)
    assert empty.suggestions[0].why.startswith("space-filling: the candidate nearest the centre of the space")


def test_a_bad_lab_table_is_refused_with_its_line_and_column(tmp_path: Path, lab8: Path) -> None:
    lines = lab8.read_text().splitlines()
    lines[3] = lines[3].replace("uJ/cm2", "furlongs")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as caught:
        read_lab_table(bad)
    assert [(p.line, p.column) for p in caught.value.problems] == [(4, "threshold_unit")]
    rows = read_lab_table(lab8).table.to_dict("records")
    rows[1]["material"] = "Pb3Br"
    with pytest.raises(DataValidationError) as caught:
        lab_table_from_rows(rows)
    assert [p.column for p in caught.value.problems] == ["lab_records[1].material"]


def test_a_batch_outside_its_limits_is_refused(predictor: object, lab8: Path) -> None:
    with pytest.raises(CampaignError, match="batch must be 1 to 50"):
        suggest(Grid(load_space(SPACE)), read_lab_table(lab8), predictor, batch=0)


def test_candidates_outside_the_published_domain_compete_but_are_flagged_with_the_reason(
    predictor: object, lab8: Path
) -> None:
    answer = suggest(Grid(load_space(SPACE)), read_lab_table(lab8), predictor, batch=12)
    outside = [s for s in answer.suggestions if not s.in_domain]
    assert outside, "12 picks over a space that is half outside the published domain include some outside it"
    assert all("outside the published record's domain (" in s.why for s in outside)
    assert all("outside" not in s.why for s in answer.suggestions if s.in_domain)
    note = next(n for n in answer.notes if "applicability domain" in n)
    assert f"{len(outside)} of these suggestions among them (flagged)" in note


def test_on_a_dask_cluster_the_answer_is_the_one_made_in_process(predictor: object, lab8: Path) -> None:
    import logging

    from distributed import LocalCluster

    grid, lab = Grid(load_space(SPACE)), read_lab_table(lab8)
    here = suggest(grid, lab, predictor, batch=4)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        there = suggest(grid, lab, predictor, batch=4, scheduler=cluster.scheduler_address)
    assert there.model_dump() == here.model_dump()
