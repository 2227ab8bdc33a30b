"""The screening job: partitions of a ``Grid`` predicted on Dask workers (or in this process, for comparison).

The model travels to each worker once: it is scattered (``broadcast=True``) inside a ``SharedModel``, which counts
its own deserialisations per process, so a test can see one load per worker however many partitions it predicts.
A partition materialises its own candidates, predicts them, and returns an Arrow table; a candidate that cannot be
featurized is isolated (its material/spacer split off, else the partition bisected) and counted, never fatal.
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asepred.core.errors import AsepredError
from asepred.core.threads import single_threaded
from asepred.screening.grid import AXIS_COLUMNS, RECORD_COLUMNS, Grid

#: Deserialisations of a ``SharedModel`` in this process, by model key (``name/version``).
LOADS: Counter[str] = Counter()
DEFAULT_PARTITION = 20_000
MIN_PARTITION = 200
DEFAULT_MEMORY_LIMIT = "1.5GiB"
#: Errors a candidate can raise while being featurized (AsepredError subclasses; ValueError from radii checks).
CANDIDATE_ERRORS = (AsepredError, ValueError)


class ScreeningError(AsepredError):
    """The screening job could not run (no scheduler at the address, a worker without asepred, …)."""


class SharedModel:
    """A predictor as it travels to the workers, keyed by model name and version."""

    def __init__(self, predictor: object, key: str) -> None:
        self.predictor = predictor
        self.key = key

    def __getstate__(self) -> dict[str, object]:
        return {"predictor": self.predictor, "key": self.key}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        LOADS[self.key] += 1
        single_threaded()  # one worker process per core: the model's libraries get one thread each


@dataclass
class Failures:
    """Candidates that could not be featurized: how many, by reason, with one example each."""

    count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, rows: pd.DataFrame, reason: str) -> None:
        self.count += len(rows)
        self.reasons[reason] += len(rows)
        first = rows.iloc[0]
        self.examples.setdefault(reason, f"{first['material']} (spacer {first['spacer'] or 'none'})")

    def merge(self, other: Failures) -> None:
        self.count += other.count
        self.reasons.update(other.reasons)
        for reason, example in other.examples.items():
            self.examples.setdefault(reason, example)


@dataclass
class PartitionResult:
    table: pa.Table | None  # None when every candidate of the partition failed
    failures: Failures
    n_candidates: int
    process: str  # host:pid of the process that predicted it
    loads: int  # deserialisations of the model in that process so far


@dataclass
class JobResult:
    tables: list[pa.Table]
    failures: Failures
    n_candidates: int
    loads_by_process: dict[str, int]
    n_partitions: int


def _offending(part: pd.DataFrame, error: AsepredError | ValueError) -> pd.Series | None:
    """Rows of ``part`` that fail as the error's row does (same value of the named field, and of the spacer for a
    formula, whose reading depends on it); None when the error does not point at a row we can trust."""
    if not isinstance(error, AsepredError):
        return None
    row, name, value = error.row, error.field, error.value
    if row is None or name not in part.columns or not 0 <= row < len(part):
        return None
    if value is not None and part[name].iloc[row] != value:
        return None
    keys = [name, "spacer"] if name == "material" else [name]
    mask = np.ones(len(part), dtype=bool)
    for key in keys:
        mask &= (part[key] == part[key].iloc[row]).to_numpy()
    return pd.Series(mask, index=part.index)


def predict_isolating(
    predictor: object, frame: pd.DataFrame, reference: Mapping[str, object] | None, failures: Failures
) -> pd.DataFrame:
    """Predictions for every candidate of ``frame`` that can be featurized (rows of the others dropped, counted in
    ``failures``), as ``frame`` joined with the predictor's columns."""
    done: list[pd.DataFrame] = []
    pending = [frame]
    while pending:
        part = pending.pop()
        try:
            out = predictor.predict_records(part.loc[:, list(RECORD_COLUMNS)], reference=reference)
        except CANDIDATE_ERRORS as error:
            if len(part) == 1:
                failures.add(part, str(error))
                continue
            bad = _offending(part, error)
            if bad is not None:
                failures.add(part[bad], str(error))
                if not bad.all():
                    pending.append(part[~bad])
            else:
                half = len(part) // 2
                pending += [part.iloc[half:], part.iloc[:half]]
            continue
        out.index = part.index
        done.append(part.join(out))
    if not done:
        return frame.iloc[:0]
    return pd.concat(done).sort_values("candidate_id", kind="stable")


def _dictionary(values: pd.Series) -> pa.DictionaryArray:
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    labels = pa.array([str(u) for u in uniques], type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), labels)


def arrow_table(scored: pd.DataFrame) -> pa.Table:
    """A partition's predictions as Arrow: text dictionary-encoded (warnings as lists of it), numbers as float64."""
    columns = {}
    for name in scored.columns:
        values = scored[name]
        if name == "warnings":
            # few distinct warnings per partition: dictionary-encoded, a million candidates' lists stay small
            lists = pa.array(values.tolist(), type=pa.list_(pa.string()))
            columns[name] = pa.ListArray.from_arrays(lists.offsets, pc.dictionary_encode(lists.values))
        elif name == "in_domain":
            columns[name] = pa.array(values.to_numpy(dtype=bool))
        elif name == "candidate_id":
            columns[name] = pa.array(values.to_numpy(dtype=np.int64))
        elif values.dtype.kind in "fi":
            columns[name] = pa.array(values.to_numpy(dtype=np.float64))
        else:
            columns[name] = _dictionary(values)
    return pa.table(columns)


def score_partition(
    model: SharedModel, grid: Grid, start: int, stop: int, reference: Mapping[str, object] | None
) -> PartitionResult:
    """Materialise, predict and tabulate candidates ``start`` to ``stop - 1`` (runs on a worker)."""
    import socket

    frame = grid.frame(start, stop)
    failures = Failures()
    scored = predict_isolating(model.predictor, frame, reference, failures)
    keep = ["candidate_id", *RECORD_COLUMNS, *AXIS_COLUMNS]
    predicted = [c for c in scored.columns if c not in keep]
    table = arrow_table(scored[predicted + keep]) if len(scored) else None
    return PartitionResult(
        table, failures, stop - start, f"{socket.gethostname()}:{os.getpid()}", LOADS.get(model.key, 0)
    )


def _collect(results: Iterator[PartitionResult], n_partitions: int, on_partition: Callable[[int], None]) -> JobResult:
    tables, failures, loads, n = [], Failures(), {}, 0
    for result in results:
        if result.table is not None:
            tables.append(result.table)
        failures.merge(result.failures)
        loads[result.process] = max(loads.get(result.process, 0), result.loads)
        n += result.n_candidates
        on_partition(result.n_candidates)
    return JobResult(tables, failures, n, loads, n_partitions)


def run_in_process(
    grid: Grid,
    predictor: object,
    key: str,
    *,
    reference: Mapping[str, object] | None = None,
    partition_size: int = DEFAULT_PARTITION,
    on_partition: Callable[[int], None] = lambda n: None,
) -> JobResult:
    """The same partitions, predicted one after another in this process (the single-process reference rate)."""
    model = SharedModel(predictor, key)
    ranges = grid.partitions(partition_size)
    results = (score_partition(model, grid, start, stop, reference) for start, stop in ranges)
    return _collect(results, len(ranges), on_partition)


def _import_predictor() -> str:
    import asepred.models.predictor  # noqa: F401  (the heavy imports, done while the cluster starts)

    return "ok"


def _ready(client: object, where: str) -> object:
    """Workers present and able to unpickle the model (asepred installed): a clear error otherwise."""
    try:
        client.wait_for_workers(1, timeout=60)
        client.run(_import_predictor)
    except (OSError, TimeoutError) as exc:
        raise ScreeningError(f"no Dask worker joined {where} within 60 s: {exc}", field="scheduler") from None
    except ImportError as exc:
        raise ScreeningError(
            f"the workers of {where} cannot import asepred ({exc}): install it there", field="scheduler"
        ) from None
    return client


@contextmanager
def dask_client(
    scheduler: str | None, n_workers: int | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> Iterator[object]:
    """A client of the cluster at ``scheduler``, else of a quiet ``LocalCluster`` on 127.0.0.1: one single-threaded
    worker process per core, each memory-limited, no dashboard."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado", "asyncio", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ScreeningError(f"cannot reach a Dask scheduler at {scheduler}: {exc}", field="scheduler") from None
        with client:
            yield _ready(client, scheduler)
        return
    with (
        LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield _ready(client, "the local cluster")


def run_on_dask(
    client: object,
    grid: Grid,
    predictor: object,
    key: str,
    *,
    reference: Mapping[str, object] | None = None,
    partition_size: int = DEFAULT_PARTITION,
    on_partition: Callable[[int], None] = lambda n: None,
) -> JobResult:
    """Predict every partition on the client's cluster; the model is scattered to every worker once."""
    import uuid

    from distributed import KilledWorker, as_completed

    model = client.scatter(SharedModel(predictor, key), broadcast=True, hash=False)
    # a small space still gets a few partitions per worker, so every worker has work
    n_workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    ranges = grid.partitions(min(partition_size, max(MIN_PARTITION, math.ceil(len(grid) / (4 * n_workers)))))
    job = uuid.uuid4().hex[:8]
    futures = [
        client.submit(score_partition, model, grid, start, stop, reference, pure=False, key=f"screen-{job}-{start}")
        for start, stop in ranges
    ]

    def results() -> Iterator[PartitionResult]:
        for future in as_completed(futures):
            try:
                result = future.result()
            except KilledWorker as exc:
                raise ScreeningError(
                    f"a worker died predicting {exc.task} (out of memory?): lower --partition-size or raise "
                    "--memory-limit",
                    field="partition_size",
                ) from None
            future.release()
            yield result

    try:
        return _collect(results(), len(ranges), on_partition)
    finally:
        client.cancel([*futures, model])
