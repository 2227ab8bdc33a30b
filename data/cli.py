"""``asepred data …``: validate, build, stats and template for curated tables.

NumPy, pandas and the table code load inside the commands that read a table, so that ``asepred --help`` does not
wait for them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from asepred.core.console import fail, out
from asepred.core.errors import AsepredError
from asepred.data.record import COLUMNS

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(help="Curated threshold tables: validate, build, stats, template.", no_args_is_help=True)

CURATION_DIR = Path(__file__).parent / "curation"
RECORDS_PATH = Path(__file__).parent / "records.csv"
CARD_PATH = Path(__file__).parent / "README.md"
CARD_BEGIN, CARD_END = "<!-- stats:begin (asepred data build writes this block) -->", "<!-- stats:end -->"


@app.command()
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="A table to check (default: the bundled data/records.csv).")
    ] = None,
    lab: Annotated[bool, typer.Option("--lab", help="Check PATH as a lab's own table (provenance relaxed).")] = False,
) -> None:
    """Check a table's schema and values; list every problem with its line and column, exit 1 if any."""
    from asepred.data.records import bundled_records, check, read_table

    try:
        table = bundled_records() if path is None else check(read_table(path), str(path), curated=not lab)
    except AsepredError as error:
        raise fail(error) from None
    out.print(f"[green]ok[/]: {len(table)} records valid")


@app.command("build")
def build_command(
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the merged table.")] = RECORDS_PATH,
) -> None:
    """Merge data/curation/*.csv into data/records.csv, computing threshold_uj_cm2 by code (curators only)."""
    from asepred.data.records import build, bundled_records

    sources = [p for p in CURATION_DIR.glob("*.csv") if not p.name.endswith("_ligands.csv")]
    try:
        table = build(sources, out_path)
    except AsepredError as error:
        raise fail(error) from None
    out.print(f"wrote {len(table)} records from {len(sources)} source tables to {out_path}")
    if out_path == RECORDS_PATH:
        write_card_counts(counts(bundled_records()))
        out.print(f"refreshed the counts in {CARD_PATH}")


def composition_family(material: str) -> str:
    """``A-B-X`` family of the emitting phase, e.g. ``Cs-Pb-Br``, ``mixed-Pb-I``, ``MA-Sn-I``, ``none-Pb-I``."""
    from asepred.features.sites import parsed

    phase = parsed(material).emitter

    def site(fractions: dict) -> str:
        keys = [k for k, v in fractions.items() if v > 0]
        return keys[0] if len(keys) == 1 else ("none" if not keys else "mixed")

    return "-".join(site(dict(f)) for f in (phase.a_site, phase.b_site, phase.x_site))


def counts(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """The data card's counts, computed from the table itself (``asepred data stats``)."""
    import numpy as np

    from asepred.data.records import publication_groups, target_records

    target = target_records(table)

    def tally(values: pd.Series) -> dict[str, int]:
        return {str(k): int(v) for k, v in values.replace("", "(not stated)").value_counts().sort_index().items()}

    log10 = np.log10(target["threshold_uj_cm2"].astype(float))
    edges = np.arange(np.floor(log10.min()), np.ceil(log10.max()) + 1) if len(log10) else np.array([0.0, 1.0])
    histogram, _ = np.histogram(log10, bins=edges)
    return {
        "totals": {
            "records": len(table),
            "publications": len(set(publication_groups(table))),
            "training_records": len(target),
            "training_publications": len(set(publication_groups(target))),
        },
        "measurement": tally(table["measurement"]),
        "source": tally(table["source"]),
        **{
            f"training_{column}": tally(target[column]) for column in ("dimensionality", "spacer", "pump_pulse", "year")
        },
        "training_composition": tally(target["material"].map(composition_family)),
        "training_threshold_uj_cm2": {
            f"{10**low:g}–{10 ** (low + 1):g}": int(n) for low, n in zip(edges[:-1], histogram, strict=True)
        },
    }


def as_markdown(result: dict[str, dict[str, int]]) -> str:
    """The counts as Markdown tables (the block between the stats markers of data/README.md)."""
    lines = []
    for name, values in result.items():
        lines += [f"**{name}**", "", "| value | count |", "|---|---|"]
        width = max(values.values(), default=1) or 1
        bar = name == "training_threshold_uj_cm2"
        lines += [f"| {k} | {v}{' ' + '█' * round(20 * v / width) if bar else ''} |" for k, v in values.items()]
        lines.append("")
    return "\n".join(lines)


def card_counts() -> str:
    """The counts block of the data card as it stands in data/README.md."""
    text = CARD_PATH.read_text()
    return text[text.index(CARD_BEGIN) + len(CARD_BEGIN) : text.index(CARD_END)].strip()


def write_card_counts(result: dict[str, dict[str, int]]) -> None:
    text = CARD_PATH.read_text()
    head, rest = text.split(CARD_BEGIN, 1)
    tail = rest.split(CARD_END, 1)[1]
    CARD_PATH.write_text(f"{head}{CARD_BEGIN}\n{as_markdown(result)}\n{CARD_END}{tail}")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown tables (for data/README.md).")] = False,
) -> None:
    """Counts of the bundled table and the histogram of training thresholds (the data card's numbers).

    "training_*" counts are over the default target: pulsed, one-photon ASE records with a µJ cm⁻² value and no
    exclusion."""
    from asepred.data.records import bundled_records

    try:
        table = bundled_records()
    except AsepredError as error:
        raise fail(error) from None
    result = counts(table)
    if as_json:
        out.print_json(data=result)
        return
    if markdown:
        print(as_markdown(result))
        return
    for name, values in result.items():
        grid = Table(title=name, show_header=False)
        for key, value in values.items():
            grid.add_row(str(key), str(value))
        out.print(grid)


#: The template's commented example row, by column (every other column empty).
TEMPLATE_EXAMPLE = {
    "record_id": "lab-001",
    "material": "CsPbBr3",
    "dimensionality": "3D film",
    "pump_pulse": "fs",
    "pump_wavelength_nm": "400",
    "pump_photons": "1",
    "temperature_k": "295",
    "measurement": "ASE",
    "threshold_value": "12.5",
    "threshold_unit": "uJ/cm2",
    "year": "2026",
    "reference": "Our lab notebook 12 p. 34",
    "source": "lab",
    "source_locator": "run 2026-03-02",
    "exclude_reason": "",
    "curation_note": "spin-coated on quartz",
}


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="Where to write the empty table.")] = Path("my_records.csv"),
) -> None:
    """Write an empty CSV with the record columns and one commented example row."""
    if path.exists():
        raise fail(AsepredError(f"{path} exists; choose another path", field="path"))
    example = ",".join(TEMPLATE_EXAMPLE.get(column, "") for column in COLUMNS)
    path.write_text(",".join(COLUMNS) + "\n# " + example + "\n", encoding="utf-8")
    out.print(f"wrote {path}: fill one row per measured threshold, then `asepred train --data {path}`")
