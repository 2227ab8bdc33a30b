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
from urllib.parse import unquote, urlparse

from asepred.core import config

CHAMPION_QUERY = """
SELECT 1 FROM registered_model_aliases AS a
JOIN model_versions AS v ON v.workspace = a.workspace AND v.name = a.name AND v.version = a.version
JOIN runs AS r ON r.run_uuid = v.run_id
WHERE a.name = ? AND a.alias = ?
LIMIT 1
"""


VERSION_QUERY = """
SELECT v.version, v.run_id, v.storage_location,
       (SELECT value FROM params WHERE run_uuid = v.run_id AND key = 'data_hash'),
       (SELECT value FROM params WHERE run_uuid = v.run_id AND key = 'best_model'),
       (SELECT value FROM latest_metrics WHERE run_uuid = v.run_id AND key = 'cv_mae')
FROM registered_model_aliases AS a
JOIN model_versions AS v ON v.workspace = a.workspace AND v.name = a.name AND v.version = a.version
JOIN runs AS r ON r.run_uuid = v.run_id
WHERE a.name = ? AND a.alias = ?
LIMIT 1
"""


def _first_row(uri: str, query: str, name: str) -> tuple | None:
    """The first row ``query`` answers for ``name``'s champion alias, read-only, from the SQLite store at ``uri``;
    ``None`` for another back end, a missing file, or a store this query cannot read."""
    if not uri.startswith("sqlite:///"):
        return None
    path = Path(uri.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)) as db:
            return db.execute(query, (name, config.CHAMPION)).fetchone()
    except sqlite3.Error:
        return None


def champion_version(uri: str, name: str = config.MODEL_NAME) -> dict[str, object] | None:
    """The champion's version, run, artifact folder (a local path) and the run's ``data_hash``, ``best_model`` and
    ``cv_mae``, read in one query from the SQLite store at ``uri``; ``None`` if this look cannot tell (ask MLflow).

    A served worker reads it so instead of opening MLflow's SQLAlchemy store (~1.5 s of its start-up)."""
    found = _first_row(uri, VERSION_QUERY, name)
    if not found or not str(found[2] or "").startswith("file://"):
        return None
    folder = Path(unquote(urlparse(found[2]).path))
    if not (folder / "MLmodel").is_file():
        return None  # missing artifacts: MLflow's own error says so
    return {
        "version": str(found[0]),
        "run_id": found[1],
        "folder": folder,
        "data_hash": found[3] or "",
        "model": found[4] or "",
        "cv_mae": float(found[5]) if found[5] is not None else float("inf"),
    }


def champion_registered(uri: str, name: str = config.MODEL_NAME) -> bool | None:
    """``True`` if the SQLite store at ``uri`` (``sqlite:///PATH``) has a ``champion`` version of ``name`` whose run
    exists; ``None`` if this look cannot tell (ask MLflow)."""
    found = _first_row(uri, CHAMPION_QUERY, name)
    return True if found else None
