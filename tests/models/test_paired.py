"""Paired evidence: the published control → treated comparisons, recomputed here from data/records.csv by hand."""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict

import pytest

from asepred.data.records import load_records
from asepred.data.tables import bundled_path
from asepred.models.evidence import EvidenceIndex


def _by_hand() -> dict[str, list[tuple[str, str, float]]]:
    """Every (control, treated, ratio) of one publication: pulsed one-photon ASE rows with a µJ value, not excluded."""
    with bundled_path("records.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["measurement"] == "ASE"
            and r["pump_pulse"] != "cw"
            and r["threshold_uj_cm2"]
            and r["pump_photons"] in ("", "1")
            and not r["exclude_reason"]
        ]
    by_publication = defaultdict(list)
    for r in rows:
        by_publication[r["doi"].strip().lower() or r["reference"].strip()].append(r)
    found = defaultdict(list)
    for members in by_publication.values():
        for control in (m for m in members if not m["strategy"]):
            for treated in (m for m in members if m["strategy"]):
                ratio = float(treated["threshold_uj_cm2"]) / float(control["threshold_uj_cm2"])
                found[treated["strategy"]].append((control["record_id"], treated["record_id"], ratio))
    return found


@pytest.fixture(scope="module")
def index() -> EvidenceIndex:
    return EvidenceIndex().fit(load_records())


def test_every_strategy_has_its_published_pairs(index: EvidenceIndex) -> None:
    expected = _by_hand()
    assert sum(map(len, expected.values())) == 9  # the bundled table's control → treated comparisons
    for strategy in ("phase", "solvent", "additive", "doping", "ligand", "structural", "encapsulation"):
        paired = index.paired(strategy)
        want = sorted(expected.get(strategy, []), key=lambda t: t[2])
        got = [(c["control_id"], c["treated_id"], c["ratio"]) for c in paired["comparisons"]]
        assert [g[:2] for g in got] == [w[:2] for w in want]
        assert [g[2] for g in got] == pytest.approx([w[2] for w in want])
        assert paired["pairs"] == len(want) and paired["lowered"] == sum(w[2] < 1 for w in want)
        if want:
            assert paired["median_ratio"] == pytest.approx(statistics.median(w[2] for w in want))
            assert all(c["link"].startswith("https://") and c["quote"] for c in paired["comparisons"])
        else:
            assert paired["median_ratio"] is None


def test_the_summary_reads_without_arithmetic(index: EvidenceIndex) -> None:
    assert index.paired("additive")["summary"] == (
        "additive engineering lowered the threshold in 2 of 2 published comparisons, from 2 publications (×0.14, ×0.90)"
    )
    assert index.paired("structural")["summary"].startswith("no published within-set-up comparison")
    assert index.paired("") is None  # a control record has none


def test_a_lab_row_is_never_a_published_comparison() -> None:
    records = load_records()
    lab = records["record_id"].isin(["seed-x07"]).to_numpy()  # the ligand pair's control, marked as a lab's row
    assert EvidenceIndex().fit(records, lab=lab).paired("ligand")["pairs"] == 0
