"""The evidence behind a prediction: chemically sensible nearest records, with provenance, in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asepred.data.records import load_records
from asepred.features.base import as_record_frame
from asepred.features.sites import parsed
from asepred.models.evidence import EvidenceIndex


@pytest.fixture(scope="module")
def index() -> EvidenceIndex:
    return EvidenceIndex().fit(load_records())


def nearest(index: EvidenceIndex, k: int = 5, **record: object) -> list[dict]:
    return index.nearest(as_record_frame([record]), k)[0]


def test_a_cspbbr3_nanocrystal_is_answered_with_lead_bromides_each_with_link_and_quote(index: EvidenceIndex) -> None:
    found = nearest(index, 8, material="CsPbBr3", dimensionality="nanocrystal", pump_pulse="fs")
    assert len(found) == 8
    for e in found[:5]:
        phase = parsed(e["material"]).emitter
        assert dict(phase.x_site) == {"Br": 1.0} and dict(phase.b_site) == {"Pb": 1.0}, e["material"]
        assert e["link"].startswith("https://") and e["quote"]
        assert "same halide (Br)" in e["matches"] and "same B site (Pb)" in e["matches"]
    assert [e["distance"] for e in found] == sorted(e["distance"] for e in found)


def test_a_pea_iodide_quasi_2d_film_is_answered_with_layered_iodides_first(index: EvidenceIndex) -> None:
    found = nearest(index, 5, material="PEA2MA2Pb3I10", dimensionality="quasi-2D", n_layers=3, pump_pulse="fs")
    for e in found:
        assert dict(parsed(e["material"]).emitter.x_site) == {"I": 1.0}, e["material"]
        assert e["spacer"], e
    assert any(m == "same spacer (PEA)" for m in found[0]["matches"])


def test_a_lab_record_of_the_same_material_and_conditions_ranks_first(index: EvidenceIndex) -> None:
    records = load_records()
    lab_row = records.iloc[0].copy()
    lab_row[["record_id", "material", "dimensionality", "spacer", "n_layers", "strategy", "pump_pulse"]] = [
        "lab-001", "CsPbBr3", "nanocrystal", "", "", "", "fs"
    ]  # fmt: skip
    lab_row[["measurement", "threshold_uj_cm2", "doi", "source_url", "source"]] = ["ASE", "3.3", "", "", "lab"]
    table = pd.concat([records, lab_row.to_frame().T], ignore_index=True)
    with_lab = EvidenceIndex().fit(table, lab=np.arange(len(table)) == len(table) - 1)
    first = nearest(with_lab, 3, material="CsPbBr3", dimensionality="nanocrystal", pump_pulse="fs")[0]
    assert first["record_id"] == "lab-001" and first["source"] == "lab" and first["distance"] == 0.0
    assert first["differs"] == []


def test_what_differs_is_said_in_words(index: EvidenceIndex) -> None:
    found = nearest(index, 20, material="CsPbBr3", dimensionality="nanocrystal", pump_pulse="fs")
    differs = [d for e in found for d in e["differs"]]
    assert "ligand strategy vs none" in differs
    mixed = nearest(index, 5, material="CsPbCl1.5Br1.5", dimensionality="nanocrystal", pump_pulse="fs")
    assert any(d.startswith("halide ") and d.endswith(" vs Cl/Br") for e in mixed for d in e["differs"])


def test_no_evidence_when_none_is_asked(index: EvidenceIndex) -> None:
    assert index.nearest(as_record_frame([{"material": "CsPbBr3", "dimensionality": "3D film"}]), 0) == [[]]


def _twins(**conditions: object) -> pd.DataFrame:
    """Two records of one material and set-up that differ only in ``conditions`` (the second's)."""
    row = load_records().iloc[0].copy()
    row[["material", "dimensionality", "spacer", "n_layers", "strategy", "pump_pulse", "measurement"]] = [
        "PEA2PbI4", "2D", "", "1", "", "fs", "ASE"
    ]  # fmt: skip
    row[["temperature_k", "pump_wavelength_nm", "threshold_uj_cm2"]] = ["295", "400", "10"]
    other = row.copy()
    other["record_id"] = f"{row['record_id']}-twin"
    for column, value in conditions.items():
        other[column] = value
    return pd.DataFrame([other, row]).reset_index(drop=True)  # the differing twin first: it must not win a tie


@pytest.mark.parametrize("cold", ["20", "77", "150"])
def test_a_cryogenic_record_never_outranks_an_equal_room_temperature_one(cold: str) -> None:
    twins = EvidenceIndex().fit(_twins(temperature_k=cold))
    found = nearest(twins, 2, material="PEA2PbI4", dimensionality="2D", pump_pulse="fs", temperature_k=295.0,
                    pump_wavelength_nm=400.0)  # fmt: skip
    assert found[0]["temperature_k"] == 295.0 and found[0]["distance"] == 0.0
    assert found[1]["distance"] > 0.0
    assert f"measured at {float(cold):g} K vs 295 K" in found[1]["differs"]


def test_temperature_is_compared_on_a_log_scale() -> None:
    near = EvidenceIndex().fit(_twins(temperature_k="300"))
    far = EvidenceIndex().fit(_twins(temperature_k="20"))
    request = {"material": "PEA2PbI4", "dimensionality": "2D", "pump_pulse": "fs", "temperature_k": 290.0,
               "pump_wavelength_nm": 400.0}  # fmt: skip
    assert [e["distance"] for e in nearest(near, 2, **request)] == [0.0, 0.0]  # 290, 295 and 300 K: the same
    assert max(e["distance"] for e in nearest(far, 2, **request)) >= 1.0  # 20 K vs 290 K: a whole term


def test_pump_wavelength_is_in_the_similarity_and_said_in_words() -> None:
    twins = EvidenceIndex().fit(_twins(pump_wavelength_nm="800"))
    found = nearest(twins, 2, material="PEA2PbI4", dimensionality="2D", pump_pulse="fs", pump_wavelength_nm=400.0)
    assert found[0]["distance"] == 0.0 and found[1]["distance"] == pytest.approx(0.3)
    assert "pumped at 800 nm vs 400 nm" in found[1]["differs"]
