"""Leaderboard rows and the per-candidate artifacts (parity plot, residuals by dimensionality and pump regime)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import numpy as np
import pandas as pd

from asepred.models.candidates import Candidate
from asepred.models.pair_candidates import PairCandidate
from asepred.training.cv import CVResult
from asepred.training.pairs import Pairs


def leaderboard_row(
    candidate: Candidate | PairCandidate, result: CVResult, run_id: str, mode: str = "absolute"
) -> dict[str, object]:
    """One leaderboard row; ``mode`` is ``absolute`` (a threshold) or ``anchored`` (a ratio to a reference)."""
    m, ci = result.metrics, result.intervals
    return {
        "mode": mode,
        "model": candidate.name,
        "is_baseline": candidate.is_baseline,
        "cv_mae": m["mae"],
        "cv_mae_ci": [ci["mae"][0], ci["mae"][1]],
        "cv_rmse": m["rmse"],
        "cv_spearman": m["spearman"],
        "cv_r2": m["r2"],
        "coverage_90": m["coverage_90"],
        **({"sign_agreement": m["sign_agreement"], "competes": candidate.competes} if mode == "anchored" else {}),
        "run_id": run_id,
    }


def residual_table(frame: pd.DataFrame, y: np.ndarray, result: CVResult) -> pd.DataFrame:
    """Mean out-of-fold prediction per record with its residual and the groups a scientist slices by."""
    pred = result.oof.mean(axis=0)
    return pd.DataFrame(
        {
            "record_id": frame.get("record_id", pd.Series(range(len(y)))).to_numpy(),
            "material": frame["material"].to_numpy(),
            "dimensionality": frame["dimensionality"].to_numpy(),
            "pump_pulse": frame["pump_pulse"].replace("", "not stated").to_numpy(),
            "log10_measured": y,
            "log10_predicted": pred,
            "residual": y - pred,
        }
    )


def pair_table(frame: pd.DataFrame, y: np.ndarray, pairs: Pairs, result: CVResult) -> pd.DataFrame:
    """Each within-set-up pair with its measured and mean out-of-fold predicted log10(record / reference)."""
    ids = frame.get("record_id", pd.Series(range(len(y)))).to_numpy()
    dy = pairs.log_ratio(y)
    pred = np.nanmean(result.oof, axis=0)
    return pd.DataFrame(
        {
            "set_up": pairs.group,
            "reference_id": ids[pairs.first],
            "record_id": ids[pairs.second],
            "reference_material": frame["material"].to_numpy()[pairs.first],
            "material": frame["material"].to_numpy()[pairs.second],
            "log10_ratio_measured": dy,
            "log10_ratio_predicted": pred,
            "residual": dy - pred,
        }
    )


def log_cv_artifacts(frame: pd.DataFrame, y: np.ndarray, result: CVResult) -> None:
    table = residual_table(frame, y, result)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table.to_csv(folder / "oof_predictions.csv", index=False)
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.scatter(table["log10_measured"], table["log10_predicted"], s=18, alpha=0.8)
        low, high = float(np.min(y)) - 0.5, float(np.max(y)) + 0.5
        ax.plot([low, high], [low, high], color="grey", lw=1)
        ax.set(xlabel="measured log10 threshold (µJ cm⁻²)", ylabel="predicted (leave-publication-out)", title="Parity")
        fig.tight_layout()
        fig.savefig(folder / "parity.png", dpi=110)
        plt.close(fig)
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
        for ax, column in zip(axes, ("dimensionality", "pump_pulse"), strict=True):
            groups = sorted(table[column].unique())
            ax.boxplot([table.loc[table[column] == g, "residual"] for g in groups], tick_labels=groups)
            ax.axhline(0, color="grey", lw=1)
            ax.set(title=f"residual by {column}", ylabel="measured − predicted (decades)")
            ax.tick_params(axis="x", rotation=30)
        fig.tight_layout()
        fig.savefig(folder / "residuals.png", dpi=110)
        plt.close(fig)
        mlflow.log_artifacts(str(folder), artifact_path="cv")
