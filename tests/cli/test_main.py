"""The ``asepred`` root (``cli/main.py``): every command is listed and has a help, a help loads no heavy library, and
the folders keep their direction (no stage imports the root; serving never imports training; core no stage)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import typer
from typer.testing import CliRunner

from asepred.cli.main import app
from tests.conftest import REPO

#: Every command of the README's table, by the name a user types.
COMMANDS = {"data", "train", "compare", "report", "serve", "up", "predict", "featurize", "screen", "suggest", "lab"}
DATA_COMMANDS = {"validate", "build", "stats", "template"}

#: What a help must not wait for (each costs 0.1–1.5 s of imports; DESIGN.md, "Folders": the CLI root "imports
#: heavy libraries only inside commands").
HEAVY = ("mlflow", "bentoml", "sklearn", "lightgbm", "xgboost", "rdkit", "pymatgen", "dask", "shap", "optuna")


def listed_commands(help_text: str) -> set[str]:
    """The command names in the "Commands" panel of a Rich help (one row per command, its name first)."""
    panel = help_text.split("─ Commands ─", 1)[1]
    return set(re.findall(r"^│ (\w[\w-]*) ", panel, flags=re.MULTILINE))


def _names(command: typer.core.TyperGroup) -> set[str]:
    return set(command.list_commands(typer.Context(command)))


def test_help_lists_every_command() -> None:
    runner = CliRunner()
    top = runner.invoke(app, ["--help"], terminal_width=120)
    assert top.exit_code == 0, top.output
    root = typer.main.get_command(app)
    assert _names(root) == COMMANDS
    assert listed_commands(top.output) == COMMANDS
    data = runner.invoke(app, ["data", "--help"], terminal_width=120)
    assert data.exit_code == 0, data.output
    assert _names(root.get_command(typer.Context(root), "data")) == DATA_COMMANDS
    assert listed_commands(data.output) == DATA_COMMANDS


HELPS_IN_A_FRESH_PROCESS = """
import json, sys
import typer
from typer.testing import CliRunner
from asepred.cli.main import app

runner = CliRunner()
root = typer.main.get_command(app)
helps = {}
def walk(command, path):
    result = runner.invoke(app, [*path, "--help"], terminal_width=120)
    helps[" ".join(path)] = [result.exit_code, result.output]
    if isinstance(command, typer.core.TyperGroup):
        for name in command.list_commands(typer.Context(command)):
            walk(command.get_command(typer.Context(command), name), [*path, name])
walk(root, [])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"helps": helps, "heavy": heavy}))
"""


def test_no_help_loads_a_heavy_library() -> None:
    """``asepred --help`` and every command's help, rendered in one fresh process, import none of ``HEAVY``."""
    done = subprocess.run(
        [sys.executable, "-c", HELPS_IN_A_FRESH_PROCESS, *HEAVY], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    helps = result["helps"]
    assert {path for path in helps if " " not in path} >= {"", *COMMANDS}
    assert {f"data {name}" for name in DATA_COMMANDS} <= set(helps)
    for path, (code, text) in helps.items():
        assert code == 0, (path, text)
        assert "Usage: " in text and "--help" in text, path
    assert result["heavy"] == [], f"a help imported {result['heavy']}"
    assert done.stderr == "", done.stderr  # logs stay quiet


def test_candidate_names_for_help_are_the_candidates() -> None:
    """``train --model``'s help and validation read ``CANDIDATES`` itself, whose factories import their libraries."""
    from asepred.models.candidates import CANDIDATES

    text = CliRunner().invoke(app, ["train", "--help"], terminal_width=200).output
    assert all(name in text for name in CANDIDATES)
    refused = CliRunner().invoke(app, ["train", "--model", "random_forest"])
    assert refused.exit_code == 1 and "choose from" in refused.output


def _imports(path: str) -> set[str]:
    """Modules a file imports, anywhere in it (inside functions too), except under ``if TYPE_CHECKING:``."""
    tree = ast.parse((REPO / path).read_text())
    hints = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _files(folder: str) -> list[str]:
    return [str(p.relative_to(REPO)) for p in (REPO / folder).rglob("*.py")]


def test_the_folders_keep_their_direction() -> None:
    """DESIGN.md, "Folders": no stage imports the CLI root; serving never trains; core imports no stage."""
    stages = ("core", "data", "features", "models", "training", "serving", "screening")
    for folder in stages:
        for path in _files(folder):
            assert not any(m.startswith("asepred.cli") for m in _imports(path)), path
    for path in _files("serving"):
        assert not any(m.startswith("asepred.training") for m in _imports(path)), path
    for path in _files("core"):
        assert not any(m.startswith(f"asepred.{stage}") for m in _imports(path) for stage in stages[1:]), path
