"""``asepred screen SPACE.yaml``: rank a candidate space with the champion, on a local or an existing Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from asepred.core.console import err, fail, out
from asepred.core.errors import AsepredError

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.progress import Progress, TaskID

    from asepred.screening.screen import Screening

app = typer.Typer()

REFERENCE_HELP = "Reference sample"


def reference_sample(
    path: Path | None,
    material: str | None,
    threshold: float | None,
    dimensionality: str | None,
    spacer: str | None,
    n_layers: int | None,
    pump_pulse: str | None,
) -> dict[str, object] | None:
    """The reference as the predictor takes it (``parse_reference``: a JSON file, or the options); the other
    ``--reference-*`` options fill what it does not state, a 3D film by default. Errors name ``reference.<field>``."""
    from asepred.data.request import parse_reference

    same_setup = {
        "dimensionality": dimensionality or "3D film",
        "spacer": spacer,
        "n_layers": n_layers,
        "pump_pulse": pump_pulse,
    }
    sample = parse_reference(path, {"material": material, "threshold_uj_cm2": threshold}, same_setup)
    return None if sample is None else {k: v for k, v in sample.items() if v is not None}


def _progress(total: int) -> tuple[Progress, TaskID]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    return progress, progress.add_task("starting Dask workers", total=total)


def _varying(ranked: pa.Table, name: str) -> bool:
    return len(ranked.column(name).unique()) > 1


def _print_top(screening: Screening, top: int, anchored: bool) -> None:
    """The first ``top`` rows as a table; columns for the axes that do not vary over the space are left out."""
    from rich.table import Table

    ranked = screening.ranked
    shown = ranked.slice(0, top).to_pylist()
    table = Table(
        title=(
            f"Top {len(shown)} of {screening.n_predicted:,} candidates, lowest "
            f"{'anchored' if anchored else 'predicted'} threshold first"
        ),
        caption=(
            f"A tie group holds candidates within {screening.resolvable:.2f} decades of its best: closer than the "
            "model resolves (90 % confidence), so the order inside a group means nothing."
        ),
    )
    table.add_column("group", justify="right", no_wrap=True)
    table.add_column("µJ/cm²", justify="right")
    table.add_column("90 % interval", justify="right", no_wrap=True)
    if anchored:
        table.add_column("anchored", justify="right")
    table.add_column("material", no_wrap=True)
    optional = {
        "dimensionality": ("dimensionality", lambda v: v),
        "spacer": ("spacer", lambda v: v or "—"),
        "strategy": ("strategy", lambda v: v or "—"),
        "pump_pulse": ("pulse", lambda v: v),
        "pump_wavelength_nm": ("nm", lambda v: "—" if v != v else f"{v:g}"),
        "temperature_k": ("K", lambda v: f"{v:g}"),
    }
    optional = {k: v for k, v in optional.items() if _varying(ranked, k)}
    for label, _ in optional.values():
        table.add_column(label)
    table.add_column("domain")
    for row in shown:
        cells = [
            f"{row['tie_group']} ×{row['tie_group_size']:,}",
            f"{row['threshold_uj_cm2']:.3g}",
            f"{row['lower_uj_cm2']:.3g}–{row['upper_uj_cm2']:.3g}",
        ]
        if anchored:
            cells.append(f"{row['anchored_threshold_uj_cm2']:.3g}")
        cells.append(row["material"])
        cells += [show(row[name]) for name, (_, show) in optional.items()]
        cells.append("in" if row["in_domain"] else "[yellow]OUT[/]")
        table.add_row(*cells)
    out.print(table)
    if shown and top < ranked.num_rows and ranked.column("tie_group")[top].as_py() == shown[-1]["tie_group"]:
        out.print(f"(tie group {shown[-1]['tie_group']} continues past row {top}: its other members are as good)")


def _print_summary(screening: Screening, parquet: Path, png: Path | None) -> None:
    s = screening
    n_out = s.n_predicted - s.n_in_domain
    rate = s.n_candidates / s.seconds if s.seconds else float("nan")
    err.print(
        f"{s.n_candidates:,} candidates in {s.seconds:.1f} s ({rate:,.0f}/s, {s.n_partitions} partitions): "
        f"{s.n_in_domain:,} in domain, {n_out:,} out of domain (kept, flagged, ranked after), "
        f"{s.failures.count:,} could not be featurized",
        highlight=False,
    )
    for reason, count in s.failures.reasons.most_common(5):
        err.print(f"  {count:,} × {reason} — e.g. {s.failures.examples[reason]}", highlight=False, soft_wrap=True)
    if len(s.failures.reasons) > 5:
        err.print(f"  … and {len(s.failures.reasons) - 5} more reasons", highlight=False)
    if png is not None:
        err.print(f"wrote {parquet} and {png}", highlight=False)


@app.command()
def screen(
    space: Annotated[Path, typer.Argument(help="Candidate space (YAML); see examples/space.yaml.")],
    top: Annotated[int, typer.Option(min=1, help="How many candidates to print.")] = 20,
    output: Annotated[
        Path, typer.Option("--out", help="Ranked Parquet to write; the landscape PNG goes beside it.")
    ] = Path("screening.parquet"),
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler (tcp://HOST:PORT); default a local one.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Local workers (default: one per core).")] = None,
    memory_limit: Annotated[str, typer.Option(help="Memory limit of each local worker.")] = "1.5GiB",
    partition_size: Annotated[int, typer.Option(min=100, help="Candidates per partition (task).")] = 20_000,
    reference: Annotated[
        Path | None, typer.Option(help="JSON file of a sample you measured: record fields + threshold_uj_cm2.")
    ] = None,
    reference_material: Annotated[str | None, typer.Option(help=f"{REFERENCE_HELP}: formula.")] = None,
    reference_threshold: Annotated[
        float | None, typer.Option(help=f"{REFERENCE_HELP}: your measured threshold, µJ/cm².")
    ] = None,
    reference_dimensionality: Annotated[
        str | None, typer.Option(help=f"{REFERENCE_HELP}: dimensionality (default 3D film).")
    ] = None,
    reference_spacer: Annotated[str | None, typer.Option(help=f"{REFERENCE_HELP}: spacer key or SMILES.")] = None,
    reference_n_layers: Annotated[int | None, typer.Option(help=f"{REFERENCE_HELP}: n of a quasi-2D phase.")] = None,
    reference_pump_pulse: Annotated[str | None, typer.Option(help=f"{REFERENCE_HELP}: fs, ps or ns.")] = None,
) -> None:
    """Predict every candidate of a space with the champion and rank them honestly: predicted differences smaller
    than the model resolves are tie groups, out-of-domain candidates come last, unreadable ones are counted."""
    from asepred.core.registry import load_champion
    from asepred.screening import screen as screening
    from asepred.screening.grid import Grid
    from asepred.screening.space import load_space

    try:
        grid = Grid(load_space(space))
        sample = reference_sample(
            reference,
            reference_material,
            reference_threshold,
            reference_dimensionality,
            reference_spacer,
            reference_n_layers,
            reference_pump_pulse,
        )
        predictor, champion = load_champion()
        if predictor.is_constant and sample is None:
            err.print(
                f"[yellow]note[/]: the champion (v{champion.version}, {champion.model}) predicts the same threshold "
                "for every material, so this screening cannot rank anything: every candidate lands in one tie group. "
                "Give a sample you measured (--reference-material and --reference-threshold) to rank on the anchored "
                "value, or train on your lab's own table: `asepred train --data YOUR_TABLE.csv`.",
                soft_wrap=True,
            )
        if sample is not None:
            screening.check_reference(predictor, sample)
        resolvable = predictor.anchored_resolvable_decades() if sample is not None else predictor.resolvable_decades()
        err.print(
            f"{grid.space.name or space.name}: {len(grid):,} candidates; model {champion.model} v{champion.version}; "
            f"{'anchored ' if sample is not None else ''}differences under {resolvable:.2f} decades are ties",
            highlight=False,
        )
        progress, task = _progress(len(grid))
        with progress:
            result = screening.run(
                grid,
                predictor,
                f"{champion.model}/{champion.version}",
                reference=sample,
                scheduler=scheduler,
                workers=workers,
                memory_limit=memory_limit,
                partition_size=partition_size,
                on_partition=lambda n: progress.update(task, advance=n, description="screening"),
            )
    except AsepredError as error:
        raise fail(error) from None
    if result.ranked is None:
        _print_summary(result, output, None)
        raise fail(AsepredError("no candidate of the space could be featurized; see the reasons above", field="space"))
    parquet, png = screening.write(result, output)
    _print_top(result, top, anchored=sample is not None)
    _print_summary(result, parquet, png)
