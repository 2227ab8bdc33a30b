"""Read a metal-halide perovskite formula, as the literature writes it, into site compositions.

Grammar (whitespace only around ``/`` and at the ends)::

    material := phase ("/" phase)*        emitter first: "FAPbBr3/CsPbBr3" (core/shell, composite)
    phase    := item+
    item     := (token | "(" item+ ")" | "[" item+ "]") count?
    count    := 12 | 1.5 | .5              decimal subscripts; Unicode subscript digits accepted

Tokens are matched longest first among:

- inorganic ions (:data:`INORGANIC_IONS`): A = Cs, Rb, K, Na; B = Pb, Sn, Ge and common dopant
  metals; X = Cl, Br, I;
- molecular cage cations of ``data/molecular_cations.csv`` (MA, FA, EA, GA, DMA) and their
  written-out aliases (``CH3NH3`` → MA, ``HC(NH2)2`` → FA, …);
- spacer keys of ``data/ligands.csv`` (read through :func:`asepred.data.tables.ligands`);
- the caller's ``spacer_token``: the name a request gave a spacer it supplied as SMILES
  (``L2PbI4`` with ``spacer_token="L"``).

A layered phase's spacer is Ruddlesden–Popper (one ammonium group: two spacers per slab) or
Dion–Jacobson (two ammonium groups: one spacer per slab). Ammonium groups are counted in the
spacer's SMILES; a spacer without one (a ``spacer_token``, or a SMILES of the neutral amine) takes
its charge from the charge balance of the phase.

Every failure is a :class:`~asepred.core.errors.FormulaParseError` naming the offending token and
its 0-based character position, with ``field="material"`` and ``value`` the input string.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Literal

from asepred.core.errors import FormulaParseError
from asepred.data import tables

Site = Literal["A", "B", "X"]

FIELD = "material"
MAX_SUBSCRIPT = 1.0e4  # far above any real subscript; the bound keeps every count finite
MAX_COUNT = 1.0e6


@dataclass(frozen=True)
class InorganicIon:
    """An inorganic ion token: site, oxidation state, pymatgen spin label of its Shannon radius."""

    symbol: str
    site: Site
    charge: int
    spin: str = ""


def _ions(site: Site, charge: int, symbols: str, spin: str = "") -> dict[str, InorganicIon]:
    return {s: InorganicIon(s, site, charge, spin) for s in symbols.split()}


# Oxidation states are the usual ones of these ions in halide perovskites; lanthanide dopants are
# taken as 3+. Mn2+, Fe2+ and Co2+ have high- and low-spin Shannon radii: high spin applies in
# halide octahedra (weak-field ligands).
INORGANIC_IONS: Mapping[str, InorganicIon] = MappingProxyType(
    {
        **_ions("A", 1, "Cs Rb K Na"),
        **_ions("B", 2, "Pb Sn Ge Zn Cd Ni Cu Sr Ca Ba Mg"),
        **_ions("B", 2, "Mn Fe Co", spin="High Spin"),
        **_ions("B", 3, "Bi Sb In Al Y La Ce Nd Sm Eu Tb Er Yb"),
        **_ions("B", 1, "Ag"),
        **_ions("X", -1, "Cl Br I"),
    }
)


@dataclass(frozen=True)
class MolecularCation:
    """A molecular A-site (cage) cation of ``data/molecular_cations.csv``."""

    key: str
    name: str
    aliases: tuple[str, ...]
    smiles: str
    radius_angstrom: float
    source: str


class FrozenMap(Mapping[str, float]):
    """A read-only, hashable and picklable mapping (``MappingProxyType`` pickles not)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, float] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> float:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenMap], tuple[dict[str, float]]]:
        return FrozenMap, (self._data,)


@dataclass(frozen=True)
class Phase:
    """One perovskite phase of a material: site compositions per formula unit.

    ``counts`` holds each token's count as written (aliases mapped to their key). ``a_site`` (cage
    cations only), ``b_site`` and ``x_site`` are fractions summing to 1; ``a_site`` is empty for an
    n = 1 layered phase. ``n_layers`` is the number of inorganic layers per slab of a layered
    phase: its B count once the formula is normalised to two spacers (Ruddlesden–Popper) or one
    (Dion–Jacobson), rounded to an integer; ``None`` without a spacer.
    """

    counts: Mapping[str, float]
    a_site: Mapping[str, float]
    b_site: Mapping[str, float]
    x_site: Mapping[str, float]
    spacer: str | None
    spacer_count: float
    n_layers: int | None
    net_charge: float = 0.0
    halide_count: float = 0.0

    @property
    def charge_balanced(self) -> bool:
        """Net charge within ``CHARGE_TOLERANCE`` per halide."""
        return abs(self.net_charge) <= CHARGE_TOLERANCE * self.halide_count


@dataclass(frozen=True)
class Material:
    """A parsed material string; ``phases`` lists the emitter first."""

    text: str
    phases: tuple[Phase, ...]

    @property
    def emitter(self) -> Phase:
        """The light-emitting phase, written first (the core of ``FAPbBr3/CsPbBr3``)."""
        return self.phases[0]


# --- reference tables -----------------------------------------------------------------------


@cache
def molecular_cations() -> Mapping[str, MolecularCation]:
    """Molecular cage cations by key, read once from the bundled ``molecular_cations.csv``."""
    path = resources.files("asepred.data").joinpath("molecular_cations.csv")
    table = {}
    for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
        aliases = tuple(a for a in row["aliases"].split("|") if a)
        radius = float(row["radius_angstrom"])
        table[row["key"]] = MolecularCation(row["key"], row["name"], aliases, row["smiles"], radius, row["source"])
    return MappingProxyType(table)


def molecular_cation_key(token: str) -> str | None:
    """Key of the molecular cation written ``token`` (key or alias, e.g. ``CH3NH3``), or None."""
    for key, cation in molecular_cations().items():
        if token == key or token in cation.aliases:
            return key
    return None


_BRACKET_ATOM = re.compile(r"\[([^\]]*)\]")
_CHARGE = re.compile(r"(\++|-+|[+-]\d+)$")


def ammonium_count(smiles: str) -> int:
    """Positively charged nitrogen atoms (ammonium, iminium, pyridinium …) in a cation SMILES.

    1 for a Ruddlesden–Popper spacer (``[NH3+]CCc1ccccc1``), 2 for a Dion–Jacobson diammonium
    (``[NH3+]CCCC[NH3+]``), 0 for a neutral SMILES.
    """
    count = 0
    for atom in _BRACKET_ATOM.findall(smiles):
        atom = atom.lstrip("0123456789").split(":")[0]  # isotope prefix, atom-class suffix
        is_nitrogen = atom[:1] in ("N", "n") and not atom[1:2].islower()  # not Na, Nb, Ni …
        charge = _CHARGE.search(atom)
        if is_nitrogen and charge and charge.group().startswith("+"):
            count += 1
    return count


@cache
def _ligand_charges() -> Mapping[str, int]:
    table = tables.ligands()
    pairs = zip(table["key"], table["smiles"], strict=True)
    return MappingProxyType({str(k): ammonium_count(str(s)) for k, s in pairs if k})


def spacer_charges() -> Mapping[str, int]:
    """Spacer key → ammonium groups per cation (0 for a neutral SMILES), from ``ligands.csv``."""
    return _ligand_charges()


# --- tokens ---------------------------------------------------------------------------------

_Kind = Literal["A", "B", "X", "spacer"]


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    key_of: Mapping[str, str]  # written form -> token key
    kind_of: Mapping[str, _Kind]  # token key -> site or "spacer"


@lru_cache(maxsize=256)  # keyed by request-given spacer tokens too, so bounded
def _lexicon(spacer_keys: tuple[str, ...], spacer_token: str | None) -> _Lexicon:
    key_of: dict[str, str] = {}
    kind_of: dict[str, _Kind] = {}
    # Later entries win: ligand keys < inorganic ions < molecular cations < spacer_token.
    for key in spacer_keys:
        key_of[key], kind_of[key] = key, "spacer"
    for symbol, ion in INORGANIC_IONS.items():
        key_of[symbol], kind_of[symbol] = symbol, ion.site
    for key, cation in molecular_cations().items():
        for written in (key, *cation.aliases):
            key_of[written] = key
        kind_of[key] = "A"
    if spacer_token:
        key_of[spacer_token], kind_of[spacer_token] = spacer_token, "spacer"
    alternatives = sorted(key_of, key=lambda s: (-len(s), s))  # longest first: longest match
    pattern = re.compile("|".join(re.escape(s) for s in alternatives))
    return _Lexicon(pattern, MappingProxyType(key_of), MappingProxyType(kind_of))


# --- parsing --------------------------------------------------------------------------------

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_WORD = re.compile(r"[A-Z]+[a-z]*|[a-z]+|[0-9.]+|.", re.DOTALL)
_CLOSER = {"(": ")", "[": "]"}


def _show(text: str, limit: int = 60) -> str:
    """``repr`` of ``text``, shortened so that messages about huge inputs stay readable."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _fail(text: str, message: str) -> FormulaParseError:
    return FormulaParseError(f"{message} in {_show(text)}", field=FIELD, value=text)


def _token_at(text: str, pos: int, end: int) -> str:
    """The unreadable token at ``pos``: an upper-case run and its lower-case tail, or one char."""
    match = _WORD.match(text, pos, end)
    return match.group() if match else text[pos:end]


def _read_count(text: str, pos: int, end: int) -> tuple[float, int]:
    """The subscript starting at ``pos`` (1 if there is none) and the position after it."""
    match = _NUMBER.match(text, pos, end)
    if match is None:
        return 1.0, pos
    value = float(match.group())
    if not 0.0 < value <= MAX_SUBSCRIPT:
        bounds = f"must be > 0 and <= {MAX_SUBSCRIPT:g}"
        raise _fail(text, f"subscript {_show(match.group())} at position {pos} {bounds}")
    return value, match.end()


def _add(into: dict[str, float], key: str, count: float) -> None:
    into[key] = into.get(key, 0.0) + count


def _close_group(text: str, pos: int, end: int, groups: list[dict[str, float]], openers: list[tuple[str, int]]) -> int:
    """Fold the group closed by ``text[pos]`` into its parent, times its subscript."""
    char = text[pos]
    if not openers:
        raise _fail(text, f"unmatched {char!r} at position {pos}")
    opener, opened_at = openers.pop()
    if _CLOSER[opener] != char:
        raise _fail(text, f"{char!r} at position {pos} does not close {opener!r} at {opened_at}")
    group = groups.pop()
    if not group:
        raise _fail(text, f"empty brackets {opener}{char} at position {opened_at}")
    count, after = _read_count(text, pos + 1, end)
    for key, value in group.items():
        _add(groups[-1], key, value * count)
    return after


def _unreadable(text: str, pos: int, end: int) -> FormulaParseError:
    char, token = text[pos], _show(_token_at(text, pos, end))
    if char.isdigit() or char == ".":
        return _fail(text, f"subscript {token} at position {pos} does not follow a token or ')'")
    if char.isspace():
        return _fail(text, f"unexpected whitespace at position {pos}")
    known = f"ions such as Cs, Pb, Br; cations {', '.join(molecular_cations())}; ligands.csv keys"
    return _fail(text, f"unknown token {token} at position {pos} (known: {known})")


def _parse_counts(text: str, start: int, end: int, lexicon: _Lexicon) -> dict[str, float]:
    """Token counts of the phase ``text[start:end]``; brackets use a stack, not recursion."""
    groups: list[dict[str, float]] = [{}]
    openers: list[tuple[str, int]] = []
    pos = start
    while pos < end:
        match = lexicon.pattern.match(text, pos, end)
        if match:  # tried first: aliases such as HC(NH2)2 hold brackets and digits
            count, pos = _read_count(text, match.end(), end)
            _add(groups[-1], lexicon.key_of[match.group()], count)
        elif text[pos] in _CLOSER:
            groups.append({})
            openers.append((text[pos], pos))
            pos += 1
        elif text[pos] in ")]":
            pos = _close_group(text, pos, end, groups, openers)
        else:
            raise _unreadable(text, pos, end)
    if openers:
        opener, opened_at = openers[-1]
        raise _fail(text, f"unclosed {opener!r} at position {opened_at}")
    counts = groups[0]
    for key, value in counts.items():
        if not (math.isfinite(value) and 0.0 < value <= MAX_COUNT):
            where = f"in the phase at position {start}"
            raise _fail(text, f"count of {_show(key)} {where} is out of range ({value!r})")
    return counts


def _fractions(counts: Mapping[str, float]) -> FrozenMap:
    total = math.fsum(counts.values())
    return FrozenMap({key: value / total for key, value in counts.items()})


def _balanced_spacer_charge(
    cage: Mapping[str, float],
    metals: Mapping[str, float],
    halides: Mapping[str, float],
    spacers: float,
) -> int:
    """Charge per spacer cation that balances the phase: 1 (RP) or 2 (DJ), the nearer."""
    metal_charge = math.fsum(n * INORGANIC_IONS[b].charge for b, n in metals.items())
    positive = math.fsum(cage.values()) + metal_charge
    per_spacer = (math.fsum(halides.values()) - positive) / spacers
    return 2 if per_spacer >= 1.5 else 1


#: A phase passes when its net charge is within this fraction of its halide count (dopants and mixed sites written
#: to a few decimals, e.g. ``CsPb0.97Bi0.03Br3`` at +0.01 per halide); ``Pb3Br`` (+5) or ``CsPb2Br3`` (+2/3 per
#: halide) do not.
CHARGE_TOLERANCE = 0.05


def _net_charge(
    spacers: Mapping[str, float],
    charges: Mapping[str, int],
    cage: Mapping[str, float],
    metals: Mapping[str, float],
    halides: Mapping[str, float],
) -> float:
    """Cations minus halides per formula unit; a spacer of unknown charge takes the one that balances best."""
    positive = math.fsum(cage.values()) + math.fsum(n * INORGANIC_IONS[b].charge for b, n in metals.items())
    if spacers:
        balanced = _balanced_spacer_charge(cage, metals, halides, math.fsum(spacers.values()))
        positive += math.fsum(n * (charges.get(k, 0) or balanced) for k, n in spacers.items())
    return positive - math.fsum(halides.values())


def _n_layers(
    spacers: Mapping[str, float],
    charges: Mapping[str, int],
    cage: Mapping[str, float],
    metals: Mapping[str, float],
    halides: Mapping[str, float],
) -> int:
    """B count per slab, a slab holding two mono-ammonium (RP) or one di-ammonium (DJ) spacers."""
    balanced = _balanced_spacer_charge(cage, metals, halides, math.fsum(spacers.values()))
    slabs = 0.0
    for key, count in spacers.items():
        groups = charges.get(key, 0) or balanced
        slabs += count / (1.0 if groups >= 2 else 2.0)
    return max(1, round(math.fsum(metals.values()) / slabs))


def _build_phase(text: str, start: int, end: int, lexicon: _Lexicon) -> Phase:
    counts = _parse_counts(text, start, end, lexicon)
    by_kind: dict[str, dict[str, float]] = {"A": {}, "B": {}, "X": {}, "spacer": {}}
    for key, count in counts.items():
        by_kind[lexicon.kind_of[key]][key] = count
    shown = f"phase {_show(text[start:end])} at position {start}"
    if not by_kind["B"]:
        raise _fail(text, f"{shown} has no B-site metal (Pb, Sn, Ge, …)")
    if not by_kind["X"]:
        raise _fail(text, f"{shown} has no X-site halide (Cl, Br, I)")
    cage, metals, halides, spacers = by_kind["A"], by_kind["B"], by_kind["X"], by_kind["spacer"]
    n_layers = None
    if spacers:
        n_layers = _n_layers(spacers, spacer_charges(), cage, metals, halides)
    return Phase(
        counts=FrozenMap(counts),
        a_site=_fractions(cage) if cage else FrozenMap(),
        b_site=_fractions(metals),
        x_site=_fractions(halides),
        spacer=max(spacers, key=spacers.__getitem__) if spacers else None,
        spacer_count=math.fsum(spacers.values()),
        n_layers=n_layers,
        net_charge=_net_charge(spacers, spacer_charges(), cage, metals, halides),
        halide_count=math.fsum(halides.values()),
    )


def _phase_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each ``/``-separated phase, surrounding whitespace excluded."""
    if not text.strip():
        raise _fail(text, "empty material string")
    spans, start = [], 0
    for end in [*(i for i, c in enumerate(text) if c == "/"), len(text)]:
        left, right = start, end
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        if left == right:
            raise _fail(text, f"empty phase at position {start}")
        spans.append((left, right))
        start = end + 1
    return spans


def _check_types(text: object, spacer_token: object) -> None:
    if not isinstance(text, str):
        kind = type(text).__name__
        raise FormulaParseError(f"material must be a string, got {kind}", field=FIELD, value=text)
    if spacer_token is not None and not isinstance(spacer_token, str):
        kind = type(spacer_token).__name__
        message = f"spacer_token must be a string, got {kind}"
        raise FormulaParseError(message, field="spacer", value=spacer_token)


def parse_material(text: str, spacer_token: str | None = None) -> Material:
    """Parse a material string such as ``PEA2(FA0.7Cs0.3)2Pb3Br10`` or ``FAPbBr3/CsPbBr3``.

    ``spacer_token`` is the formula's name for a spacer the request gave as SMILES (``"L"`` in
    ``L2PbI4``); that token then counts as the spacer. Raises :class:`FormulaParseError`
    (``field="material"``) for anything but a readable formula: unknown tokens, unbalanced
    brackets, a phase without B or X site, an empty string. Charge balance is a separate check
    (:func:`require_charge_balance`): parsing reads what is written.
    """
    _check_types(text, spacer_token)
    normalised = text.translate(_SUBSCRIPTS)  # one char for one: positions stay those of `text`
    token = spacer_token.strip() if spacer_token else None
    lexicon = _lexicon(tuple(sorted(spacer_charges())), token or None)
    try:
        phases = tuple(_build_phase(normalised, s, e, lexicon) for s, e in _phase_spans(normalised))
    except FormulaParseError as error:
        if normalised == text:
            raise
        message = str(error.args[0]).replace(_show(normalised), _show(text))
        raise FormulaParseError(message, field=FIELD, value=text) from None
    return Material(text=text, phases=phases)


def require_charge_balance(material: Material) -> Material:
    """``material`` if every phase balances within ``CHARGE_TOLERANCE``; else a ``FormulaParseError`` with the
    charge sum (``Pb3Br``: +5)."""
    for phase in material.phases:
        if not phase.charge_balanced:
            raise FormulaParseError(
                f"{_show(material.text)} is not charge-balanced: its charge sum is {phase.net_charge:+.3g} per "
                f"formula unit (cations minus halides; tolerated: ±{CHARGE_TOLERANCE:g} per halide)",
                field=FIELD,
                value=material.text,
            )
    return material
