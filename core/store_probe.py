"""A look at the default SQLite store that answers "is a champion registered?" in milliseconds, without MLflow.

``asepred serve`` asks this while its server starts. Through MLflow the answer costs ~2.5 s of CPU (importing MLflow
and opening its SQLAlchemy store: docs/performance.md, "Start-up"), on the two cores the server's workers need at
that moment. Here it is one read-only SQLite query over the tables MLflow's registry keeps (alias → version → run,
as ``registry.champion`` follows them). It only ever says *yes*: a store it cannot read this way (another back end,
another schema, no such alias) returns ``None``, and the caller asks MLflow as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from asepred.core import config

CHAMPION_QUERY = """
SELECT 1 FROM registered_model_aliases AS a
JOIN model_versions AS v ON v.workspace = a.workspace AND v.name = a.name AND v.version = a.version
JOIN runs AS r ON r.run_uuid = v.run_id
WHERE a.name = ? AND a.alias = ?
LIMIT 1
"""


def champion_registered(uri: str, name: str = config.MODEL_NAME) -> bool | None:
    """``True`` if the SQLite store at ``uri`` (``sqlite:///PATH``) has a ``champion`` version of ``name`` whose run
    exists; ``None`` if this look cannot tell (ask MLflow)."""
    if not uri.startswith("sqlite:///"):
        return None
    path = Path(uri.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)) as db:
            found = db.execute(CHAMPION_QUERY, (name, config.CHAMPION)).fetchone()
    except sqlite3.Error:
        return None
    return True if found else None
