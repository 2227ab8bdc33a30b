"""Screening with a champion trained on a synthetic table whose order is known (tests/synthetic.py): the ranking
follows the rule, near-equal candidates tie, out-of-domain ones come last, bad ones are counted, and the Dask job
(a local cluster, or one the test starts on 127.0.0.1) reaches the same answer with one model load per worker."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy.stats import spearmanr
from typer.testing import CliRunner

from asepred.cli.main import app
from asepred.core.registry import load_champion
from asepred.screening import screen
from asepred.screening.grid import AXIS_COLUMNS, RECORD_COLUMNS, Grid
from asepred.screening.space import load_space
from tests.synthetic import log10_rule

runner = CliRunner()
PREDICTED = ("log10_threshold", "threshold_uj_cm2", "lower_uj_cm2", "upper_uj_cm2", "in_domain", "warnings")
ANCHORED = ("anchored_threshold_uj_cm2", "anchored_lower_uj_cm2", "anchored_upper_uj_cm2", "anchored_ratio")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A scheduler and two single-threaded worker processes on 127.0.0.1, stopped after the module."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as running:
        yield running.scheduler_address


def test_the_ranking_follows_the_known_rule_with_ties_and_out_of_domain_last(synthetic, small_space) -> None:
    predictor, _ = load_champion()
    result = screen.run(Grid(load_space(small_space)), predictor, "synthetic", in_process=True, partition_size=16)
    table = result.ranked.to_pandas()
    assert result.n_candidates == 66
    assert result.failures.count == 30 and "'XYZ'" in next(iter(result.failures.reasons))
    assert len(table) == 36
    # out-of-domain candidates (chloride, bulk film) are kept, flagged with reasons, and listed after
    inside = table["in_domain"].to_numpy()
    assert inside.sum() == 25 and inside[:25].all() and not inside[25:].any()
    assert all(len(w) > 0 for w in table.loc[~table["in_domain"], "warnings"])
    assert set(table.loc[~table["in_domain"], "x_cl"]) | set(table.loc[~table["in_domain"], "spacer"]) >= {1.0, ""}
    # in domain: the order is the rule's (thicker and more brominated phases lower)
    ranked = table[table["in_domain"]]
    rule = [log10_rule(int(n), br) for n, br in zip(ranked["n_layers"], ranked["x_br"], strict=True)]
    assert spearmanr(ranked["log10_threshold"], rule).statistic > 0.95
    assert (np.diff(ranked["tie_group"]) >= 0).all()
    # n = 4 and 5 are equal by the rule: pure bromide at n = 4 and 5 is the first group, alone
    first = ranked[ranked["tie_group"] == 1]
    assert sorted(first["n_layers"]) == [4.0, 5.0] and set(first["x_br"]) == {1.0}
    assert (first["tie_group_size"] == 2).all()
    # every pair in one group is closer than the model resolves; consecutive groups' bests are not
    for _, group in ranked.groupby("tie_group"):
        assert np.ptp(group["log10_threshold"]) < result.resolvable
    bests = ranked.groupby("tie_group")["log10_threshold"].min().to_numpy()
    assert (np.diff(bests) >= result.resolvable).all()
    assert ranked.iloc[-1]["n_layers"] == 1 and ranked.iloc[-1]["x_br"] == 0.0


def test_cli_on_a_local_cluster_writes_the_ranked_parquet_and_landscape(synthetic, small_space, tmp_path) -> None:
    out = tmp_path / "ranked.parquet"
    result = runner.invoke(app, ["screen", str(small_space), "--out", str(out), "--top", "5", "--workers", "2"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    columns = table.column_names
    assert columns[:2] == ["tie_group", "tie_group_size"]
    assert set(PREDICTED) | {"candidate_id", *RECORD_COLUMNS, *AXIS_COLUMNS} <= set(columns)
    assert not set(ANCHORED) & set(columns)
    assert table.num_rows == 36
    reasons = table.column("warnings").to_pylist()[-1]
    assert reasons and all(isinstance(r, str) for r in reasons)
    meta = json.loads(table.schema.metadata[b"asepred"])
    assert meta["failed_candidates"] == 30 and meta["resolvable_decades"] > 0
    assert out.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = " ".join(result.output.split())
    assert "Top 5 of 36 candidates" in text and "the order inside a group means nothing" in text
    assert "66 candidates" in text and "25 in domain" in text and "11 out of domain" in text
    assert "30 could not be featurized" in text and "'XYZ'" in text


def test_cli_on_an_existing_scheduler_with_a_reference(synthetic, small_space, tmp_path, cluster) -> None:
    reference = tmp_path / "reference.json"
    reference.write_text(
        json.dumps(
            {
                "material": "PEA2MA2Pb3Br10",
                "dimensionality": "quasi-2D",
                "spacer": "PEA",
                "n_layers": 3,
                "threshold_uj_cm2": 20.0,
            }
        )
    )
    out = tmp_path / "anchored.parquet"
    args = ["screen", str(small_space), "--out", str(out), "--scheduler", cluster, "--reference", str(reference)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pandas()
    assert set(ANCHORED) <= set(table.columns)
    same = table[(table["n_layers"] == 3) & (table["x_br"] == 1.0) & (table["spacer"] == "PEA")]
    assert same["anchored_threshold_uj_cm2"].iloc[0] == pytest.approx(20.0, rel=0.13)  # ± 0.05 dex
    assert "anchored" in result.output
    # ranked on the anchored value, tie groups from the anchored recipe's resolvable difference
    ranked = table[table["in_domain"]]
    assert (np.diff(ranked["anchored_log10_threshold"]) >= -1e-12).all()
    resolvable = json.loads(pq.read_table(out).schema.metadata[b"asepred"])["resolvable_decades"]
    predictor, _ = load_champion()
    assert resolvable == pytest.approx(predictor.anchored_resolvable_decades())
    for _, group in ranked.groupby("tie_group"):
        assert np.ptp(group["anchored_log10_threshold"]) < resolvable


def test_the_model_reaches_each_worker_once_not_once_per_partition(synthetic, small_space, cluster) -> None:
    predictor, _ = load_champion()
    grid = Grid(load_space(small_space))
    result = screen.run(grid, predictor, "synthetic-loads", scheduler=cluster, partition_size=6)
    assert result.n_partitions == 11 and result.n_candidates == 66
    assert 1 <= len(result.loads_by_process) <= 2
    assert set(result.loads_by_process.values()) == {1}, result.loads_by_process
    local = screen.run(grid, predictor, "synthetic-local", in_process=True)
    pd.testing.assert_frame_equal(_plain(result.ranked), _plain(local.ranked))


def _plain(table) -> pd.DataFrame:
    frame = table.to_pandas()
    return frame.astype({c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def test_a_bad_reference_fails_before_any_work(synthetic, small_space, tmp_path) -> None:
    args = ["screen", str(small_space), "--out", str(tmp_path / "x.parquet")]
    result = runner.invoke(app, [*args, "--reference-material", "PEA2PbBr4", "--reference-threshold", "-3"])
    assert result.exit_code == 1
    assert "reference.threshold_uj_cm2" in result.output and len(result.output.strip().splitlines()) == 1
    result = runner.invoke(app, [*args, "--reference-material", "PEA2PbQ4", "--reference-threshold", "3"])
    assert result.exit_code == 1 and "reference.material" in result.output
    assert not (tmp_path / "x.parquet").exists()


def test_a_constant_champion_says_so_first(store, small_space, tmp_path, cluster) -> None:
    from asepred.training.settings import Settings
    from asepred.training.train import train
    from tests.synthetic import write_lab_table

    table = write_lab_table(tmp_path / "lab.csv")
    train(Settings(data=[str(table)], bundled=False, candidates=("median",), seeds=(0,), n_trials=0))
    out = tmp_path / "flat.parquet"
    result = runner.invoke(app, ["screen", str(small_space), "--out", str(out), "--scheduler", cluster])
    assert result.exit_code == 0, result.output
    first = " ".join(result.output.split("\n\n")[0].split())
    assert first.startswith("note: the champion") and "cannot rank" in first
    assert "asepred train --data" in first
    ranked = pq.read_table(out).to_pandas()
    assert set(ranked.loc[ranked["in_domain"], "tie_group"]) == {1}
