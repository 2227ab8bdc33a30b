"""``asepred train`` and ``asepred compare``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from asepred.core import config
from asepred.core.console import err, fail, out
from asepred.core.errors import AsepredError, StoreError
from asepred.core.registry import one_line
from asepred.models.candidates import CANDIDATES
from asepred.training.settings import Settings

app = typer.Typer()


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "—" if value != value else f"{value:.{digits}f}"
    if isinstance(value, list):
        return "–".join(_fmt(v, digits) for v in value)
    return str(value)


TWO_DIGITS = {"cv_spearman", "cv_r2", "coverage_90", "sign_agreement"}
MODE_LABELS = {"absolute": "abs", "anchored": "anch"}


def print_board(rows: list[dict], title: str) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0))  # fits 80 columns
    columns = {
        "mode": "mode",
        "model": "model",
        "is_baseline": "base",
        "cv_mae": "MAE",
        "cv_mae_ci": "MAE 95% CI",
        "cv_rmse": "RMSE",
        "cv_spearman": "ρ",
        "coverage_90": "cover90",
        "sign_agreement": "sign",
    }
    for key, header in columns.items():
        table.add_column(
            header,
            justify="left" if key in {"mode", "model"} else "right",
            min_width=11 if key == "cv_mae_ci" else None,
        )
    for row in rows:
        defaults = {"mode": "absolute"}
        cells = {key: _fmt(row.get(key, defaults.get(key)), 2 if key in TWO_DIGITS else 3) for key in columns}
        cells["mode"] = MODE_LABELS.get(cells["mode"], cells["mode"])
        table.add_row(*cells.values())
    out.print(table)
    out.print(
        "Leave-publication-out scores in decades of µJ cm⁻² (mean over repeats); the CI is a 95 % bootstrap over "
        "publications; cover90: share of held-out records inside their 90 % interval. abs: the threshold itself; "
        "anch: log10(record / reference) over pairs of records measured on one set-up (a publication or a lab); "
        "sign: share of held-out published control → treated pairs predicted in the measured direction (R² is in "
        "--json)."
    )


def _is_store_error(error: BaseException) -> bool:
    """An error of the store rather than of the code: MLflow's, SQLAlchemy's or sqlite3's (told by the module that
    defines it, so neither library is imported to ask), or a file it cannot write."""
    libraries = {cls.__module__.split(".")[0] for cls in type(error).__mro__}
    return bool(libraries & {"mlflow", "sqlalchemy", "sqlite3"}) or isinstance(error, PermissionError)


def run_training(settings: Settings, *, as_json: bool = False) -> None:
    """Train with ``settings`` and print the leaderboard (or JSON); a failure exits 1 with one line."""
    from asepred.training.run_lifecycle import TrainingStoppedError
    from asepred.training.train import train

    try:
        outcome = train(settings)
    except AsepredError as error:
        raise fail(error) from None
    except (TrainingStoppedError, KeyboardInterrupt):
        err.print("stopped: the training run is marked KILLED in MLflow; the champion is unchanged", highlight=False)
        raise typer.Exit(code=130) from None
    except Exception as error:  # the store itself: read-only, damaged, locked (MLflow's and SQLAlchemy's errors)
        if not _is_store_error(error):
            raise
        raise fail(
            StoreError(f"cannot write to the MLflow store {config.tracking_uri()} ({one_line(error)})")
        ) from None
    rows = outcome.leaderboard.to_dict(orient="records") + outcome.anchored.to_dict(orient="records")
    if as_json:
        out.print_json(
            data={
                "run_id": outcome.run_id,
                "best": outcome.best,
                "version": outcome.version,
                "promoted": outcome.promoted,
                "reason": outcome.reason,
                "leaderboard": rows,
            }
        )
        return
    print_board(rows, f"Leaderboard ({settings.target}, run {outcome.run_id[:8]})")
    verdict = "now champion" if outcome.promoted else "registered, champion unchanged"
    err.print(f"{outcome.best} → {config.MODEL_NAME} v{outcome.version}: {verdict} ({outcome.reason})")


@app.command()
def train(
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="A lab's own CSV (repeatable); see `asepred data template`.")
    ] = None,
    no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Train on --data tables alone.")] = False,
    target: Annotated[str, typer.Option(help="Which thresholds to learn: ASE or lasing.")] = "ASE",
    models: Annotated[
        list[str] | None,
        typer.Option("--model", help=f"Candidate to include (repeatable; default all: {', '.join(CANDIDATES)})."),
    ] = None,
    n_trials: Annotated[
        int, typer.Option(help="Optuna trials per candidate and CV fold, nested inside the CV (0: defaults).")
    ] = Settings.n_trials,
    n_splits: Annotated[int, typer.Option(help="Folds of leave-publication-out CV.")] = 5,
    repeats: Annotated[int, typer.Option(help="CV repeats with different seeds.")] = 3,
    seed: Annotated[int, typer.Option(help="First seed; repeats use seed, seed+1, …")] = 0,
    study_storage: Annotated[
        str | None,
        typer.Option(
            help="Optuna storage URL (e.g. sqlite:///optuna.db or postgresql://…) to share a search across machines."
        ),
    ] = None,
    experiment: Annotated[str, typer.Option(help="MLflow experiment name.")] = config.EXPERIMENT,
    force: Annotated[
        bool, typer.Option(help="Move the champion alias even if the new model does not beat it.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the leaderboard as JSON.")] = False,
) -> None:
    """Cross-validate every candidate by publication, register the best as ase-threshold, and move the champion
    alias if it beats the current one on the same data."""
    from asepred.data.records import TARGETS

    if target not in TARGETS:
        raise fail(AsepredError(f"{target!r} is not one of {', '.join(TARGETS)}", field="--target"))
    unknown = [m for m in models or [] if m not in CANDIDATES]
    if unknown:
        raise fail(AsepredError(f"unknown model(s) {unknown}; choose from {', '.join(CANDIDATES)}", field="--model"))
    settings = Settings(
        data=[str(p) for p in data or []],
        bundled=not no_bundled,
        target=target,
        candidates=tuple(models or CANDIDATES),
        n_trials=n_trials,
        n_splits=n_splits,
        seeds=tuple(range(seed, seed + repeats)),
        study_storage=study_storage,
        experiment=experiment,
        force=force,
    )
    run_training(settings, as_json=as_json)


@app.command()
def compare(
    experiment: Annotated[str, typer.Option(help="MLflow experiment name.")] = config.EXPERIMENT,
    run_id: Annotated[str | None, typer.Option(help="A training run (default: the latest finished).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")] = False,
) -> None:
    """Read the candidates of a training run back from MLflow and compare them with the baselines."""
    from asepred.training.compare import leaderboard

    try:
        rows = leaderboard(experiment, run_id)
    except AsepredError as error:
        raise fail(error) from None
    if as_json:
        out.print(json.dumps(rows, indent=2))
        return
    print_board(rows, f"Candidates in experiment '{experiment}'")


@app.command()
def report(
    experiment: Annotated[str, typer.Option(help="MLflow experiment name.")] = config.EXPERIMENT,
    run_id: Annotated[str | None, typer.Option(help="A training run (default: the latest finished).")] = None,
    docs: Annotated[Path, typer.Option(help="Folder to write accuracy.md and its figure into.")] = Path("docs"),
) -> None:
    """Write docs/accuracy.md (leaderboard with intervals, verdict, learning curve) from a training run."""
    from asepred.training.report import write_report

    try:
        path = write_report(experiment, run_id, docs)
    except AsepredError as error:
        raise fail(error) from None
    out.print(f"wrote {path}")
