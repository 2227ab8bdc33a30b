"""A simulated lab table over examples/space.yaml (bench/campaign.py's hidden functions), for the campaign tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.campaign import SPACE, simulated_lab_table

__all__ = ["SPACE"]


@pytest.fixture
def lab8(tmp_path: Path) -> Path:
    """Eight measurements of random candidates of examples/space.yaml on the hidden function ``smooth``."""
    return simulated_lab_table(tmp_path / "lab.csv", "smooth", size=8, seed=0)
