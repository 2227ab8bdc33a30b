"""pyproject's dependencies say what the code imports: the runtime list is what the installed packages import directly,
and the dev extra holds what bench/, scripts/ and tests/ import beyond it."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# declared for their version bounds only: the OpenTelemetry that bentoml and mlflow pull in
CONSTRAINTS = {"opentelemetry-api", "opentelemetry-sdk"}
FIRST_PARTY = {"asepred", "bench", "tests"}
# run, not imported: pytest's plugin, the linters (import-linter runs in a subprocess of tests/test_layers.py), the
# wheel builder (scripts/check_wheel.sh) and the notebook's kernel (nbclient starts it)
TOOLS = {"pytest-timeout", "ruff", "import-linter", "build", "ipykernel"}


def _names(requirements: Iterable[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _imported(folders: Iterable[Path]) -> dict[str, set[str]]:
    """Distribution → the files that import it, over every ``*.py`` below ``folders`` (lazy imports included)."""
    distributions = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.partition(".")[0]
                    sibling = (path.parent / f"{top}.py").exists()  # bench's scripts import bench/servers.py so
                    if top in sys.stdlib_module_names or top in FIRST_PARTY or sibling:
                        continue
                    names = distributions.get(top, [f"<{top}: not installed>"])
                    # mlflow's modules come from three distributions; the one the project names is `mlflow`
                    name = top if canonicalize_name(top) in map(canonicalize_name, names) else names[0]
                    found.setdefault(canonicalize_name(name), set()).add(str(path.relative_to(REPO)))
    return found


def _package_folders() -> list[Path]:
    return [REPO / folder for folder in PROJECT["tool"]["setuptools"]["package-dir"].values()]


def test_runtime_dependencies_are_what_the_package_imports() -> None:
    imported = _imported(_package_folders())
    declared = _names(PROJECT["project"]["dependencies"]) - CONSTRAINTS
    missing = {name: sorted(files)[:3] for name, files in imported.items() if name not in declared}
    assert not missing, f"imported by the package but not in [project] dependencies: {missing}"
    assert declared <= set(imported), f"declared but imported by no package: {sorted(declared - set(imported))}"


def test_dev_extra_is_what_bench_scripts_and_tests_import_beyond_the_runtime() -> None:
    runtime = _names(PROJECT["project"]["dependencies"])
    dev = _names(PROJECT["project"]["optional-dependencies"]["dev"])
    imported = _imported([REPO / "bench", REPO / "scripts", REPO / "tests"])
    missing = {name: sorted(files)[:3] for name, files in imported.items() if name not in runtime | dev}
    assert not missing, f"imported by bench/, scripts/ or tests/ but not declared: {missing}"
    unused = dev - TOOLS - set(imported)
    assert not unused, f"in the dev extra but imported nowhere: {sorted(unused)}"
    assert not dev & runtime, f"both runtime and dev: {sorted(dev & runtime)}"
