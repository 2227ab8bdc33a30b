"""A candidate space as a scientist writes it (YAML), checked completely before any work starts.

Every axis is a short list; the space is their product (``asepred.screening.grid``). A malformed file raises
``SpaceError`` naming the key (``halides.1.step``) and the problem, so ``asepred screen`` fails on one line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from asepred.core.errors import AsepredError
from asepred.data.record import (
    BULK,
    LAYERED,
    PULSED,
    PUMP_WAVELENGTH_RANGE_NM,
    ROOM_TEMPERATURE_K,
    STRATEGIES,
    TEMPERATURE_RANGE_K,
    X_IONS,
)
from asepred.features.formula import INORGANIC_IONS, molecular_cations

FRACTION_TOLERANCE = 1e-6
MAX_N_LAYERS = 20

Bulk = Literal[BULK]  # type: ignore[valid-type]
Halide = Literal[X_IONS]  # type: ignore[valid-type]
Pulse = Literal[PULSED]  # type: ignore[valid-type]
_NM, _K = PUMP_WAVELENGTH_RANGE_NM, TEMPERATURE_RANGE_K
Strategy = Literal[STRATEGIES]  # type: ignore[valid-type]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class SpaceError(AsepredError):
    """A candidate-space file that cannot be read or does not describe a space."""


def ions_on(site: str) -> tuple[str, ...]:
    """Symbols a mix may name on ``site``: inorganic ions of that site, plus the molecular cations on A."""
    inorganic = tuple(symbol for symbol, ion in INORGANIC_IONS.items() if ion.site == site)
    return inorganic + (tuple(molecular_cations()) if site == "A" else ())


def _check_mix(mix: dict[str, float], site: str) -> dict[str, float]:
    """Ions of ``site`` with fractions in (0, 1] summing to 1."""
    if not mix:
        raise ValueError("a mix names at least one ion, e.g. {Cs: 1.0}")
    known = ions_on(site)
    for ion, fraction in mix.items():
        if ion not in known:
            raise ValueError(f"{ion!r} is not an ion of the {site} site; one of {', '.join(known)}")
        if not (math.isfinite(fraction) and 0.0 < fraction <= 1.0):
            raise ValueError(f"fraction of {ion} must be in (0, 1], got {fraction}")
    if abs(sum(mix.values()) - 1.0) > FRACTION_TOLERANCE:
        raise ValueError(f"fractions must sum to 1, got {sum(mix.values()):g} for {mix}")
    return mix


class HalideRange(BaseModel):
    """Two halides mixed in steps: the fraction of the first runs from ``start`` to ``stop`` by ``step``."""

    model_config = ConfigDict(extra="forbid")

    mix: tuple[Halide, Halide]
    step: Annotated[float, Field(gt=0.0, le=1.0)]
    start: Fraction = 0.0
    stop: Fraction = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> HalideRange:
        if self.mix[0] == self.mix[1]:
            raise ValueError(f"mix names {self.mix[0]} twice; name two different halides")
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) is below start ({self.start})")
        return self

    def mixes(self) -> list[dict[str, float]]:
        count = math.floor((self.stop - self.start) / self.step + FRACTION_TOLERANCE) + 1
        first, second = self.mix
        out = []
        for i in range(count):
            f = round(self.start + i * self.step, 6)
            out.append({ion: v for ion, v in ((first, f), (second, round(1.0 - f, 6))) if v > 0})
        return out


AMix = Annotated[dict[str, float], AfterValidator(lambda m: _check_mix(m, "A"))]
BMix = Annotated[dict[str, float], AfterValidator(lambda m: _check_mix(m, "B"))]
XMix = Annotated[dict[str, float], AfterValidator(lambda m: _check_mix(m, "X"))]
_TAGS = ("halide-range", "halide-mix")


def _halide_kind(entry: object) -> str:
    return _TAGS[0] if isinstance(entry, dict) and ("mix" in entry or "step" in entry) else _TAGS[1]


HalideEntry = Annotated[
    Annotated[HalideRange, Tag(_TAGS[0])] | Annotated[XMix, Tag(_TAGS[1])], Discriminator(_halide_kind)
]


class Pump(BaseModel):
    """Pump conditions; each list is an axis of the space."""

    model_config = ConfigDict(extra="forbid")

    pulse: list[Pulse] = Field(default=["fs"], min_length=1)
    wavelength_nm: list[Annotated[float, Field(ge=_NM[0], le=_NM[1])] | None] = Field(default=[None], min_length=1)
    temperature_k: list[Annotated[float, Field(ge=_K[0], le=_K[1])]] = Field(default=[ROOM_TEMPERATURE_K], min_length=1)


class Space(BaseModel):
    """The candidate space: A-site mixes × B sites × halide mixes × structures × strategies × pump conditions.

    A structure is either bulk (no spacer: ``ABX3`` in each of ``dimensionalities``) or layered (a spacer and an n:
    ``L2A(n-1)BnX(3n+1)``, Dion–Jacobson ``LA(n-1)BnX(3n+1)`` for a diammonium; 2D when n = 1, else quasi-2D).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    a_site: list[AMix] = Field(min_length=1)
    b_site: list[BMix] = Field(default=[{"Pb": 1.0}], min_length=1)
    halides: list[HalideEntry] = Field(min_length=1)
    spacers: list[str | None] = Field(default=[None], min_length=1)
    n_layers: list[Annotated[int, Field(ge=1, le=MAX_N_LAYERS)]] = Field(default=[])
    dimensionalities: list[Bulk] = Field(default=["3D film"], min_length=1)
    strategies: list[Strategy | None] = Field(default=[None], min_length=1)
    pump: Pump = Field(default_factory=Pump)

    @field_validator("spacers")
    @classmethod
    def _spacers(cls, spacers: list[str | None]) -> list[str | None]:
        cleaned = [None if s is None or s.strip().lower() in ("", "none") else s.strip() for s in spacers]
        if len(set(cleaned)) < len(cleaned):
            raise ValueError("a spacer is listed twice")
        return cleaned

    @field_validator("dimensionalities", mode="before")
    @classmethod
    def _bulk_only(cls, values: object) -> object:
        for value in values if isinstance(values, list) else []:
            if value in LAYERED:
                raise ValueError(
                    f"{value} candidates come from spacers and n_layers (2D when n = 1, else quasi-2D); "
                    f"list only bulk morphologies here: {', '.join(BULK)}"
                )
        return values

    @model_validator(mode="after")
    def _layers(self) -> Space:
        layered = [s for s in self.spacers if s is not None]
        if layered and not self.n_layers:
            raise ValueError(f"n_layers: list the n values of the layered candidates (spacers {', '.join(layered)})")
        if self.n_layers and not layered:
            raise ValueError("n_layers: applies to layered candidates only; list a spacer under spacers")
        return self

    def halide_mixes(self) -> list[dict[str, float]]:
        out: list[dict[str, float]] = []
        for entry in self.halides:
            for mix in entry.mixes() if isinstance(entry, HalideRange) else [entry]:
                if mix not in out:
                    out.append(mix)
        return out


def _where(loc: tuple[int | str, ...]) -> str:
    # pydantic puts the branch of a tagged union in the location: not the user's key
    return ".".join(str(p) for p in loc if p not in _TAGS) or "space"


def parse_space(document: object, source: str = "space") -> Space:
    """A ``Space`` from parsed YAML; ``SpaceError`` naming the first offending key."""
    if not isinstance(document, dict):
        raise SpaceError(f"{source}: the file must hold a mapping of keys (a_site, halides, …)", field="space")
    try:
        return Space.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt key also makes the right one "missing": name the misspelling
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        message, where = first["msg"].removeprefix("Value error, "), _where(first["loc"])
        if first["type"] == "extra_forbidden":
            message = f"unknown key; expected one of {', '.join(_expected(first['loc']))}"
        elif where == "space" and ": " in message:  # a check across keys names its key first
            where, message = message.split(": ", 1)
        raise SpaceError(f"{message} ({source})", field=where, value=first.get("input")) from None


def _expected(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] = Pump if loc and loc[0] == "pump" else Space
    if _TAGS[0] in loc:
        model = HalideRange
    return list(model.model_fields)


def load_space(path: str | Path) -> Space:
    """Read and check a space file; any problem is a ``SpaceError`` before any work starts."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpaceError(f"cannot read {path}: {exc.strerror}", field="space", value=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpaceError(f"{path} is not valid YAML{where}", field="space", value=str(path)) from None
    return parse_space(document, str(path))
