"""`bentoml build` makes a Bento of the service from bentofile.yaml (into a throw-away BENTOML_HOME; no Docker engine
is needed to build, only to containerize)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bentoml_build_makes_a_bento_of_the_service(tmp_path: Path) -> None:
    env = {**os.environ, "BENTOML_HOME": str(tmp_path / "bentoml"), "BENTOML_DO_NOT_TRACK": "true"}
    bentoml = [sys.executable, "-m", "bentoml"]
    built = subprocess.run(
        [*bentoml, "build", "-f", "bentofile.yaml", "--output", "tag", "."],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (bento_dir,) = (tmp_path / "bentoml" / "bentos" / "ase_predictor").glob("*/bento.yaml")
    bento = bento_dir.parent
    info = yaml.safe_load((bento / "bento.yaml").read_text())
    assert info["service"] == "asepred.serving.service:ASEPredictor"
    assert {"name": "BENTOML_DO_NOT_TRACK", "value": "true", "stage": "all"} in info["envs"]

    # the project itself, with its data, and nothing of the tests or benchmarks
    src = bento / "src"
    for path in (
        "pyproject.toml",
        "cli/main.py",  # pyproject.toml installs it: the image's `pip install` needs every folder it names
        "serving/service.py",
        "serving/body_limit.py",
        "features/base.py",
        "data/records.csv",
        "api/__init__.py",
        "examples/space.yaml",
    ):
        assert (src / path).is_file(), path
    assert not (src / "tests").exists() and not (src / "bench").exists()

    # the exact versions of requirements.lock, and the step that installs the project in the image
    requirements = (bento / "env" / "python" / "requirements.txt").read_text()
    assert "bentoml==1.4.40" in requirements and "mlflow==" in requirements
    dockerfile = (bento / "env" / "docker" / "Dockerfile").read_text()
    assert "script__" in dockerfile or "setup_script" in dockerfile
    assert any("pip install --no-deps" in p.read_text() for p in (bento / "env" / "docker").glob("script__*"))

    # its API is the service's: /predict and /explain with the request schema that refuses unknown fields
    routes = {route["route"]: route for route in info["schema"]["routes"]}
    assert {"/predict", "/explain"} <= set(routes)
    assert routes["/predict"]["input"]["additionalProperties"] is False

    listed = subprocess.run([*bentoml, "list", "-o", "json"], env=env, capture_output=True, text=True, timeout=120)
    assert "ase_predictor" in listed.stdout
