"""Spacer-ligand descriptors from RDKit, computed on the CATION (protonated ammonium) SMILES everywhere.

A record names its spacer by a key of ``data/ligands.csv`` or gives a SMILES; both resolve to one canonical cation
SMILES, so equal cations give equal descriptors however they are written.
"""

from __future__ import annotations

from functools import lru_cache

from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

from asepred.core.errors import InvalidRecordError, InvalidSmilesError
from asepred.data.record import SPACER_TOKEN
from asepred.data.tables import ligand_smiles
from asepred.features.base import Descriptor
from asepred.features.sites import parsed

RDLogger.DisableLog("rdApp.*")

_AMMONIUM = Chem.MolFromSmarts("[NX4+;!$(N~[#8])]")


@lru_cache(maxsize=1024)
def canonical_cation(spacer: str) -> str:
    """Canonical SMILES of a spacer given as a ligand key or a SMILES; ``InvalidSmilesError`` otherwise."""
    smiles = ligand_smiles().get(spacer, spacer)
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None or mol.GetNumAtoms() == 0:
        raise InvalidSmilesError(
            f"{spacer!r} is neither a key of data/ligands.csv ({', '.join(sorted(ligand_smiles()))}) "
            "nor a SMILES that RDKit can parse",
            field="spacer",
            value=spacer,
        )
    return Chem.MolToSmiles(mol)


def formula_spacer(material: str) -> str:
    """The spacer key written in the formula's emitter phase (``PEA`` in ``PEA2MA2Pb3I10``), or "" (none, or the
    ``L`` placeholder of a spacer the record gives as SMILES)."""
    spacer = parsed(material).emitter.spacer if material else None
    return spacer if spacer and spacer != SPACER_TOKEN else ""


def record_spacer(spacer: str, material: str) -> str:
    """The record's spacer: as given, else the one its formula writes. A given spacer that is a different cation
    from the formula's is an ``InvalidRecordError`` naming both."""
    written = formula_spacer(material)
    if spacer and written and canonical_cation(spacer) != canonical_cation(written):
        raise InvalidRecordError(
            f"{spacer!r} contradicts the formula {material!r}, which writes the spacer {written!r} "
            f"({canonical_cation(written)}): give one or the other",
            field="spacer",
            value=spacer,
        )
    return spacer or written


def _longest_chain(mol: Chem.Mol) -> int:
    """Heavy atoms on the longest topological path (the molecule's length in bonds + 1)."""
    distances = Chem.GetDistanceMatrix(mol)
    return int(distances.max()) + 1


@lru_cache(maxsize=1024)
def cation_descriptors(canonical_smiles: str) -> tuple[float, ...]:
    mol = Chem.MolFromSmiles(canonical_smiles)
    return (
        float(mol.GetNumHeavyAtoms()),
        float(_longest_chain(mol)),
        float(rdMolDescriptors.CalcNumAromaticRings(mol)),
        float(Crippen.MolLogP(mol)),
        float(rdMolDescriptors.CalcTPSA(mol)),
        float(Lipinski.NumRotatableBonds(mol)),
        float(len(mol.GetSubstructMatches(_AMMONIUM))),
        float(Descriptors.MolWt(mol)),
    )


class LigandDescriptor(Descriptor):
    """A compact, documented set: heavy atoms, longest chain, aromatic rings, MolLogP (Wildman–Crippen), TPSA
    (Ertl), rotatable bonds, ammonium groups (1 Ruddlesden–Popper, 2 Dion–Jacobson), molecular weight; zeros and
    ``ligand__present`` = 0 without a spacer. A spacer written in the formula counts as given."""

    fields = ("spacer", "material")
    NAMES = (
        "heavy_atoms",
        "longest_chain",
        "aromatic_rings",
        "mol_logp",
        "tpsa",
        "rotatable_bonds",
        "ammonium_count",
        "mol_wt",
    )

    def feature_labels(self) -> list[str]:
        return ["ligand__present", *(f"ligand__{name}" for name in self.NAMES)]

    def citations(self) -> list[str]:
        return [
            "RDKit: Open-source cheminformatics, https://www.rdkit.org",
            "S. A. Wildman, G. M. Crippen, J. Chem. Inf. Comput. Sci. 39, 868 (1999): MolLogP.",
            "P. Ertl, B. Rohde, P. Selzer, J. Med. Chem. 43, 3714 (2000): TPSA.",
        ]

    def featurize(self, spacer: str, material: str = "") -> list[float]:
        spacer = record_spacer(spacer or "", material or "")
        if not spacer:
            return [0.0] * (1 + len(self.NAMES))
        return [1.0, *cation_descriptors(canonical_cation(spacer))]
