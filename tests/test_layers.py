"""The folders' layering (DESIGN.md, "Folders") holds, as import-linter's contracts in pyproject.toml state it.

import-linter reads every import statement, at module level or inside a function, so a lazy import that crosses a
layer breaks a contract as surely as a top-level one does.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from tests.conftest import REPO

PYPROJECT = REPO / "pyproject.toml"


def _lint(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    return code, capsys.readouterr().out


def test_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _lint(PYPROJECT, capsys)
    assert code == 0, report


def test_every_installed_package_is_a_root_package() -> None:
    """`asepred` is a namespace package, so import-linter sees only the portions listed; a new top-level package
    (e.g. asepred.cli) left out of the list would escape every contract."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    installed = {p for p in project["tool"]["setuptools"]["packages"] if p.count(".") == 1}
    listed = set(project["tool"]["importlinter"]["root_packages"])
    assert installed == listed, f"[tool.importlinter] root_packages should be {sorted(installed)}"


def test_a_breach_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same root packages under a contract that today's code breaks (data imports core): the linter sees the
    code, so a kept contract above means something (a root package that resolves to no files would keep any)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    roots = ", ".join(f'"{p}"' for p in project["tool"]["importlinter"]["root_packages"])
    config = tmp_path / "pyproject.toml"
    config.write_text(
        f"[tool.importlinter]\nroot_packages = [{roots}]\n\n"
        "[[tool.importlinter.contracts]]\nname = 'canary'\ntype = 'forbidden'\n"
        "source_modules = ['asepred.data']\nforbidden_modules = ['asepred.core']\n",
        encoding="utf-8",
    )
    code, report = _lint(config, capsys)
    assert code != 0, report
    assert "asepred.data" in report and "asepred.core" in report, report
