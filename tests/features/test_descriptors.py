"""The contract every descriptor family keeps, the invariances physics gives, the optical proxies, and
``asepred featurize``."""

from __future__ import annotations

import json
import math
import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from asepred.core.errors import InvalidRecordError, InvalidSmilesError
from asepred.data.records import bundled_records
from asepred.features.base import as_record_frame
from asepred.features.featurizer import RecordFeaturizer, default_descriptors
from asepred.features.formula import parse_material
from asepred.features.ligand import LigandDescriptor
from asepred.features.optics import END_MEMBERS, HC_EV_NM, OpticsDescriptor, bulk_gap_ev

DESCRIPTORS = default_descriptors()
IDS = [type(d).__name__ for d in DESCRIPTORS]
SNAKE_WITH_PREFIX = re.compile(r"^[a-z][a-z0-9]*__[a-z0-9]+(?:_[a-z0-9]+)*$")
# t of CsPbBr3 as tests/features/test_tolerance.py has it: 0.86 (Bartel et al. Table S1), printed to two decimals
CSPBBR3_T = 0.86
TWO_DECIMALS = 0.005 + 1e-9


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    """The bundled records plus rows that exercise the pump fields (wavelength, two-photon, missing values)."""
    extra = pd.DataFrame(
        [
            {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_wavelength_nm": "400"},
            {"material": "CsPbBr3", "dimensionality": "nanocrystal", "pump_wavelength_nm": "800", "pump_photons": "2"},
            {"material": "PEA2PbI4", "dimensionality": "2D", "spacer": "PEA", "temperature_k": "77"},
        ]
    )
    return pd.concat([bundled_records(), extra], ignore_index=True).fillna("")


def fitted(descriptor, records):
    return clone(descriptor).fit(records)


# --- the contract, for every descriptor family --------------------------------------------------


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_labels_match_output_length(descriptor, records):
    d = fitted(descriptor, records)
    out = d.transform(records)
    assert out.shape == (len(records), len(d.feature_labels())) == (len(records), d.n_features_out_)
    assert out.dtype == np.float64
    assert list(d.get_feature_names_out()) == d.feature_labels()


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_output_is_deterministic(descriptor, records):
    first = fitted(descriptor, records).transform(records)
    np.testing.assert_array_equal(first, fitted(descriptor, records).transform(records))
    np.testing.assert_array_equal(first, fitted(descriptor, records).transform(records.iloc[::-1])[::-1])


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_clone_gives_an_equal_unfitted_estimator(descriptor, records):
    d = fitted(descriptor, records)
    copy = clone(d)
    assert type(copy) is type(d) and copy.get_params() == d.get_params()
    assert not hasattr(copy, "n_features_out_")
    np.testing.assert_array_equal(copy.fit(records).transform(records), d.transform(records))


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_pickle_round_trip_gives_equal_output(descriptor, records):
    d = fitted(descriptor, records)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(d)).transform(records), d.transform(records))


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_labels_are_snake_case_with_one_family_prefix(descriptor):
    labels = descriptor.feature_labels()
    assert labels and all(SNAKE_WITH_PREFIX.match(label) for label in labels), labels
    assert len({label.split("__")[0] for label in labels}) == 1


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_featurize_frame_equals_featurize_row_by_row(descriptor, records):
    """Families that vectorise (``featurize_frame``) must give what ``featurize`` gives for each record."""
    d = fitted(descriptor, records)
    frame = as_record_frame(records)
    rows = d.featurize_frame(frame)
    for i, record in enumerate(frame[list(d.fields)].itertuples(index=False)):
        values = [None if isinstance(v, float) and math.isnan(v) else v for v in record]
        np.testing.assert_array_equal(rows[i], np.asarray(d.featurize(*values), dtype=float), err_msg=str(values))


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=IDS)
def test_citations_are_strings(descriptor):
    assert all(isinstance(c, str) and c for c in descriptor.citations())


def test_labels_are_unique_across_the_featurizer_and_prefixes_name_one_family(records):
    names = list(RecordFeaturizer().fit(records).get_feature_names_out())
    assert len(names) == len(set(names))
    prefixes = [d.feature_labels()[0].split("__")[0] for d in DESCRIPTORS]
    assert len(prefixes) == len(set(prefixes))


def test_the_optics_family_is_in_the_default_featurizer():
    assert any(isinstance(d, OpticsDescriptor) for d in default_descriptors())


# --- the curated data and physical invariances ----------------------------------------------------


def test_every_bundled_material_parses_and_featurizes():
    table = bundled_records()
    for material in table["material"].unique():
        parse_material(material)
    features = RecordFeaturizer().fit(table).transform(table)
    assert features.shape[0] == len(table)


def _row(record: dict) -> np.ndarray:
    return RecordFeaturizer().fit([record]).transform([record])[0]


@pytest.mark.parametrize(("plain", "bracketed"), [("CsPbBr3", "CsPb(Br)3"), ("CsPbCl1.5Br1.5", "CsPb(Br0.5Cl0.5)3")])
def test_equal_formulas_give_equal_feature_rows(plain, bracketed):
    record = {"dimensionality": "3D film", "pump_wavelength_nm": 400}
    np.testing.assert_array_equal(_row({**record, "material": plain}), _row({**record, "material": bracketed}))


def test_one_spacer_cation_however_written_gives_equal_ligand_descriptors():
    spacers = ["PEA", "[NH3+]CCc1ccccc1", "c1ccccc1CC[NH3+]", "C1=CC=CC=C1CC[NH3+]"]  # key, canonical, two others
    frame = pd.DataFrame({"spacer": spacers})
    rows = LigandDescriptor().fit(frame).transform(frame)
    assert rows[0, 0] == 1.0
    for row in rows[1:]:
        np.testing.assert_array_equal(row, rows[0])


def test_invalid_smiles_raises_invalid_smiles_error_naming_the_spacer():
    frame = pd.DataFrame({"spacer": ["PEA", "C1CC("]})
    with pytest.raises(InvalidSmilesError) as caught:
        LigandDescriptor().fit(frame).transform(frame)
    assert caught.value.field == "spacer" and caught.value.value == "C1CC("
    assert caught.value.row == 1


def test_an_error_points_at_the_first_offending_row(records):
    bad = records.copy()
    bad.loc[[3, 7], "dimensionality"] = "4D"
    with pytest.raises(InvalidRecordError) as caught:
        RecordFeaturizer().fit(records).transform(bad)
    assert caught.value.field == "dimensionality" and caught.value.row == 3


# --- optical proxies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end_member", "gap"), [(k, v[0]) for k, v in END_MEMBERS.items()], ids=["".join(k) for k in END_MEMBERS]
)
def test_pure_end_members_give_their_tabled_gap(end_member, gap):
    a, b, x = end_member
    assert bulk_gap_ev(f"{a}{b}{x}3") == gap


def test_lead_phases_mix_linearly_over_a_and_x_sites():
    cs_cl, cs_br = END_MEMBERS["Cs", "Pb", "Cl"][0], END_MEMBERS["Cs", "Pb", "Br"][0]
    fa_br = END_MEMBERS["FA", "Pb", "Br"][0]
    assert bulk_gap_ev("CsPbCl1.5Br1.5") == pytest.approx((cs_cl + cs_br) / 2)
    assert bulk_gap_ev("CsPbCl2Br1") == pytest.approx((2 * cs_cl + cs_br) / 3)
    assert bulk_gap_ev("PEA2(FA0.7Cs0.3)2Pb3Br10") == pytest.approx(0.7 * fa_br + 0.3 * cs_br)
    assert bulk_gap_ev("FAPbBr3/CsPbBr3") == fa_br  # the emitter (core) is written first


@pytest.mark.parametrize(
    "material",
    [
        "FASnI3",  # no end member read
        "FAPbCl3",  # no end member read
        "EAPbBr3",  # cage cation without an end member
        "CsPb0.5Sn0.5Br3",  # mixed B site: Pb/Sn alloying is non-linear
        "CsPb0.99Mn0.01Cl3",  # doped B site
        "MAPbI2Cl",  # Cl with I: limited miscibility
        "MASnI2Br",  # mixed-halide tin phase: no rule read
        "(PEA)2PbI4",  # n = 1 layered: no cage cation
    ],
)
def test_gap_is_nan_where_no_sourced_rule_applies(material):
    assert math.isnan(bulk_gap_ev(material))


def test_pump_energy_above_the_gap():
    d = OpticsDescriptor().fit(None)
    gap = END_MEMBERS["Cs", "Pb", "Br"][0]
    assert math.isclose(HC_EV_NM, 1239.84, abs_tol=0.005)
    excess = 1239.84 / 400 - gap
    assert d.featurize("CsPbBr3", 400.0, None) == pytest.approx([gap, excess, excess], abs=1e-4)
    two_photon = d.featurize("CsPbBr3", 800.0, 2.0)
    assert two_photon[1] == pytest.approx(1239.84 / 800 - gap, abs=1e-4)
    assert two_photon[2] == pytest.approx(2 * 1239.84 / 800 - gap, abs=1e-4)
    no_pump = d.featurize("CsPbBr3", None, None)
    assert no_pump[0] == gap and math.isnan(no_pump[1]) and math.isnan(no_pump[2])


@pytest.mark.parametrize("wavelength", [0.0, -400.0])
def test_non_positive_wavelength_is_rejected(wavelength):
    d = OpticsDescriptor().fit(None)
    with pytest.raises(InvalidRecordError, match="pump_wavelength_nm"):
        d.featurize("CsPbBr3", wavelength, None)
    with pytest.raises(InvalidRecordError) as caught:
        d.transform([{"material": "CsPbBr3"}, {"material": "CsPbBr3", "pump_wavelength_nm": wavelength}])
    assert caught.value.row == 1


def test_every_end_member_source_is_cited():
    citations = OpticsDescriptor().citations()
    assert all(source in citations for _, source in END_MEMBERS.values())


# --- asepred featurize -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    from asepred.cli.main import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["featurize", *args])


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_featurize_json_is_one_object_with_the_named_descriptors(cli):
    result = cli("CsPbBr3", "--json")
    assert result.exit_code == 0, result.stderr
    pairs = json.loads(result.stdout, object_pairs_hook=list)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys))
    data = dict(pairs)
    assert data["goldschmidt_t"] == pytest.approx(CSPBBR3_T, abs=TWO_DECIMALS)
    assert data["r_a"] == pytest.approx(1.88) and data["r_b"] == pytest.approx(1.19) and data["r_x"] == 1.96
    assert data["octahedral_mu"] == pytest.approx(1.19 / 1.96)
    assert data["bartel_tau"] == pytest.approx(4.1, abs=TWO_DECIMALS)
    assert data["spacer"] is None and data["n_layers"] == 0.0
    assert data["pump_excess_ev"] is None  # NaN (no wavelength) -> null
    names = RecordFeaturizer().fit([{"material": "CsPbBr3"}]).get_feature_names_out()
    assert {n.split("__", 1)[1] for n in names} <= set(keys)


def test_featurize_json_of_a_layered_phase_has_nulls_not_nan(cli):
    result = cli("PEA2PbI4", "--spacer", "[NH3+]CCc1ccccc1", "--n-layers", "1", "--dimensionality", "2D", "--json")
    assert result.exit_code == 0, result.stderr
    assert "NaN" not in result.stdout
    data = json.loads(result.stdout)
    assert data["goldschmidt_t"] is None and data["bartel_tau"] is None and data["r_a"] is None
    assert data["spacer"] == "[NH3+]CCc1ccccc1" and data["n_layers"] == 1.0 and data["present"] == 1.0


def test_featurize_prints_a_table_without_json(cli):
    result = cli("CsPbBr3", "--pump-wavelength", "400")
    assert result.exit_code == 0, result.stderr
    assert "struct__goldschmidt_t" in result.stdout and "optics__bulk_gap_ev" in result.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["CsPbXx3", "--json"], "material"),
        (["Cs(PbBr3", "--json"], "material"),
        (["CsPbBr3", "--spacer", "C1CC(", "--json"], "spacer"),
        (["CsPbBr3", "--dimensionality", "4D", "--json"], "dimensionality"),
        (["CsPbBr3", "--pump-wavelength", "0"], "pump_wavelength_nm"),
    ],
)
def test_bad_input_exits_1_with_one_line_on_stderr(cli, args, field):
    line = _one_line_error(cli(*args))
    assert line.startswith(f"error: {field}:")


def test_featurize_help_lists_every_option(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for option in ("--spacer", "--n-layers", "--dimensionality", "--json", "--pump-wavelength", "MATERIAL"):
        assert option in result.stdout.upper() if option == "MATERIAL" else option in result.stdout


def test_a_spacer_given_as_smiles_is_written_as_placeholder_l() -> None:
    from asepred.features.featurizer import RecordFeaturizer

    by_key = {"material": "BA2MA2Pb3I10", "dimensionality": "quasi-2D", "spacer": "BA"}
    by_smiles = {"material": "L2MA2Pb3I10", "dimensionality": "quasi-2D", "spacer": "CCCC[NH3+]"}
    featurizer = RecordFeaturizer().fit([by_key])
    rows = featurizer.transform([by_key, by_smiles])
    assert np.array_equal(rows[0], rows[1], equal_nan=True)
