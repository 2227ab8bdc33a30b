"""Rich consoles shared by every command: results to stdout, errors and progress to stderr."""

from __future__ import annotations

import typer
from rich.console import Console

from asepred.core.errors import AsepredError, DataValidationError

out = Console()
err = Console(stderr=True)


def fail(error: AsepredError) -> typer.Exit:
    """Print ``error`` on one line (and each listed problem) to stderr; the caller raises the returned Exit."""
    err.print(f"[bold red]error[/]: {error}", highlight=False, soft_wrap=True)
    if isinstance(error, DataValidationError):
        for problem in error.problems:
            err.print(f"  {problem}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)
