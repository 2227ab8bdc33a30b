"""The lab's surrogate: a Gaussian process over the descriptor coordinates, fitted on the lab's own measurements.

scikit-learn's ``GaussianProcessRegressor`` with a Matérn-5/2 kernel (one length scale per coordinate) times a
constant, plus a white-noise term that learns the lab's repeatability. The target is log10 of the threshold
(µJ cm⁻²), normalised. A GP is the model made for this (ten to a hundred measurements, a posterior variance that
means something); ../shared/STACK.md measured it on a space of this size, and bench/campaign.py compares it with
greedy and random selection. No literature value enters the fit: across labs the published record resolves nothing
(the champion is a constant median), so the only honest prior mean is the lab's own mean.

Leave-one-out scores come in closed form from the fitted kernel (Rasmussen & Williams 2006, §5.4.2): the kernel's
hyper-parameters are not refitted per fold, which flatters the scores a little on very small tables.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

NAME = "gaussian-process"
DESCRIPTION = "Gaussian process (Matérn 5/2, a length scale per descriptor component, plus lab noise)"
#: Fewest measurements the surrogate is fitted on; below it a campaign suggests a space-filling batch.
MIN_MEASUREMENTS = 4
#: z of a two-sided 90 % interval.
Z90 = float(norm.ppf(0.95))


@dataclass(frozen=True)
class LeaveOneOut:
    mae: float  # decades
    coverage_90: float  # share of measurements inside their own 90 % leave-one-out interval


class LabSurrogate:
    """``fit(Z, y)`` on the lab's coordinates and log10 thresholds; ``predict`` gives the latent mean and its
    standard deviation, and the noise of one measurement."""

    def __init__(self, random_state: int = 0, restarts: int = 2) -> None:
        self.random_state = random_state
        self.restarts = restarts

    def _kernel(self, dimensions: int) -> object:
        return ConstantKernel(1.0, (1e-2, 1e2)) * Matern(
            length_scale=np.ones(dimensions), length_scale_bounds=(5e-2, 5e1), nu=2.5
        ) + WhiteKernel(1e-2, (1e-4, 1.0))

    def fit(self, Z: np.ndarray, y: np.ndarray) -> LabSurrogate:
        Z, y = np.asarray(Z, float), np.asarray(y, float)
        gp = GaussianProcessRegressor(
            self._kernel(Z.shape[1]),
            normalize_y=True,
            n_restarts_optimizer=self.restarts,
            random_state=self.random_state,
        )
        with warnings.catch_warnings():  # a length scale at its bound is a finding, not a fault
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.gp_ = gp.fit(Z, y)
        self.Z_, self.y_ = Z, y
        return self

    def believing(self, z: np.ndarray, value: float) -> LabSurrogate:
        """This surrogate as if ``value`` had been measured at ``z`` (the kriging believer): same kernel, refitted."""
        other = LabSurrogate(self.random_state, self.restarts)
        gp = GaussianProcessRegressor(self.gp_.kernel_, normalize_y=True, optimizer=None)
        other.Z_, other.y_ = np.vstack([self.Z_, z[None, :]]), np.append(self.y_, value)
        other.gp_ = gp.fit(other.Z_, other.y_)
        return other

    @property
    def noise_sd(self) -> float:
        """One measurement's noise, decades (the white-noise term, in the target's units)."""
        return float(np.sqrt(self.gp_.kernel_.k2.noise_level) * self.gp_._y_train_std)

    def predict(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latent mean and standard deviation (the noise of one measurement taken out), decades."""
        mean, sd = self.gp_.predict(np.asarray(Z, float), return_std=True)
        latent = np.sqrt(np.maximum(sd**2 - self.noise_sd**2, 1e-12))
        return mean, latent

    def interval_90(self, mean: np.ndarray, latent_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """90 % interval of what one measurement would read, log10 µJ cm⁻²."""
        half = Z90 * np.sqrt(latent_sd**2 + self.noise_sd**2)
        return mean - half, mean + half

    def leave_one_out(self) -> LeaveOneOut:
        """Closed-form leave-one-out predictions of each measurement (fixed hyper-parameters)."""
        gp = self.gp_
        K = gp.kernel_(self.Z_) + gp.alpha * np.eye(len(self.Z_))
        scale, offset = gp._y_train_std, gp._y_train_mean
        y = (self.y_ - offset) / scale
        inverse = np.linalg.inv(K)
        diagonal = np.diag(inverse)
        mean = (y - inverse @ y / diagonal) * scale + offset
        sd = np.sqrt(1.0 / diagonal) * scale
        error = np.abs(mean - self.y_)
        return LeaveOneOut(float(error.mean()), float(np.mean(error <= Z90 * sd)))
