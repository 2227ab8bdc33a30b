"""The Python API without a server: ``import asepred`` is light, records and descriptors come back as DataFrames."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import asepred
from asepred.core.errors import AsepredError
from asepred.data.records import bundled_records


def test_import_asepred_loads_no_heavy_library() -> None:
    code = (
        "import sys, asepred; heavy = {'mlflow', 'sklearn', 'pandas', 'bentoml', 'xgboost'} & "
        "{m.split('.')[0] for m in sys.modules}; print(sorted(heavy)); assert not heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_records_are_the_bundled_table_typed() -> None:
    table = asepred.records()
    assert len(table) == len(bundled_records()) == 88
    assert table["threshold_uj_cm2"].dtype.kind == "f" and "link" in table
    bromide = asepred.records(halide="Br", dimensionality="nanocrystal", measurement="ASE", sort="-threshold_uj_cm2")
    assert (bromide["dimensionality"] == "nanocrystal").all() and bromide["material"].str.contains("Br").all()
    assert bromide["threshold_uj_cm2"].is_monotonic_decreasing
    assert len(asepred.records(limit=5, offset=80)) == 5


def test_a_bad_filter_is_named() -> None:
    with pytest.raises(AsepredError, match="halide"):
        asepred.records(halide="Xx")
    with pytest.raises(AsepredError) as caught:
        asepred.records(colour="red")
    assert caught.value.field == "colour"


def test_featurize_names_its_columns_and_keeps_the_index() -> None:
    table = asepred.records(dimensionality="quasi-2D").iloc[::2]
    features = asepred.featurize(table)
    assert list(features.index) == list(table.index) and features.shape[1] > 20
    assert all("__" in c for c in features.columns)
    one = asepred.featurize({"material": "CsPbBr3", "dimensionality": "nanocrystal"})
    assert one.loc[0, "site__x_br"] == 1.0


def test_the_api_is_documented_in_numpydoc() -> None:
    for function in (asepred.records, asepred.featurize, asepred.load_model, asepred.Model.predict):
        doc = function.__doc__ or ""
        assert re.search(r"\n\s*Parameters\n\s*-{10}\n", doc) and re.search(r"\n\s*Returns\n\s*-{7}\n", doc)
    assert "halide : {'Cl', 'Br', 'I'}, optional" in asepred.records.__doc__
