"""One exception type per failure kind, each carrying the offending value and where it came from, as declared data.

Where an error points is three fields, set where they are known and never guessed later: ``field`` (the record field,
``material``), ``row`` (the record's index in its batch) and ``location`` (the part of a request or command it sits
in: ``records``, ``reference``, ``space``). ``where()`` is the one formatter of that place (``records[3].material``,
``reference.threshold_uj_cm2``): the service's 4xx, the CLI's one-line errors and screening's bisection all read it.
A table's problems are ``Problem`` entries (CSV line, column, message).

The CLI prints them on one line and exits non-zero; the service maps them to HTTP 4xx naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self


class AsepredError(Exception):
    """Base of every error the product raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        row: int | None = None,
        location: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.row = row
        self.location = location

    def at(self, *, row: int | None = None, location: str | None = None) -> Self:
        """This error, placed: in batch row ``row`` and/or within ``location``. A location already known is kept (an
        error about the reference stays there when the request around it adds ``records``)."""
        if row is not None:
            self.row = row
        if location is not None and self.location is None:
            self.location = location
        return self

    def renumbered(self, rows: Sequence[int]) -> Self:
        """The row mapped through ``rows`` (row ``i`` of a de-duplicated batch → the first record in the batch that
        holds it)."""
        if self.row is not None:
            self.row = int(rows[self.row])
        return self

    def where(self) -> str:
        """The place, as a request path: ``records[3].material``, ``reference.material``, ``material``, or "". The
        row shows only within a location: a batch's row numbers mean something to the one who sent the batch."""
        place = self.location or ""
        if place and self.row is not None:
            place = f"{place}[{self.row}]"
        if self.field:
            place = f"{place}.{self.field}" if place else self.field
        return place

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class FormulaParseError(AsepredError):
    """A material string could not be read as a perovskite formula."""


class UnknownSpeciesError(AsepredError):
    """A species (ion, molecular cation, spacer key) is not in our tables."""


class InvalidSmilesError(AsepredError):
    """A SMILES string that RDKit cannot parse."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a table: its CSV line (header = line 1), column and what to fix."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"line {self.line}" if self.line else "", self.column or "") if p)
        return f"{where}: {self.message}" if where else self.message


class DataValidationError(AsepredError):
    """A curated or user table failed validation; ``problems`` lists each (line, column, message)."""

    def __init__(self, message: str, problems: Iterable[Problem | tuple[int | None, str | None, str]] = ()) -> None:
        super().__init__(message)
        self.problems = [p if isinstance(p, Problem) else Problem(*p) for p in problems]


class InvalidRecordError(AsepredError):
    """A prediction record has a field with a value we cannot use."""


class NoChampionError(AsepredError):
    """No model version carries the ``champion`` alias in the registry."""


class StoreError(AsepredError):
    """The MLflow store cannot be read or written (damaged, read-only), or the champion's artifacts cannot load."""
