"""``asepred featurize``: the descriptors of one material, as a table or JSON."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from asepred.core.console import fail, out
from asepred.core.errors import AsepredError
from asepred.data.schema import DIMENSIONALITIES

app = typer.Typer()


#: Keys of the JSON object that echo the input rather than name a descriptor.
INPUT_KEYS = ("material", "dimensionality", "spacer", "spacer_smiles")


def json_keys(labels: list[str], reserved: tuple[str, ...] = INPUT_KEYS) -> list[str]:
    """Labels without their ``family__`` prefix; a name two families share, or one in ``reserved``, keeps its
    prefix (as ``family_name``), so that every key stays unique."""
    short = [label.split("__", 1)[-1] for label in labels]
    clashes = {name for name in short if short.count(name) > 1 or name in reserved}
    return [label.replace("__", "_") if name in clashes else name for label, name in zip(labels, short, strict=True)]


def _number(value: float) -> float | None:
    """JSON has no NaN or infinity: both become null."""
    return value if math.isfinite(value) else None


def describe(
    material: str,
    spacer: str = "",
    n_layers: int | None = None,
    dimensionality: str = "3D film",
    pump_wavelength_nm: float | None = None,
) -> tuple[list[str], dict[str, object]]:
    """Feature labels and the JSON object of one material: the inputs, the canonical spacer SMILES and every
    descriptor (prefix stripped). Raises the featurizer's ``AsepredError`` for input it cannot use."""
    record = {
        "material": material,
        "dimensionality": dimensionality,
        "spacer": spacer,
        "n_layers": n_layers,
        "pump_wavelength_nm": pump_wavelength_nm,
    }
    # scikit-learn and RDKit load here, not on every command's start-up path (`asepred serve` starts faster)
    from asepred.features.featurizer import RecordFeaturizer
    from asepred.features.ligand import canonical_cation, record_spacer

    featurizer = RecordFeaturizer().fit([record])
    labels = list(featurizer.get_feature_names_out())
    row = featurizer.transform([record])[0]
    spacer = record_spacer(spacer, material)  # a spacer written in the formula counts as given
    result: dict[str, object] = {
        "material": material,
        "dimensionality": dimensionality,
        "spacer": spacer or None,
        "spacer_smiles": canonical_cation(spacer) if spacer else None,
    }
    for key, value in zip(json_keys(labels), row, strict=True):
        result[key] = _number(float(value))
    return labels, result


def _shown(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.4g}"


@app.command()
def featurize(
    material: Annotated[
        str, typer.Argument(help="Formula as the literature writes it, e.g. CsPbBr3, PEA2(FA0.7Cs0.3)2Pb3Br10.")
    ],
    spacer: Annotated[
        str,
        typer.Option(help="Spacer/ligand cation: a key of data/ligands.csv (PEA, BA, OA, …) or a cation SMILES."),
    ] = "",
    n_layers: Annotated[
        int | None,
        typer.Option("--n-layers", min=1, help="Nominal n of a layered phase (default: the n the formula implies)."),
    ] = None,
    dimensionality: Annotated[
        str, typer.Option(help=f"Sample form, one of: {', '.join(DIMENSIONALITIES)}.")
    ] = "3D film",
    pump_wavelength: Annotated[
        float | None,
        typer.Option("--pump-wavelength", help="Pump wavelength in nm (for optics__*)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (descriptor name → value, NaN as null).")
    ] = False,
) -> None:
    """Compute every descriptor of one material: site fractions, ionic radii (Å) and tolerance factors, spacer
    ligand, optical proxies, processing encodings."""
    try:
        labels, result = describe(material, spacer, n_layers, dimensionality, pump_wavelength)
    except AsepredError as error:
        raise fail(error) from None
    if as_json:
        typer.echo(json.dumps(result, allow_nan=False))
        return
    table = Table(title=f"descriptors of {escape(material)}")
    table.add_column("descriptor")
    table.add_column("value", justify="right")
    for label, key in zip(labels, json_keys(labels), strict=True):
        value = result[key]
        table.add_row(label, _shown(math.nan if value is None else float(value)))
    out.print(table)
    if result["spacer"]:
        out.print(
            f"spacer {escape(str(result['spacer']))} → cation SMILES {escape(str(result['spacer_smiles']))}",
            highlight=False,
        )
