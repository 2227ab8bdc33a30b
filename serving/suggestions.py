"""``POST /suggest``: the answer of ``asepred suggest``, for a space sent as JSON and the lab's rows.

The space is the YAML of ``asepred screen`` as a JSON object (the page sends the bundled example's, or an uploaded
YAML as text, which is parsed here with ``yaml.safe_load``); the lab's rows are checked exactly as the CSV is, every
problem named ``lab_records[i].column``. Each answer is a run of the MLflow experiment ``ase-campaigns``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asepred.core.errors import AsepredError, DataValidationError

#: Largest space the service scores per request; larger ones run with ``asepred suggest --scheduler``.
MAX_CANDIDATES = 200_000
MAX_LAB_RECORDS = 5_000


def space_document(space: Mapping[str, Any] | str) -> dict[str, Any]:
    """The space as parsed YAML: a JSON object as sent, or YAML text read safely."""
    if isinstance(space, str):
        import yaml

        try:
            space = yaml.safe_load(space)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise AsepredError(f"is not valid YAML{where}", field="space") from None
    if not isinstance(space, dict):
        raise AsepredError("must be an object of the space's keys (a_site, halides, …)", field="space")
    return space


def lab_problem_message(error: DataValidationError) -> str:
    """One line naming every problem of the lab's rows (the first ten)."""
    shown = "; ".join(f"{p.column}: {p.message}" if p.column else p.message for p in error.problems[:10])
    more = f"; … and {len(error.problems) - 10} more" if len(error.problems) > 10 else ""
    return f"{error.message}: {shown}{more}" if shown else error.message


def answer(
    predictor: object,
    champion: object,
    space: Mapping[str, Any] | str,
    lab_records: Sequence[Mapping[str, Any]],
    batch: int,
) -> object:
    """The ``SuggestResponse`` (logged to MLflow, its ``run_id`` set); ``AsepredError`` naming the field."""
    from asepred.campaigns.lab import lab_table_from_rows
    from asepred.campaigns.suggest import suggest
    from asepred.campaigns.tracking import log_suggestion
    from asepred.screening.grid import Grid
    from asepred.screening.space import parse_space

    document = space_document(space)
    try:
        grid = Grid(parse_space(document, "space"))
    except AsepredError as error:
        raise error.at(location="space") from None
    if len(grid) > MAX_CANDIDATES:
        raise AsepredError(
            f"{len(grid):,} candidates; POST /suggest scores up to {MAX_CANDIDATES:,} (run larger spaces with "
            "`asepred suggest --scheduler`)",
            field="space",
        )
    lab = lab_table_from_rows(lab_records)
    result = suggest(grid, lab, predictor, batch=batch)
    result.run_id = log_suggestion(
        result, lab, document, champion=f"{champion.model} v{champion.version}", origin="http"
    )
    return result
