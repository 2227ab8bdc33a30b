"""A champion trained once on the synthetic lab table (tests/synthetic.py), and a small space around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import _isolate
from tests.synthetic import trained_store

#: 66 candidates: 25 in the synthetic table's domain (PEA, n 1–5, Br fraction 0–1 by 0.25), 5 with Cl and 1 bulk
#: film (out of domain), and 30 with a spacer that is neither a key nor a SMILES (cannot be featurized).
SMALL_SPACE = """\
name: test space
a_site: [{MA: 1.0}]
halides:
  - {mix: [Br, I], step: 0.25}
  - {Cl: 1.0}
spacers: [null, PEA, XYZ]
n_layers: [1, 2, 3, 4, 5]
dimensionalities: [3D film]
pump: {pulse: [fs]}
"""


@pytest.fixture(scope="session")
def synthetic_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home, _ = trained_store(tmp_path_factory.getbasetemp())
    return home


@pytest.fixture
def synthetic(synthetic_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The synthetic store as this test's project folder."""
    _isolate(synthetic_home, monkeypatch)
    return synthetic_home


@pytest.fixture
def small_space(tmp_path: Path) -> Path:
    path = tmp_path / "space.yaml"
    path.write_text(SMALL_SPACE, encoding="utf-8")
    return path
