"""The landscape PNG beside the Parquet: best predicted threshold over halide fraction × structure, one panel per
spacer (bulk candidates in a "no spacer" panel, one row per morphology)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyarrow as pa

from asepred.screening.grid import HALIDES

MAX_PANELS = 12


def varying_halide(frame: pd.DataFrame) -> str:
    """The halide whose fraction varies most over the candidates (the landscape's x axis)."""
    spreads = {h: np.ptp(frame[f"x_{h.lower()}"].to_numpy()) for h in HALIDES}
    return max(spreads, key=lambda h: spreads[h])


def _row_label(frame: pd.DataFrame) -> pd.Series:
    n = frame["n_layers"]
    return np.where(n.isna(), frame["dimensionality"].astype(str), "n = " + n.fillna(0).astype(int).astype(str))


def plot_landscape(table: pa.Table, path: Path, resolvable: float) -> Path:
    """Write the PNG: each cell is the lowest predicted log10 threshold among the candidates of that spacer, row and
    halide fraction (best over A site, B site and conditions); × marks cells with no in-domain candidate."""
    columns = ["spacer", "n_layers", "dimensionality", "log10_threshold", "in_domain"]
    columns += [f"x_{h.lower()}" for h in HALIDES]
    frame = table.select(columns).to_pandas()
    for name in ("spacer", "dimensionality"):
        frame[name] = frame[name].astype(str)
    halide = varying_halide(frame)
    frame["x"] = frame[f"x_{halide.lower()}"].round(4)
    frame["row"] = _row_label(frame)
    spacers = list(dict.fromkeys(frame["spacer"]))[:MAX_PANELS]
    low, high = frame["log10_threshold"].min(), frame["log10_threshold"].max()
    cols = min(3, len(spacers))
    rows = -(-len(spacers) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.8 * cols, 3.6 * rows), squeeze=False, layout="constrained")
    image = None
    for ax, spacer in zip(axes.flat, spacers, strict=False):
        cells = frame[frame["spacer"] == spacer].groupby(["row", "x"], sort=True)
        best = cells["log10_threshold"].min().unstack("x")
        inside = cells["in_domain"].any().unstack("x").reindex_like(best).fillna(False).astype(bool)
        order = sorted(best.index, key=lambda r: (r.startswith("n = "), int(r[4:]) if r.startswith("n = ") else r))
        best, inside = best.loc[order], inside.loc[order]
        image = ax.imshow(best.to_numpy(float), aspect="auto", origin="lower", cmap="viridis", vmin=low, vmax=high)
        for (i, j), ok in np.ndenumerate(inside.to_numpy()):
            if not ok and np.isfinite(best.to_numpy(float)[i, j]):
                ax.text(j, i, "×", ha="center", va="center", color="white", fontsize=9)
        ax.set_xticks(range(len(best.columns)), [f"{x:g}" for x in best.columns], fontsize=7, rotation=90)
        ax.set_yticks(range(len(best.index)), list(best.index), fontsize=8)
        ax.set_xlabel(f"{halide} fraction on the X site", fontsize=8)
        ax.set_title(f"spacer: {spacer}" if spacer else "no spacer (bulk)", fontsize=9)
    for ax in list(axes.flat)[len(spacers) :]:
        ax.axis("off")
    if image is not None:
        bar = fig.colorbar(image, ax=axes, shrink=0.8)
        bar.set_label("best predicted log10 threshold (µJ cm⁻²), lower is better")
    fig.suptitle(
        f"Predicted ASE threshold landscape (× = out of domain; differences < {resolvable:.2f} decades are ties)",
        fontsize=10,
    )
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
