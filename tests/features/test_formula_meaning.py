"""The formula means what it says: a spacer written in it is the record's spacer, it must balance its charges, and
it should agree with the stated dimensionality."""

from __future__ import annotations

import numpy as np
import pytest

from asepred.core.errors import FormulaParseError, InvalidRecordError
from asepred.features.featurizer import RecordFeaturizer
from asepred.features.ligand import record_spacer
from asepred.features.sites import layering_warnings, parsed


def features(**record: object) -> dict[str, float]:
    record = {"dimensionality": "quasi-2D", **record}
    featurizer = RecordFeaturizer().fit([record])
    return dict(zip(featurizer.get_feature_names_out(), featurizer.transform([record])[0], strict=True))


@pytest.mark.parametrize(("material", "key"), [("PEA2MA2Pb3I10", "PEA"), ("(PEA)2PbI4", "PEA"), ("BA2MA2Pb3I10", "BA")])
def test_a_spacer_written_in_the_formula_is_the_records_spacer(material: str, key: str) -> None:
    implied, given = features(material=material), features(material=material, spacer=key)
    assert implied["ligand__present"] == 1.0
    np.testing.assert_equal(implied, given)  # NaN (no A site in n = 1) equals NaN here


def test_formula_spacer_gets_the_cations_rdkit_descriptors() -> None:
    # MolLogP of the PEA cation [NH3+]CCc1ccccc1 is 0.47 (Wildman–Crippen, RDKit; ../shared/STACK.md "RDKit").
    row = features(material="PEA2MA2Pb3I10")
    assert row["ligand__mol_logp"] == pytest.approx(0.47, abs=0.01)
    assert row["ligand__ammonium_count"] == 1.0 and row["ligand__aromatic_rings"] == 1.0


def test_a_spacer_that_contradicts_the_formula_names_both() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        record_spacer("BA", "PEA2MA2Pb3I10")
    assert caught.value.field == "spacer"
    assert "'BA'" in str(caught.value) and "'PEA'" in str(caught.value)
    assert record_spacer("[NH3+]CCc1ccccc1", "PEA2MA2Pb3I10") == "[NH3+]CCc1ccccc1"  # same cation, other spelling
    assert record_spacer("", "L2MA2Pb3I10") == ""  # the placeholder names no cation


@pytest.mark.parametrize(("material", "charge"), [("Pb3Br", "+5"), ("CsPb2Br3", "+2"), ("CsPbBr2", "+1")])
def test_a_formula_that_is_not_charge_balanced_is_refused_with_its_charge_sum(material: str, charge: str) -> None:
    with pytest.raises(FormulaParseError) as caught:
        parsed(material)
    assert caught.value.field == "material"
    assert f"charge sum is {charge}" in str(caught.value)


@pytest.mark.parametrize(
    "material",
    ["CsPb0.97Bi0.03Br3", "CsPbCl1.5Br1.5", "PEA2(FA0.7Cs0.3)2Pb3Br10", "FAPbBr3/CsPbBr3", "L2MA2Pb3I10"],
)
def test_balanced_formulas_with_dopants_and_mixed_sites_pass(material: str) -> None:
    assert all(phase.charge_balanced for phase in parsed(material).phases)


def test_layering_and_dimensionality_must_agree() -> None:
    assert layering_warnings("PEA2MA2Pb3I10", "3D film", "", np.nan)
    assert layering_warnings("CsPbBr3", "quasi-2D", "", np.nan)
    assert not layering_warnings("CsPbBr3", "quasi-2D", "PEA", 3.0)  # spacer given beside the formula
    assert not layering_warnings("PEA2MA2Pb3I10", "quasi-2D", "", 3.0)
    assert not layering_warnings("CsPbBr3", "3D film", "", np.nan)
