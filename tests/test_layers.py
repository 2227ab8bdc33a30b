"""The folders' layering (DESIGN.md, "Folders") holds, as import-linter's contracts in pyproject.toml state it.

import-linter reads every import statement, at module level or inside a function, so a lazy import that crosses a
layer breaks a contract as surely as a top-level one does.

The package is installed from several top-level folders (``api/`` is ``asepred`` itself, ``core/`` is
``asepred.core``, …: pyproject's ``package-dir``), and grimp, the graph builder under import-linter, walks one
directory per root package. So the linter runs over a mirror of the installed layout — each folder's modules copied
to where the import name puts them — with ``asepred`` as its one root package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

PYPROJECT = REPO / "pyproject.toml"
PROJECT = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def mirror(destination: Path) -> Path:
    """The ``asepred`` package as installed, under ``destination`` (its Python files only)."""
    for package, folder in PROJECT["tool"]["setuptools"]["package-dir"].items():
        target = destination.joinpath(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for source in (REPO / folder).glob("*.py"):
            shutil.copy2(source, target / source.name)
    return destination


def _lint(config: Path, source: Path) -> tuple[int, str]:
    """``lint-imports`` over the mirror, in a process whose ``asepred`` is the mirror (not the editable install)."""
    code = (
        "import sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in type(f).__module__.lower()]\n"
        "from importlinter.cli import lint_imports\n"
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(source)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=source)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mirror(tmp_path_factory.mktemp("mirror"))


def test_contracts_are_kept(source: Path) -> None:
    code, report = _lint(PYPROJECT, source)
    assert code == 0, report
    assert "Contracts: 2 kept, 0 broken" in report, report


def test_every_installed_package_is_linted(source: Path) -> None:
    """A package left out of the mirror would escape every contract: each one of pyproject's is in it."""
    for package in PROJECT["tool"]["setuptools"]["packages"]:
        assert (source.joinpath(*package.split(".")) / "__init__.py").exists(), package
    assert PROJECT["tool"]["importlinter"]["root_packages"] == ["asepred"]


def test_a_breach_is_caught(source: Path, tmp_path: Path) -> None:
    """A contract that today's code breaks (data imports core): the linter sees the code, so a kept contract above
    means something."""
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.importlinter]\nroot_packages = ['asepred']\n\n"
        "[[tool.importlinter.contracts]]\nname = 'canary'\ntype = 'forbidden'\n"
        "source_modules = ['asepred.data']\nforbidden_modules = ['asepred.core']\n",
        encoding="utf-8",
    )
    code, report = _lint(config, source)
    assert code != 0, report
    assert "asepred.data" in report and "asepred.core" in report, report
