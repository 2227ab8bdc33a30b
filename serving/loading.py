"""A server process loads its libraries and the champion with the cyclic garbage collector paused.

Importing the answer path (scikit-learn, which imports SciPy's statistics; pandas; RDKit; pymatgen) allocates
hundreds of thousands of long-lived objects (classes, functions, modules), and each allocation burst starts a
collection that walks them all again and frees nothing. Paused, the same imports take ~20 % less time (~0.3–0.4 s of
each worker's start-up here: docs/performance.md, "Start-up"). Afterwards everything loaded is frozen into the
collector's permanent generation (``gc.freeze``), so later collections, while requests are answered, skip it too.
Nothing loaded is ever freed while the server runs, so this changes when memory is scanned, never what is kept.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused(freeze: bool = True) -> Iterator[None]:
    """Run the block with the garbage collector off; on success, and if ``freeze``, freeze everything the process
    holds (only in a process of its own: a server's supervisor or worker, never a test or a notebook that happens
    to build the service). The collector is back on as it was either way."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
