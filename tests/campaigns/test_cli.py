"""``asepred suggest`` end to end: the JSON answer, the CSV, the MLflow run and its artifacts; the champion stays."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asepred.campaigns.lab import read_lab_table
from asepred.cli.main import app
from tests.campaigns.conftest import SPACE

pytestmark = pytest.mark.slow
runner = CliRunner()


def _champion() -> tuple[str, int]:
    from mlflow.tracking import MlflowClient

    from asepred.core import config

    client = MlflowClient(config.tracking_uri())
    version = client.get_model_version_by_alias(config.MODEL_NAME, config.CHAMPION).version
    return version, len(client.search_model_versions(f"name='{config.MODEL_NAME}'"))


def test_suggest_json_is_a_logged_run_with_its_artifacts_and_the_champion_stays(
    use_trained_store: Path, lab8: Path, tmp_path: Path
) -> None:
    from mlflow.tracking import MlflowClient

    from asepred.core import config

    before = _champion()
    out = tmp_path / "next.csv"
    result = runner.invoke(
        app, ["suggest", str(SPACE), "--data", str(lab8), "--batch", "4", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert len({json.dumps(s["candidate"], sort_keys=True) for s in answer["suggestions"]}) == 4
    assert set(answer) >= {"suggestions", "surrogate", "notes", "run_id"}
    assert set(answer["surrogate"]) >= {"name", "lab_records", "loo_mae", "loo_coverage_90", "acquisition"}
    rows = list(csv.DictReader(out.open()))
    assert [r["material"] for r in rows] == [s["candidate"]["material"] for s in answer["suggestions"]]

    client = MlflowClient(config.tracking_uri())
    run = client.get_run(answer["run_id"])
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == "ase-campaigns" and run.info.status == "FINISHED"
    assert run.data.tags["lab_table_sha256"] == read_lab_table(lab8).sha256()
    assert run.data.params["acquisition"] == "expected-improvement" and run.data.params["lab_records"] == "8"
    assert run.data.metrics["loo_mae"] == pytest.approx(answer["surrogate"]["loo_mae"])
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert artifacts == {"suggestions.csv", "answer.json", "space.json", "lab_table.csv"}
    logged = json.loads(Path(client.download_artifacts(run.info.run_id, "answer.json", str(tmp_path))).read_text())
    assert logged["suggestions"] == answer["suggestions"]
    assert _champion() == before  # same champion version, no version registered


def test_suggest_prints_a_table_with_why_and_refuses_a_bad_table_with_line_and_column(
    use_trained_store: Path, lab8: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["suggest", str(SPACE), "--data", str(lab8), "--batch", "2", "--no-log"])
    assert result.exit_code == 0, result.output
    assert "Next 2 experiments of 1,584 candidates" in result.stdout
    assert "exploit" in result.stdout or "explore" in result.stdout
    assert "logged as run" not in result.stderr
    lines = lab8.read_text().splitlines()
    lines[2] = lines[2].replace(",ASE,", ",ASEE,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["suggest", str(SPACE), "--data", str(bad)])
    assert result.exit_code == 1
    assert "line 3, measurement: 'ASEE' is not one of ASE, lasing" in result.stderr
