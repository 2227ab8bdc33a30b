"""asepred: predict the amplified-spontaneous-emission (ASE) threshold of a metal-halide perovskite from the
published record, in a notebook as on the command line or over HTTP.

>>> import asepred
>>> table = asepred.records(halide="Br", dimensionality="nanocrystal")   # the curated records, filtered
>>> model = asepred.load_model()                                         # the champion of the MLflow store
>>> model.predict([{"material": "CsPbBr3", "dimensionality": "nanocrystal"}])

Importing ``asepred`` is light: pandas, scikit-learn and MLflow load when a function first needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Model", "featurize", "load_model", "records"]

if TYPE_CHECKING:
    from asepred._api import Model, featurize, load_model, records


def __getattr__(name: str) -> Any:
    if name in __all__:
        from asepred import _api

        return getattr(_api, name)
    raise AttributeError(f"module 'asepred' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
