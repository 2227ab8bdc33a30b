"""The Python API (DESIGN.md, "Records and the Python API"): the curated records, their descriptors and the served
model, as DataFrames, without a server.

Every answer comes from the code the service runs: ``records`` filters with ``asepred.data.browse`` (as
``GET /records`` does), ``Model.predict`` and ``Model.explain`` build the answer with ``asepred.serving.answers`` (as
``POST /predict`` and ``POST /explain`` do) and only then lay it out as a table, so the numbers are the service's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

from asepred.data.browse import FILTERS

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

    from asepred.core.registry import Champion

Records = "pd.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any]"


def records(
    *,
    data: Sequence[str | PathLike[str]] = (),
    bundled: bool = True,
    sort: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    **filters: object,
) -> pd.DataFrame:
    """The curated records (and a lab's own), filtered and sorted, as ``GET /records`` lists them.

        Parameters
        ----------
        data : sequence of path-like, default ()
            A lab's own tables (the format of ``asepred data template``), validated and merged with the bundled one;
            their rows have ``source == "lab"``.
        bundled : bool, default True
            Include the bundled curated table (``data/records.csv``).
        sort : str, optional
            A record column to sort by; ``-column`` sorts descending. Empty cells come last. Default ``record_id``.
        limit : int, optional
            At most this many rows (after ``offset``); all of them by default.
        offset : int, default 0
            Rows to skip.
        **filters
            Any of the filters below; a wrong name or value raises ``AsepredError`` naming it.

    {filters}

        Returns
        -------
        pandas.DataFrame
            One row per record, the ``data/records.csv`` columns typed as the record contract declares them (numbers
            as floats or nullable integers, ``NaN``/``<NA>`` where empty; text ``""`` where empty) and ``link``.

        Examples
        --------
        >>> import asepred
        >>> asepred.records(halide="Br", dimensionality="nanocrystal", measurement="ASE", sort="threshold_uj_cm2")
    """
    from asepred.data.browse import select, selection, typed_frame
    from asepred.data.records import load_records

    query = selection(sort=sort, **filters)
    chosen = select(load_records(list(data), bundled=bundled), query)
    end = None if limit is None else offset + limit
    return typed_frame(chosen.iloc[offset:end]).reset_index(drop=True)


records.__doc__ = (records.__doc__ or "").replace(
    "{filters}",
    "\n".join(
        f"    {f.name} : {'{' + ', '.join(repr(c) for c in f.choices) + '}' if f.choices else _kind}, optional\n"
        f"        {f.description}"
        for f in FILTERS
        for _kind in ["int" if f.name.startswith("year") else "float" if f.kind in ("min", "max") else "str"]
    ),
)


def _request_rows(frame_or_records: Any, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Records as dicts of the request ``fields`` that are given (an empty or NaN cell is not given)."""
    import pandas as pd

    from asepred.data.record import REQUEST_FIELDS

    fields = REQUEST_FIELDS if fields is None else tuple(fields)

    if isinstance(frame_or_records, Mapping):
        rows = [dict(frame_or_records)]
    elif isinstance(frame_or_records, pd.DataFrame):
        present = [c for c in fields if c in frame_or_records.columns]
        rows = frame_or_records[present].to_dict("records")
    else:
        rows = [dict(r) for r in frame_or_records]

    def given(value: object) -> bool:
        return (
            value is not None
            and value is not pd.NA
            and value != ""
            and not (isinstance(value, float) and value != value)
        )

    out = []
    for row in rows:
        cleaned = {k: v for k, v in row.items() if k in fields and given(v)}
        for key, value in cleaned.items():  # numpy and pandas scalars as plain Python, as a JSON body has them
            if hasattr(value, "item"):
                cleaned[key] = value.item()
        out.append(cleaned)
    return out


def _requests(frame_or_records: Any, reference: Mapping[str, Any] | None) -> tuple[list[BaseModel], BaseModel | None]:
    """The records and reference, validated by the service's request models (an ``AsepredError`` names the field)."""
    from asepred.core.errors import AsepredError
    from asepred.data.request import PredictionRecord, ReferenceSample, validated

    rows = _request_rows(frame_or_records)
    if not rows:
        raise AsepredError("no records to predict", field="records")
    models = []
    for i, row in enumerate(rows):
        try:
            models.append(validated(PredictionRecord, row))
        except AsepredError as error:
            raise error.at(row=i, location="records") from None
    sample = None
    if reference is not None:
        sample = validated(ReferenceSample, _request_rows(reference)[0] | _threshold(reference), location="reference")
    return models, sample


def _threshold(reference: Mapping[str, Any]) -> dict[str, Any]:
    value = reference.get("threshold_uj_cm2")
    return {} if value is None else {"threshold_uj_cm2": float(value)}


def _flat(prediction: dict[str, Any]) -> dict[str, Any]:
    """One prediction of the answer as one table row: the interval as two columns, ``anchored`` as ``anchored_…``."""
    row: dict[str, Any] = {}
    for key, value in prediction.items():
        if key == "interval_uj_cm2":
            row["interval_lower_uj_cm2"], row["interval_upper_uj_cm2"] = value
        elif key == "anchored":
            continue
        else:
            row[key] = value
    anchored = prediction.get("anchored")
    if "anchored" in prediction and anchored is not None:
        for key, value in anchored.items():
            if key == "interval_uj_cm2":
                row["anchored_lower_uj_cm2"], row["anchored_upper_uj_cm2"] = value
            else:
                row[f"anchored_{key}"] = value
    return row


class Model:
    """A trained asepred model: predictions with intervals, domain flags, evidence and anchored values, as tables.

    Made by ``load_model``; holds the predictor the service would serve.

    Attributes
    ----------
    card : dict
        The model card, as ``GET /model`` answers it: version, data hash, records and publications trained on,
        cross-validated scores beside the best baseline's, features and descriptor citations.
    name, version : str
        The registered model and its version (``""`` for a model loaded from elsewhere).
    """

    def __init__(self, predictor: Any, champion: Champion) -> None:
        from asepred.serving.answers import model_card

        self.predictor = predictor
        self.champion = champion
        self.card: dict[str, Any] = model_card(predictor, champion).model_dump()

    @property
    def name(self) -> str:
        return str(self.card["name"])

    @property
    def version(self) -> str:
        return str(self.champion.version)

    def __repr__(self) -> str:
        return f"<asepred.Model {self.name} version {self.version} ({self.card['candidate']})>"

    def predict(
        self, frame_or_records: Any, reference: Mapping[str, Any] | None = None, evidence: int = 5
    ) -> pd.DataFrame:
        """Predict the pulsed ASE threshold of each record: the answer of ``POST /predict``, one row per record.

        Parameters
        ----------
        frame_or_records : pandas.DataFrame, list of dict or dict
            Records with the request fields (``material`` and ``dimensionality`` required; ``spacer``,
            ``n_layers``, ``strategy``, ``pump_pulse``, ``pump_wavelength_nm``, ``temperature_k``); other columns
            are ignored, empty cells are not given. ``asepred.records()`` output works as it is.
        reference : dict, optional
            A sample the lab measured on the same set-up: the request fields plus its measured
            ``threshold_uj_cm2``. Adds the ``anchored_…`` columns.
        evidence : int, default 5
            Nearest published records to return per prediction (0–20).

        Returns
        -------
        pandas.DataFrame
            ``threshold_uj_cm2``, ``log10_threshold``, ``interval_lower_uj_cm2``, ``interval_upper_uj_cm2`` (the
            calibrated 90 % interval, µJ cm⁻²), ``in_domain``, ``warnings``; with a reference
            ``anchored_threshold_uj_cm2``, ``anchored_log10_threshold``, ``anchored_lower_uj_cm2``,
            ``anchored_upper_uj_cm2``, ``anchored_ratio``; ``evidence`` (a list of dicts per row, nearest first) and
            any further fields of the service's answer. Same index as a DataFrame input.

        Raises
        ------
        AsepredError
            A record or reference the service would refuse, naming it (``records[2].material: …``).
        """
        import pandas as pd

        from asepred.core.errors import AsepredError
        from asepred.serving.answers import predict

        requests, sample = _requests(frame_or_records, reference)
        try:
            answer = predict(self.predictor, self.champion, requests, sample, evidence)
        except AsepredError as error:
            raise error.at(location="records") from None
        rows = [_flat(p.model_dump()) for p in answer.predictions]
        index = frame_or_records.index if isinstance(frame_or_records, pd.DataFrame) else None
        return pd.DataFrame(rows, index=index)

    def explain(self, frame_or_records: Any) -> pd.DataFrame:
        """Why each prediction is what it is: the answer of ``POST /explain``, one row per record.

        Parameters
        ----------
        frame_or_records : pandas.DataFrame, list of dict or dict
            Records, as for ``predict``.

        Returns
        -------
        pandas.DataFrame
            ``base_log10`` (the model's expected log10 threshold), ``log10_threshold``, ``contributions`` (a list of
            ``{feature, value, contribution}`` per row, in decades, largest first, summing with ``base_log10`` to the
            prediction) and ``note``.
        """
        import pandas as pd

        from asepred.core.errors import AsepredError
        from asepred.serving.answers import explain

        requests, _ = _requests(frame_or_records, None)
        try:
            answer = explain(self.predictor, self.champion, requests)
        except AsepredError as error:
            raise error.at(location="records") from None
        index = frame_or_records.index if isinstance(frame_or_records, pd.DataFrame) else None
        return pd.DataFrame([e.model_dump() for e in answer.explanations], index=index)


def _champion_of(uri: str) -> Champion:
    """What the registry says of a ``models:/NAME/VERSION`` or ``models:/NAME@ALIAS`` URI; a bare record otherwise."""
    from asepred.core import config
    from asepred.core.registry import Champion, version_record

    if not uri.startswith("models:/"):
        return Champion(version="", run_id="", data_hash="", cv_mae=float("nan"), model="")
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=config.tracking_uri())
    name, _, rest = uri.removeprefix("models:/").partition("/")
    if "@" in name:
        name, alias = name.split("@", 1)
        version = client.get_model_version_by_alias(name, alias)
    else:
        version = client.get_model_version(name, rest)
    return version_record(client, version, missing_mae=float("nan"))


def load_model(uri: str | None = None) -> Model:
    """The champion of the MLflow store (or the model at ``uri``), ready to predict.

    Parameters
    ----------
    uri : str, optional
        An MLflow model URI (``models:/ase-threshold/3``, ``models:/ase-threshold@champion``, ``runs:/…/model``);
        by default the ``champion`` of ``ase-threshold`` in the store of ``$MLFLOW_TRACKING_URI`` (else
        ``$ASEPRED_HOME/mlflow.db``, else ``./mlflow.db``).

    Returns
    -------
    Model
        With ``predict``, ``explain`` and ``card``.

    Raises
    ------
    NoChampionError
        No ``uri`` and no champion in the store: run ``asepred train`` first.
    """
    from asepred.core.registry import load_champion, quiet

    if uri is None:
        predictor, champion = load_champion()
        return Model(predictor, champion)
    import mlflow

    from asepred.core import config

    quiet()
    mlflow.set_tracking_uri(config.tracking_uri())
    loaded = mlflow.pyfunc.load_model(uri, suppress_warnings=True).unwrap_python_model()
    return Model(getattr(loaded, "predictor", loaded), _champion_of(uri))


def featurize(frame_or_records: Any) -> pd.DataFrame:
    """The descriptors of each record, as the model sees them: one named column per descriptor.

    Parameters
    ----------
    frame_or_records : pandas.DataFrame, list of dict or dict
        Records with the request fields (``material``, ``dimensionality``, ``spacer``, ``n_layers``, …), e.g.
        ``asepred.records()``.

    Returns
    -------
    pandas.DataFrame
        One row per record (same index as a DataFrame input), columns named ``family__descriptor``
        (``site__x_br``, ``struct__goldschmidt_t``, ``ligand__mol_logp``, …).

    Raises
    ------
    AsepredError
        A record the featurizer cannot read (an unparsable formula, an unknown spacer), naming its row and field.
    """
    import pandas as pd

    from asepred.data.record import FEATURIZED_FIELDS
    from asepred.features.featurizer import RecordFeaturizer

    rows = _request_rows(frame_or_records, FEATURIZED_FIELDS)
    featurizer = RecordFeaturizer().fit(rows)
    index = frame_or_records.index if isinstance(frame_or_records, pd.DataFrame) else None
    return pd.DataFrame(featurizer.transform(rows), columns=featurizer.get_feature_names_out(), index=index)
