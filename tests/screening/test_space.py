"""A malformed space file fails before any work, on one line naming the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asepred.cli.main import app
from asepred.screening.grid import Grid
from asepred.screening.space import load_space

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "space.yaml"
GOOD = "a_site: [{Cs: 1.0}]\nhalides: [{Br: 1.0}]\n"


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (GOOD + "halide_steps: 3\n", "halide_steps", "unknown key"),
        ("a_site: [{Cs: 0.5, MA: 0.4}]\nhalides: [{Br: 1.0}]\n", "a_site.0", "sum to 1"),
        ("a_site: [{Cs: 1.0}, {Xe: 1.0}]\nhalides: [{Br: 1.0}]\n", "a_site.1", "'Xe' is not an ion of the A site"),
        ("a_site: [{Cs: 1.0}]\nhalides: [{mix: [Br, I], step: 0}]\n", "halides.0.step", "greater than 0"),
        ("a_site: [{Cs: 1.0}]\nhalides: [{mix: [Br, I], stepp: 0.1}]\n", "halides.0.stepp", "unknown key"),
        (GOOD + "spacers: [PEA]\n", "n_layers", "list the n values"),
        (GOOD + "dimensionalities: [quasi-2D]\n", "dimensionalities", "come from spacers and n_layers"),
        (GOOD + "pump: {pulse: [cw]}\n", "pump.pulse.0", "'fs', 'ps' or 'ns'"),
        ("halides: [{Br: 1.0}]\n", "a_site", "Field required"),
        ("a_site: [{Cs: 1.0}\nhalides: [", "space", "not valid YAML at line"),
        ("- just\n- a list\n", "space", "must hold a mapping"),
    ],
)
def test_a_malformed_space_fails_on_one_line_naming_the_key(
    store: Path, tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["screen", str(path), "--out", str(tmp_path / "out.parquet")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {key}: ") and problem in lines[0], lines[0]
    assert not (tmp_path / "out.parquet").exists()


def test_a_missing_space_file_is_named(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "cannot read" in result.output and "nope.yaml" in result.output


def test_the_example_space_is_valid_and_counted_lazily() -> None:
    grid = Grid(load_space(EXAMPLE))
    assert len(grid) == 3 * 2 * 11 * (2 + 2 * 5) * 2
    assert grid.partitions(1000)[-1] == (1000, len(grid))


def test_without_a_champion_screen_says_to_train(store: Path) -> None:
    result = runner.invoke(app, ["screen", str(EXAMPLE), "--out", str(store / "out.parquet")])
    assert result.exit_code == 1
    assert "asepred train" in result.output and len(result.output.strip().splitlines()) == 1
