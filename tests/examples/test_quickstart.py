"""examples/quickstart.ipynb runs, top to bottom, on a freshly trained store (nbclient, the venv's own kernel), and is
committed with its outputs stripped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "quickstart.ipynb"

pytestmark = pytest.mark.slow


def test_the_notebook_is_committed_without_outputs() -> None:
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_notebook_runs_on_a_trained_store(use_trained_store: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    elapsed = time.perf_counter() - started
    print(f"quickstart.ipynb: {elapsed:.1f} s")
    text = "\n".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "88 records" in text and "anchored_threshold_uj_cm2" in text and "https://doi.org/" in text
    assert not any(o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", []))
