"""``asepred predict``: the service's answer for one material without a server, read as a person reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from asepred.core.console import err, fail, out
from asepred.core.errors import AsepredError

app = typer.Typer()

REFERENCE = "reference (your own measured sample)"


def _evidence_table(evidence: list) -> Table:
    table = Table(title="Published evidence: the nearest curated records", title_justify="left")
    table.add_column("µJ/cm²", justify="right")
    table.add_column("material")
    table.add_column("what differs")
    table.add_column("year", justify="right")
    links = [e.link or "" for e in evidence]
    table.add_column("link", no_wrap=True, min_width=max(map(len, links), default=4))  # a cut link is no link
    for e in evidence:
        threshold = "—" if e.threshold_uj_cm2 is None else f"{e.threshold_uj_cm2:.3g}"
        material = escape(f"{e.material} ({e.dimensionality})" + (" [lab]" if e.source == "lab" else ""))
        differs = escape("; ".join(e.differs)) or "[green]nothing[/]"
        table.add_row(threshold, material, differs, str(e.year or ""), escape(e.link or ""))
    return table


def _paired_table(paired: object) -> Table:
    table = Table(title="Published control → treated comparisons", title_justify="left")
    table.add_column("control → treated")
    table.add_column("ratio", justify="right")
    links = [c.link or "" for c in paired.comparisons]
    table.add_column("link", no_wrap=True, min_width=max(map(len, links), default=4))
    for c in paired.comparisons:
        table.add_row(escape(f"{c.control_material} → {c.treated_material}"), f"×{c.ratio:.2f}", escape(c.link or ""))
    return table


def _contribution_table(explanation: object, limit: int = 10) -> Table:
    table = Table(title=f"Why: the largest contributions (base {explanation.base_log10:.2f})", title_justify="left")
    table.add_column("descriptor")
    table.add_column("value", justify="right")
    table.add_column("decades", justify="right")
    for c in explanation.contributions[:limit]:
        value = "—" if c.value is None else f"{c.value:.3g}"
        table.add_row(escape(c.feature), value, f"{c.contribution:+.3f}")
    return table


@app.command()
def predict(
    material: Annotated[str, typer.Argument(help="Formula as the literature writes it, e.g. CsPbBr3.")],
    dimensionality: Annotated[
        str, typer.Option(help="nanocrystal, nanoplatelet, quasi-2D, 2D, 3D film, single crystal or microstructure.")
    ] = "3D film",
    spacer: Annotated[
        str | None, typer.Option(help="Spacer: a key of data/ligands.csv or a SMILES (a spacer in the formula counts).")
    ] = None,
    n_layers: Annotated[int | None, typer.Option(help="Nominal n of a quasi-2D phase (inorganic layers).")] = None,
    strategy: Annotated[str | None, typer.Option(help="Engineering strategy (empty: a control sample).")] = None,
    pump_pulse: Annotated[str, typer.Option(help="fs, ps or ns.")] = "fs",
    pump_wavelength_nm: Annotated[float | None, typer.Option(help="Pump wavelength, nm.")] = None,
    temperature_k: Annotated[float, typer.Option(help="Measurement temperature, K.")] = 295.0,
    evidence: Annotated[int, typer.Option(help="How many nearest published records to show (0–20).")] = 5,
    explain: Annotated[bool, typer.Option("--explain", help="Also show why: contributions in decades.")] = False,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="A JSON file with your reference sample and its threshold.")
    ] = None,
    reference_material: Annotated[
        str | None, typer.Option(help="Your reference sample's formula (with --reference-threshold).")
    ] = None,
    reference_threshold: Annotated[
        float | None, typer.Option(help="Its ASE threshold measured on your set-up, µJ/cm².")
    ] = None,
    reference_dimensionality: Annotated[
        str | None, typer.Option(help="Its dimensionality (default: the record's).")
    ] = None,
    reference_spacer: Annotated[str | None, typer.Option(help="Its spacer, if not in its formula.")] = None,
    reference_n_layers: Annotated[int | None, typer.Option(help="Its nominal n.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the service's JSON answer (with --explain: both answers).")
    ] = False,
) -> None:
    """Predict one material with the champion model, locally (no server): the answer POST /predict gives, with the
    published evidence it rests on; with a reference sample, the answer anchored to your own measurement."""
    from asepred.core.registry import load_champion
    from asepred.data.request import parse_reference, validated
    from asepred.serving import answers
    from asepred.serving.schemas import MAX_EVIDENCE, PredictionRecord, ReferenceSample

    fields = {
        "material": material,
        "dimensionality": dimensionality,
        "spacer": spacer,
        "n_layers": n_layers,
        "strategy": strategy,
        "pump_pulse": pump_pulse,
        "pump_wavelength_nm": pump_wavelength_nm,
        "temperature_k": temperature_k,
    }
    # The reference was measured on the same set-up: its pump conditions are the record's unless it says otherwise.
    same_setup = {
        "dimensionality": reference_dimensionality or dimensionality,
        "spacer": reference_spacer,
        "n_layers": reference_n_layers,
        "pump_pulse": pump_pulse,
        "pump_wavelength_nm": pump_wavelength_nm,
        "temperature_k": temperature_k,
    }
    try:
        if not 0 <= evidence <= MAX_EVIDENCE:
            raise AsepredError(f"must be between 0 and {MAX_EVIDENCE}, got {evidence}", field="--evidence")
        record = validated(PredictionRecord, fields)
        given = {"material": reference_material, "threshold_uj_cm2": reference_threshold}
        ref_fields = parse_reference(reference, given, same_setup)
        ref = ReferenceSample(**ref_fields) if ref_fields is not None else None
        predictor, current = load_champion()
        response = answers.predict(predictor, current, [record], ref, evidence)
        why = answers.explain(predictor, current, [record]) if explain else None
    except AsepredError as error:
        raise fail(error) from None
    if as_json:
        body = response.model_dump() if why is None else {"predict": response.model_dump(), "explain": why.model_dump()}
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return
    p = response.predictions[0]
    low, high = p.interval_uj_cm2
    err.print(f"{response.model.name} v{response.model.version}", highlight=False)
    domain = "[green]in domain[/]" if p.in_domain else "[bold red]OUT OF DOMAIN[/] (extrapolation)"
    out.print(
        f"[bold]{escape(material)}[/] ({dimensionality}): [bold]{p.threshold_uj_cm2:g} µJ/cm²[/] "
        f"(90 % interval {low:g}–{high:g}), {domain}",
        highlight=False,
    )
    if p.anchored is not None:
        a = p.anchored
        out.print(
            f"anchored to your reference ({escape(ref.material)}, {ref.threshold_uj_cm2:g} µJ/cm²): "
            f"[bold]{a.threshold_uj_cm2:g} µJ/cm²[/] (ratio {a.ratio:g}; 90 % interval "
            f"{a.interval_uj_cm2[0]:g}–{a.interval_uj_cm2[1]:g})",
            highlight=False,
        )
    for warning in p.warnings:
        out.print(f"  [yellow]warning[/]: {escape(warning)}", highlight=False)
    if p.evidence:
        out.print(_evidence_table(p.evidence))
    if p.paired_evidence is not None:
        out.print(f"Published pairs: {escape(p.paired_evidence.summary)}", highlight=False, soft_wrap=True)
        if p.paired_evidence.comparisons:
            out.print(_paired_table(p.paired_evidence))
    if why is not None:
        explanation = why.explanations[0]
        if explanation.contributions:
            out.print(_contribution_table(explanation))
        out.print(escape(explanation.note), highlight=False)
