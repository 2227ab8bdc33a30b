"""Explanations: each record's prediction as a base value plus per-descriptor contributions, in decades.

Exact, never approximated: TreeSHAP for tree ensembles (XGBoost's and LightGBM's own implementations, shap's for
scikit-learn's histogram boosting), the terms ``coef × standardised value`` for a linear model, the cell offset for
the cell-mean baseline. A constant model has no contributions; its note points at the evidence instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline

from asepred.models.baselines import CellMeanRegressor

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor

_SITES = {"a": "A", "b": "B", "x": "X"}
_ION_NAMES = {"ma": "MA", "fa": "FA", "ea": "EA", "ga": "GA", "cs": "Cs", "rb": "Rb", "k": "K", "pb": "Pb"}
_NAMES = {
    "site__a_other": "other cations on the A site",
    "site__a_empty": "no A-site cation (n = 1 layered)",
    "site__b_other": "other metals on the B site",
    "site__spacer_per_b": "spacer cations per B",
    "site__n_layers": "layer number n",
    "site__core_shell": "core/shell or composite",
    "struct__r_a": "A-site radius (Å)",
    "struct__r_b": "B-site radius (Å)",
    "struct__r_x": "X-site radius (Å)",
    "struct__goldschmidt_t": "Goldschmidt tolerance factor t",
    "struct__octahedral_mu": "octahedral factor μ",
    "struct__bartel_tau": "Bartel tolerance factor τ",
    "ligand__present": "a spacer ligand",
    "ligand__heavy_atoms": "spacer heavy atoms",
    "ligand__longest_chain": "spacer chain length (atoms)",
    "ligand__aromatic_rings": "spacer aromatic rings",
    "ligand__mol_logp": "spacer logP (hydrophobicity)",
    "ligand__tpsa": "spacer polar surface area (Å²)",
    "ligand__rotatable_bonds": "spacer rotatable bonds",
    "ligand__ammonium_count": "spacer ammonium groups",
    "ligand__mol_wt": "spacer molecular weight",
    "optics__bulk_gap_ev": "band gap of the bulk phase (eV)",
    "optics__pump_excess_ev": "pump photon energy above the gap (eV)",
    "optics__excitation_excess_ev": "excitation energy above the gap (eV)",
    "proc__strategy_control": "no engineering strategy (a control sample)",
    "proc__pulse_unknown": "pump regime not stated",
    "proc__pump_wavelength_nm": "pump wavelength (nm)",
    "proc__temperature_k": "temperature (K)",
    "proc__pump_photons": "photons per excitation",
}


def readable(label: str) -> str:
    """A feature label for people: ``site__x_br`` → "Br fraction on the X site"."""
    if label in _NAMES:
        return _NAMES[label]
    family, _, name = label.partition("__")
    if family == "site" and name[:2] in ("a_", "b_", "x_"):
        ion = _ION_NAMES.get(name[2:], name[2:].capitalize())
        return f"{ion} fraction on the {_SITES[name[0]]} site"
    for prefix, what in (("dim_", "dimensionality"), ("strategy_", "strategy"), ("pulse_", "pump regime")):
        if family == "proc" and name.startswith(prefix):
            value = name.removeprefix(prefix).replace("_", " ").replace("quasi2d", "quasi-2D")
            return f"{what}: {value}"
    return name.replace("_", " ")


def _tree_contributions(regressor: RegressorMixin, X: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(base, contributions)`` from a tree ensemble's exact TreeSHAP, or None for other models."""
    kind = type(regressor).__name__
    if kind == "XGBRegressor":
        import xgboost

        raw = regressor.get_booster().predict(xgboost.DMatrix(X), pred_contribs=True).astype(float)
        return raw[:, -1], raw[:, :-1]
    if kind == "LGBMRegressor":
        raw = np.asarray(regressor.predict(X, pred_contrib=True), dtype=float)
        return raw[:, -1], raw[:, :-1]
    if kind == "HistGradientBoostingRegressor":
        import shap

        explainer = shap.TreeExplainer(regressor)
        values = np.asarray(explainer.shap_values(X, check_additivity=False), dtype=float)
        return np.full(len(X), float(np.ravel(explainer.expected_value)[0])), values
    return None


def contributions(regressor: RegressorMixin, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, str]:
    """``(base, contributions or None, method)`` per row of the feature matrix ``X``."""
    transform = None
    if isinstance(regressor, Pipeline):
        transform, regressor = regressor[:-1], regressor[-1]
    Z = transform.transform(X) if transform is not None else X
    if isinstance(regressor, DummyRegressor):
        return np.full(len(X), float(np.ravel(regressor.constant_)[0])), None, "constant"
    tree = _tree_contributions(regressor, Z)
    if tree is not None:
        if transform is not None and Z.shape[1] != X.shape[1]:
            return tree[0], None, "tree"  # a transform that changes columns cannot be mapped back
        return tree[0], tree[1], "exact TreeSHAP"
    if isinstance(regressor, Ridge):
        # Z is standardised in the pipeline, so the training mean of each term is 0 and the base is the intercept.
        terms = np.asarray(Z, dtype=float) * regressor.coef_[None, :]
        return np.full(len(X), float(regressor.intercept_)), terms, "exact linear terms"
    if isinstance(regressor, CellMeanRegressor):
        predicted = regressor.predict(Z)
        base = np.full(len(X), regressor.global_mean_)
        return base, None if np.allclose(predicted, base) else (predicted - base)[:, None], "cell offset"
    raise TypeError(f"no exact explanation for {type(regressor).__name__}")


def explain(predictor: ThresholdPredictor, records: pd.DataFrame | Sequence[dict]) -> list[dict]:
    """Per record: ``{base_log10, log10_threshold, contributions: [{feature, value, contribution}], note}``."""
    X = predictor.featurizer.transform(records)
    regressor = predictor.regressor
    names = [str(n) for n in predictor.featurizer.get_feature_names_out()]
    base, terms, method = contributions(regressor, X)
    if terms is not None and terms.shape[1] == 1 and method == "cell offset":
        names, X = ["dimensionality × pump regime (cell mean)"], np.full((len(X), 1), np.nan)
    answers = []
    for r in range(len(X)):
        if terms is None:
            answers.append(
                {
                    "base_log10": float(base[r]),
                    "log10_threshold": float(base[r]),
                    "contributions": [],
                    "note": (
                        f"The served model ({predictor.model_name or 'a baseline'}) gives every material the same "
                        "number: on the published record no model beats the median across labs (docs/accuracy.md). "
                        "Nothing about this material moved it. Read the evidence: the nearest published records, "
                        "their thresholds and what differs — or anchor to your own reference sample."
                    ),
                }
            )
            continue
        order = np.argsort(-np.abs(terms[r]), kind="stable")
        answers.append(
            {
                "base_log10": float(base[r]),
                "log10_threshold": float(base[r] + terms[r].sum()),
                "contributions": [
                    {
                        "feature": readable(names[j]) if method != "cell offset" else names[j],
                        "value": None if np.isnan(X[r, j]) else float(X[r, j]),
                        "contribution": float(terms[r, j]),
                    }
                    for j in order
                    if terms[r, j] != 0.0
                ],
                "note": (
                    f"Contributions in decades of µJ cm⁻² ({method} of the {predictor.model_name or 'served'} "
                    "model): positive raises the predicted threshold. They explain the model, which learned from "
                    "tens of publications; they are not a physical mechanism."
                ),
            }
        )
    return answers
