"""Lazy enumeration: any index range materialises alone, and every candidate's formula reads back as intended."""

from __future__ import annotations

import pandas as pd
import pytest

from asepred.features.formula import parse_material
from asepred.screening.grid import Grid
from asepred.screening.space import parse_space

SPACE = {
    "a_site": [{"MA": 1.0}, {"FA": 0.7, "Cs": 0.3}],
    "b_site": [{"Pb": 1.0}, {"Pb": 0.5, "Sn": 0.5}],
    "halides": [{"mix": ["Br", "I"], "step": 0.5}, {"Cl": 1.0}],
    "spacers": [None, "PEA", "PDMA", "CCCC[NH3+]"],
    "n_layers": [1, 3],
    "dimensionalities": ["3D film", "nanocrystal"],
    "pump": {"pulse": ["fs", "ns"], "wavelength_nm": [400, None]},
}


@pytest.fixture(scope="module")
def grid() -> Grid:
    return Grid(parse_space(SPACE))


def test_size_is_the_product_of_the_axes(grid: Grid) -> None:
    structures = 2 + 3 * 2  # bulk in two morphologies; three spacers × two n
    assert len(grid) == structures * 2 * 2 * 4 * 1 * 2 * 2 * 1


def test_ranges_materialise_alone_and_tile_the_whole(grid: Grid) -> None:
    whole = grid.frame(0, len(grid))
    tiled = pd.concat([grid.frame(a, b) for a, b in grid.partitions(37)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, tiled)
    assert whole["candidate_id"].tolist() == list(range(len(grid)))
    assert not whole.drop(columns="candidate_id").duplicated().any()


def test_formulas_read_back_as_the_candidate_says(grid: Grid) -> None:
    frame = grid.frame(0, len(grid)).drop_duplicates("material")
    for row in frame.itertuples():
        token = "L" if row.spacer.startswith("CCCC") else None
        phase = parse_material(row.material, spacer_token=token).emitter
        assert phase.x_site.get("Br", 0.0) == pytest.approx(row.x_br)
        assert phase.x_site.get("Cl", 0.0) == pytest.approx(row.x_cl)
        if row.spacer:
            assert phase.n_layers == row.n_layers, row.material
            assert row.dimensionality == ("2D" if row.n_layers == 1 else "quasi-2D")
        else:
            assert phase.n_layers is None and row.dimensionality in ("3D film", "nanocrystal")


def test_layered_formulas_follow_ruddlesden_popper_and_dion_jacobson(grid: Grid) -> None:
    frame = grid.frame(0, len(grid))
    materials = set(frame["material"])
    assert "(PEA)2(FA0.7Cs0.3)2(Pb0.5Sn0.5)3Br5I5" in materials  # two mono-ammonium spacers per slab
    assert "(PDMA)MA2Pb3Cl10" in materials  # one diammonium spacer per slab
    assert "(L)2PbBr2I2" in materials  # a SMILES spacer is written L
    assert "MAPbBr1.5I1.5" in materials
