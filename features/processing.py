"""Processing and pump encodings: dimensionality, engineering strategy, pump regime, wavelength, temperature."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from asepred.core.errors import InvalidRecordError
from asepred.data.record import DIMENSIONALITIES, PUMP_PULSES, ROOM_TEMPERATURE_K, STRATEGIES
from asepred.features.base import Descriptor


def _slug(value: str) -> str:
    return value.lower().replace("-", "").replace(" ", "_")


class ProcessingDescriptor(Descriptor):
    """One-hot dimensionality, strategy (``control`` when empty) and pulse regime (``unknown`` when not stated);
    pump wavelength (NaN when not stated); temperature (room temperature, 295 K, when not stated); photons per
    excitation (1 when not stated).

    Wavelength and temperature differ from record to record, so ``featurize_frame`` works on whole columns instead
    of calling ``featurize`` per distinct record; both give the same numbers.
    """

    fields = ("dimensionality", "strategy", "pump_pulse", "pump_wavelength_nm", "temperature_k", "pump_photons")

    def feature_labels(self) -> list[str]:
        return (
            [f"proc__dim_{_slug(d)}" for d in DIMENSIONALITIES]
            + [f"proc__strategy_{s}" for s in (*STRATEGIES, "control")]
            + [f"proc__pulse_{p}" for p in (*PUMP_PULSES, "unknown")]
            + ["proc__pump_wavelength_nm", "proc__temperature_k", "proc__pump_photons"]
        )

    def featurize(
        self,
        dimensionality: str,
        strategy: str,
        pump_pulse: str,
        pump_wavelength_nm: float | None,
        temperature_k: float | None,
        pump_photons: float | None,
    ) -> list[float]:
        _check(dimensionality, strategy, pump_pulse)
        return (
            [float(d == dimensionality) for d in DIMENSIONALITIES]
            + [float(s == (strategy or "control")) for s in (*STRATEGIES, "control")]
            + [float(p == (pump_pulse or "unknown")) for p in (*PUMP_PULSES, "unknown")]
            + [
                math.nan if pump_wavelength_nm is None else float(pump_wavelength_nm),
                ROOM_TEMPERATURE_K if temperature_k is None else float(temperature_k),
                1.0 if pump_photons is None else float(pump_photons),
            ]
        )

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        dimensionality, strategy, pulse = (frame[f].to_numpy(dtype=object) for f in self.fields[:3])
        valid = (
            np.isin(dimensionality, DIMENSIONALITIES)
            & np.isin(strategy, ("", *STRATEGIES))
            & np.isin(pulse, ("", *PUMP_PULSES))
        )
        if not valid.all():
            row = int(np.flatnonzero(~valid)[0])
            try:
                _check(dimensionality[row], strategy[row], pulse[row])
            except InvalidRecordError as error:
                raise error.at(row=row) from None
        strategy = np.where(strategy == "", "control", strategy)
        pulse = np.where(pulse == "", "unknown", pulse)
        return np.column_stack(
            [dimensionality == d for d in DIMENSIONALITIES]
            + [strategy == s for s in (*STRATEGIES, "control")]
            + [pulse == p for p in (*PUMP_PULSES, "unknown")]
            + [
                frame["pump_wavelength_nm"].to_numpy(dtype="float64"),
                frame["temperature_k"].fillna(ROOM_TEMPERATURE_K).to_numpy(dtype="float64"),
                frame["pump_photons"].fillna(1.0).to_numpy(dtype="float64"),
            ]
        ).astype("float64")


def _check(dimensionality: str, strategy: str, pump_pulse: str) -> None:
    """``InvalidRecordError`` for the first field not in its vocabulary (empty strategy and pulse are allowed)."""
    if dimensionality not in DIMENSIONALITIES:
        raise InvalidRecordError(
            f"{dimensionality!r} is not one of {', '.join(DIMENSIONALITIES)}",
            field="dimensionality",
            value=dimensionality,
        )
    if strategy and strategy not in STRATEGIES:
        raise InvalidRecordError(
            f"{strategy!r} is not one of {', '.join(STRATEGIES)} (or empty)", field="strategy", value=strategy
        )
    if pump_pulse and pump_pulse not in PUMP_PULSES:
        raise InvalidRecordError(
            f"{pump_pulse!r} is not one of {', '.join(PUMP_PULSES)} (or empty)",
            field="pump_pulse",
            value=pump_pulse,
        )
