"""``asepred suggest SPACE.yaml --data LAB.csv`` and ``asepred lab add LAB.csv MATERIAL … --threshold V``.

Only typer, Rich and light constants load at import (``asepred --help`` stays fast); the campaign code, the
champion and MLflow load inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from asepred.core.console import err, fail, out
from asepred.core.errors import AsepredError

if TYPE_CHECKING:
    from asepred.campaigns.answer import SuggestResponse

app = typer.Typer()
lab_app = typer.Typer(help="A lab's own table: record a measured result.", no_args_is_help=True)


def _print(answer: SuggestResponse) -> None:
    from rich.table import Table

    s = answer.surrogate
    if s.loo_mae is not None:
        err.print(
            f"surrogate: {s.description}, fitted on {s.lab_records} lab measurements; leave-one-out MAE "
            f"{s.loo_mae:.3f} decades (the lab's mean: {s.loo_mae_lab_mean:.3f}), 90 % coverage "
            f"{s.loo_coverage_90:.0%}; acquisition {s.acquisition}",
            highlight=False,
            soft_wrap=True,
        )
    table = Table(title=f"Next {len(answer.suggestions)} experiments of {answer.candidates:,} candidates")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("candidate", max_width=36)
    table.add_column("µJ/cm² (90 %)", justify="right", no_wrap=True)
    table.add_column("why", ratio=1, min_width=24)
    for suggestion in answer.suggestions:
        c = suggestion.candidate
        form = ", ".join(
            p
            for p in (
                c.dimensionality,
                f"{c.spacer}" if c.spacer and c.spacer not in c.material else "",
                f"n = {c.n_layers}" if c.n_layers else "",
                c.strategy or "",
                c.pump_pulse or "",
                f"{c.pump_wavelength_nm:g} nm" if c.pump_wavelength_nm else "",
                f"{c.temperature_k:g} K" if c.temperature_k else "",
            )
            if p
        )
        low, high = suggestion.interval_uj_cm2
        table.add_row(
            str(suggestion.rank),
            f"{c.material}\n[dim]{form}[/]",
            f"{suggestion.threshold_uj_cm2:.3g}\n[dim]{low:.3g}–{high:.3g}[/]",
            suggestion.why if suggestion.in_domain else f"[yellow]{suggestion.why}[/]",
        )
    out.print(table)
    for note in answer.notes:
        err.print(f"[yellow]note[/]: {note}", highlight=False, soft_wrap=True)


@app.command()
def suggest(
    space: Annotated[
        Path, typer.Argument(help="Candidate space (YAML, as `asepred screen` reads); see examples/space.yaml.")
    ],
    data: Annotated[
        Path, typer.Option("--data", help="The lab's own table (CSV, as `asepred data template` writes it).")
    ],
    batch: Annotated[int, typer.Option(min=1, max=50, help="How many experiments to suggest.")] = 4,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer as JSON (as POST /suggest gives it).")
    ] = False,
    output: Annotated[Path | None, typer.Option("--out", help="Also write the suggestions to this CSV.")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of an existing Dask scheduler (tcp://HOST:PORT) for large spaces; default: here."),
    ] = None,
    log: Annotated[
        bool, typer.Option(help="Log the suggestion as a run of the MLflow experiment ase-campaigns.")
    ] = True,
) -> None:
    """Suggest the next batch of experiments from the lab's own measurements: a Gaussian process fitted on the lab's
    table, expected improvement, a diverse batch (kriging believer). Each suggestion says why it was chosen; with
    fewer than 4 measurements the batch is space-filling. Never moves the champion alias."""
    import yaml

    from asepred.campaigns.lab import read_lab_table
    from asepred.campaigns.suggest import suggest as make_suggestion
    from asepred.campaigns.tracking import log_suggestion, suggestions_csv
    from asepred.core.registry import load_champion
    from asepred.screening.grid import Grid
    from asepred.screening.space import load_space

    try:
        parsed = load_space(space)
        document = yaml.safe_load(space.read_text(encoding="utf-8"))
        grid = Grid(parsed)
        lab = read_lab_table(data)
        predictor, champion = load_champion()
        err.print(
            f"{parsed.name or space.name}: {len(grid):,} candidates; {len(lab.measured)} lab measurements in {data}",
            highlight=False,
        )
        with err.status("scoring the candidates"):
            answer = make_suggestion(grid, lab, predictor, batch=batch, scheduler=scheduler)
        if log:
            answer.run_id = log_suggestion(
                answer,
                lab,
                document,
                champion=f"{champion.model} v{champion.version}",
                origin="cli",
            )
    except AsepredError as error:
        raise fail(error) from None
    if output is not None:
        output.write_text(suggestions_csv(answer), encoding="utf-8")
    if as_json:
        out.print_json(answer.model_dump_json())
        return
    _print(answer)
    if output is not None:
        err.print(f"wrote {output}", highlight=False)
    if answer.run_id:
        err.print(f"logged as run {answer.run_id} of the MLflow experiment ase-campaigns", highlight=False)


@lab_app.command("add")
def add(
    path: Annotated[Path, typer.Argument(help="The lab's table (created with the template's columns if missing).")],
    material: Annotated[str, typer.Argument(help="Formula as you write it, e.g. (PEA)2FAPb2I7.")],
    threshold: Annotated[float, typer.Option(help="The measured threshold, in --unit.")],
    unit: Annotated[str, typer.Option(help="Unit of --threshold (uJ/cm2, nJ/cm2, mJ/cm2, …).")] = "uJ/cm2",
    dimensionality: Annotated[str, typer.Option(help="Morphology: 3D film, nanocrystal, quasi-2D, 2D, …")] = "3D film",
    spacer: Annotated[str | None, typer.Option(help="Spacer cation: a key of data/ligands.csv or a SMILES.")] = None,
    n_layers: Annotated[int | None, typer.Option(help="n of a layered phase.")] = None,
    strategy: Annotated[str | None, typer.Option(help="Strategy (phase, additive, …); none for a control.")] = None,
    pump_pulse: Annotated[str | None, typer.Option(help="fs, ps or ns.")] = None,
    pump_wavelength_nm: Annotated[float | None, typer.Option(help="Pump wavelength, nm.")] = None,
    temperature_k: Annotated[float | None, typer.Option(help="Temperature, K (default: room temperature).")] = None,
    measurement: Annotated[str, typer.Option(help="ASE or lasing.")] = "ASE",
    reference: Annotated[
        str | None, typer.Option(help="Where it is written down (default: the previous row's reference).")
    ] = None,
    record_id: Annotated[str | None, typer.Option(help="The row's id (default: the table's next one).")] = None,
    note: Annotated[str | None, typer.Option(help="A note for curation_note (today's date is added).")] = None,
) -> None:
    """Append one measured result to the lab's table, validated with the rows already there (line and column on any
    problem); the table is appended to, never rewritten."""
    from asepred.data.lab import add_row

    values = {
        "record_id": record_id,
        "material": material,
        "dimensionality": dimensionality,
        "spacer": spacer,
        "n_layers": n_layers,
        "strategy": strategy,
        "pump_pulse": pump_pulse,
        "pump_wavelength_nm": None if pump_wavelength_nm is None else f"{pump_wavelength_nm:g}",
        "temperature_k": None if temperature_k is None else f"{temperature_k:g}",
        "measurement": measurement,
        "threshold_value": f"{threshold:.12g}",
        "threshold_unit": unit,
        "reference": reference,
        "curation_note": note,
    }
    try:
        row = add_row(path, values)
    except AsepredError as error:
        raise fail(error) from None
    out.print(f"added {row['record_id']} to {path}: {material}, {threshold:g} {unit}", highlight=False)
    if "curation_note" not in row:
        err.print("[yellow]note[/]: the table has no curation_note column, so today's date is not recorded")
