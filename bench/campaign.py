"""Simulated campaigns: does ``asepred suggest`` find a lab's best candidate in fewer experiments than random
selection? (docs/campaigns.md has the figures.)

Three hidden response functions over examples/space.yaml (1,584 candidates, 1,408 distinct experiments: a 2D phase
has no A site) play the lab: each gives the log10 ASE
threshold (µJ cm⁻²) of a candidate from its axes, and every "measurement" adds Gaussian lab noise of ``NOISE``
decades. ``smooth`` is additive and has its optimum inside the space; ``interaction`` couples the Br fraction to n
(thicker phases want more bromide) and the spacer to the pump pulse; ``corner`` has its optimum at an extreme corner
(pure bromide, the thickest phase, the largest Cs share).

Each campaign starts from 4 random experiments and runs ``--batches`` batches of 4, chosen by
- random: 4 candidates not yet measured, uniformly;
- greedy: the lowest predicted threshold (the lab's surrogate, no uncertainty), kept diverse like the others;
- each acquisition of ``asepred.campaigns.acquisition`` (expected improvement ships),
with the product's own code: the champion's featurizer, ``DescriptorMap``, ``LabSurrogate``, the shortlist and
``batch.by_acquisition``. The surrogate sees only the noisy measurements; regret is scored on the hidden,
noise-free values. Printed: the median simple regret after each batch, and the experiments needed to come within
0.1 decades of the best candidate (median over repeats; ``>N`` when fewer than half the repeats got there in N).

    python bench/campaign.py [--repeats 30] [--batches 5] [--store PATH] [--plot docs/campaigns.png]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SPACE = REPO / "examples" / "space.yaml"
NOISE = 0.07
START, BATCH = 4, 4
WITHIN = 0.1


def _axes(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    n = frame["n_layers"].to_numpy(dtype=float)
    layered = ~np.isnan(n)
    # a 2D phase (n = 1) has no A site: its three A-site axis values are the same material
    a = frame["a_site"].astype(str).where(~(layered & (n == 1)), "none")
    return {
        "br": frame["x_br"].to_numpy(dtype=float),
        "n": np.where(layered, n, 0.0),
        "layered": layered.astype(float),
        "pea": (frame["spacer"] == "PEA").to_numpy(dtype=float),
        "ba": (frame["spacer"] == "CCCC[NH3+]").to_numpy(dtype=float),
        "cs": np.where(a.str.contains("Cs"), 0.3, 0.0),
        "fa": a.str.startswith("FA").to_numpy(dtype=float),
        "sn": frame["b_site"].astype(str).str.contains("Sn").to_numpy(dtype=float),
        "ns": (frame["pump_pulse"] == "ns").to_numpy(dtype=float),
        "nc": (frame["dimensionality"] == "nanocrystal").to_numpy(dtype=float),
    }


def smooth(frame: pd.DataFrame) -> np.ndarray:
    """Additive, optimum inside the space: Br fraction 0.7, n = 3, FA, Pb only, fs pumping."""
    x = _axes(frame)
    structure = np.where(x["layered"] > 0, 0.12 * np.abs(x["n"] - 3) + 0.1 * x["ba"], 0.45 + 0.15 * x["nc"])
    return 1.2 + 1.0 * (x["br"] - 0.7) ** 2 + structure - 0.15 * x["fa"] + 0.3 * x["sn"] + 0.35 * x["ns"]


def interaction(frame: pd.DataFrame) -> np.ndarray:
    """The best Br fraction rises with n (0.2 n), thin and thick phases are worse than n = 4, the butylammonium
    spacer suits ns pumping and PEA fs pumping; the Cs share helps."""
    x = _axes(frame)
    ridge = np.where(x["layered"] > 0, 4.0 * (x["br"] - 0.2 * x["n"]) ** 2 + 0.08 * np.abs(x["n"] - 4), 0.6)
    pulse = np.where(x["ba"] > 0, 0.4 * (1 - x["ns"]), 0.0) + np.where(x["pea"] > 0, 0.4 * x["ns"], 0.0)
    pulse += np.where(x["layered"] > 0, 0.0, 0.3 * x["ns"])
    return 1.3 + ridge + pulse + 0.25 * x["sn"] - 0.1 * x["fa"] - 0.4 * x["cs"]


def corner(frame: pd.DataFrame) -> np.ndarray:
    """Lowest at a corner: pure bromide, n = 5, the FA0.7Cs0.3 A site, Pb only, fs pumping."""
    x = _axes(frame)
    n = np.where(x["layered"] > 0, x["n"], 0.0) / 5.0
    return (
        2.2
        - 0.8 * x["br"] ** 3
        - 0.6 * n**3
        - 0.7 * (x["br"] * n) ** 4
        - 0.5 * x["cs"]
        + 0.25 * x["sn"]
        + 0.3 * x["ns"]
    )


FUNCTIONS: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    "smooth": smooth,
    "interaction": interaction,
    "corner": corner,
}


class Pool:
    """The space's candidates as a campaign sees them: coordinates and the hidden values."""

    def __init__(self, predictor: object, function: Callable[[pd.DataFrame], np.ndarray]) -> None:
        from asepred.campaigns.descriptors import DescriptorMap
        from asepred.screening.grid import RECORD_COLUMNS, Grid
        from asepred.screening.space import load_space

        grid = Grid(load_space(SPACE))
        frame = grid.frame(0, len(grid))
        features = predictor.featurizer.transform(frame.loc[:, list(RECORD_COLUMNS)])
        # one experiment per distinct material and conditions: a 2D phase is listed once per A site it does not have
        _, first = np.unique(np.nan_to_num(features, nan=-1e300), axis=0, return_index=True)
        first = np.sort(first)
        frame, features = frame.iloc[first].reset_index(drop=True), features[first]
        self.descriptors = DescriptorMap().fit(features)
        self.Z = self.descriptors.transform(features)
        self.truth = function(frame)
        self.frame = frame

    def __len__(self) -> int:
        return len(self.truth)


def choose(pool: Pool, measured: list[int], y: list[float], strategy: str, rng: np.random.Generator) -> list[int]:
    """The next batch's indices into the pool, chosen as ``asepred suggest`` chooses them."""
    from asepred.campaigns import acquisition, batch
    from asepred.campaigns.suggest import shortlisted
    from asepred.campaigns.surrogate import LabSurrogate

    left = np.setdiff1d(np.arange(len(pool)), measured)
    if strategy == "random":
        return [int(i) for i in rng.choice(left, size=BATCH, replace=False)]
    surrogate = LabSurrogate().fit(pool.Z[measured], np.asarray(y))
    best = float(np.min(surrogate.predict(pool.Z[measured])[0]))
    rule = acquisition.ACQUISITIONS[strategy]
    mean, sd = surrogate.predict(pool.Z[left])
    keep = shortlisted(rule(mean, sd, best), max(256, 64 * BATCH))
    candidates = left[keep]
    picks = batch.by_acquisition(pool.Z[candidates], surrogate, rule, best, BATCH)
    return [int(candidates[p.index]) for p in picks]


def campaign(pool: Pool, strategy: str, seed: int, batches: int) -> np.ndarray:
    """The hidden values of the experiments in the order they were run (START + batches × BATCH)."""
    rng = np.random.default_rng(seed)
    measured = [int(i) for i in rng.choice(len(pool), size=START, replace=False)]
    noise = np.random.default_rng(10_000 + seed)
    y = [float(pool.truth[i] + noise.normal(0, NOISE)) for i in measured]
    for _ in range(batches):
        chosen = choose(pool, measured, y, strategy, rng)
        measured += chosen
        y += [float(pool.truth[i] + noise.normal(0, NOISE)) for i in chosen]
    return pool.truth[measured]


def needed(values: np.ndarray, best: float) -> float:
    """Experiments until one came within WITHIN decades of the best candidate (inf if none did)."""
    hits = np.flatnonzero(values <= best + WITHIN)
    return float(hits[0] + 1) if len(hits) else math.inf


def _median_needed(counts: list[float], horizon: int) -> str:
    value = float(np.median(counts))
    return f">{horizon}" if math.isinf(value) else f"{value:g}"


def lab_rows(frame: pd.DataFrame, log10: np.ndarray, name: str) -> list[dict[str, str]]:
    """Simulated measurements as rows of a lab table (threshold in µJ/cm², reference naming the simulation)."""
    rows = []
    for k, ((_, candidate), value) in enumerate(zip(frame.iterrows(), log10, strict=True), 1):
        n = candidate["n_layers"]
        wavelength = candidate["pump_wavelength_nm"]
        rows.append(
            {
                "record_id": f"sim-{name}-{k:03d}",
                "material": candidate["material"],
                "dimensionality": candidate["dimensionality"],
                "spacer": candidate["spacer"] or "",
                "n_layers": "" if n != n else str(int(n)),
                "strategy": candidate["strategy"] or "",
                "pump_pulse": candidate["pump_pulse"],
                "pump_wavelength_nm": "" if wavelength != wavelength else f"{wavelength:g}",
                "temperature_k": f"{candidate['temperature_k']:g}",
                "measurement": "ASE",
                "threshold_value": f"{10**value:.4g}",
                "threshold_unit": "uJ/cm2",
                "reference": f"simulated lab, hidden function {name} (bench/campaign.py)",
            }
        )
    return rows


def simulated_lab_table(path: Path, name: str = "smooth", size: int = 8, seed: int = 0) -> Path:
    """A lab CSV of ``size`` random candidates of examples/space.yaml measured on hidden function ``name``."""
    import csv

    from asepred.data.record import COLUMNS
    from asepred.screening.grid import Grid
    from asepred.screening.space import load_space

    grid = Grid(load_space(SPACE))
    rng = np.random.default_rng(seed)
    frame = grid.frame_at(np.sort(rng.choice(len(grid), size=size, replace=False)))
    values = FUNCTIONS[name](frame) + rng.normal(0, NOISE, size)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")  # the template's columns
        writer.writeheader()
        writer.writerows(lab_rows(frame, values, name))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=15, help="Batches run to count the experiments needed.")
    parser.add_argument("--strategies", default="random,greedy,expected-improvement,lower-confidence-bound")
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--store", default=None, help="A store with a champion (default: train a throw-away one).")
    parser.add_argument("--plot", type=Path, default=None, help="Write the regret plot here (PNG).")
    args = parser.parse_args()

    from bench.servers import use_store

    use_store(args.store)
    from asepred.core.registry import load_champion

    predictor, champion = load_champion()
    strategies = args.strategies.split(",")
    print(
        f"champion {champion.model} v{champion.version}; space {SPACE.name}; noise {NOISE} decades; "
        f"{args.repeats} repeats; start {START}, batches of {BATCH}; experiments needed counted over "
        f"{START + args.horizon * BATCH}"
    )
    curves: dict[str, dict[str, np.ndarray]] = {}
    for name in args.functions.split(","):
        pool = Pool(predictor, FUNCTIONS[name])
        best = float(pool.truth.min())
        within = int(np.sum(pool.truth <= best + WITHIN))
        expected_random = (len(pool) + 1) / (within + 1)
        print(
            f"\n{name}: {len(pool):,} candidates, {within} within {WITHIN} decades of the best "
            f"(random needs {expected_random:.0f} experiments on average); {pool.descriptors.dimensions} components"
        )
        header = "| strategy | " + " | ".join(f"after {START + b * BATCH}" for b in range(args.batches + 1))
        print(header + " | experiments to within 0.1 | reached in 24 | s/campaign |")
        print("|---" * (args.batches + 5) + "|")
        curves[name] = {}
        for strategy in strategies:
            started = time.perf_counter()
            # random selection costs nothing: it runs until it has measured the whole pool
            horizon = (len(pool) - START) // BATCH if strategy == "random" else args.horizon
            runs = [campaign(pool, strategy, seed, horizon) for seed in range(args.repeats)]
            seconds = (time.perf_counter() - started) / args.repeats
            regret = np.array([[r[: START + b * BATCH].min() - best for b in range(args.horizon + 1)] for r in runs])
            counts = [needed(r, best) for r in runs]
            curves[name][strategy] = np.median(regret, axis=0)[: args.horizon + 1]
            reached = np.mean([c <= START + 5 * BATCH for c in counts])
            cells = " | ".join(f"{v:.3f}" for v in np.median(regret, axis=0)[: args.batches + 1])
            print(
                f"| {strategy} | {cells} | {_median_needed(counts, START + args.horizon * BATCH)} | "
                f"{reached:.0%} | {seconds:.1f} |",
                flush=True,
            )
    if args.plot:
        _plot(curves, args.plot, args.horizon)
        print(f"\nwrote {args.plot}")


def _plot(curves: dict[str, dict[str, np.ndarray]], path: Path, horizon: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 3.4), sharey=True)
    experiments = START + BATCH * np.arange(horizon + 1)
    for ax, (name, by_strategy) in zip(np.atleast_1d(axes), curves.items(), strict=True):
        for strategy, curve in by_strategy.items():
            ax.plot(experiments, curve, marker="o", markersize=3, label=strategy)
        ax.axhline(WITHIN, color="grey", linestyle=":", linewidth=1)
        ax.set_title(name)
        ax.set_xlabel("experiments")
    np.atleast_1d(axes)[0].set_ylabel("median simple regret (decades)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
