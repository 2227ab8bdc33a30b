"""One screening: a grid predicted (on Dask, or in this process), ranked into tie groups, written as Parquet + PNG."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from asepred.core.errors import AsepredError
from asepred.screening import job
from asepred.screening.grid import Grid
from asepred.screening.landscape import plot_landscape
from asepred.screening.ranking import rank


@dataclass
class Screening:
    ranked: pa.Table | None  # None when no candidate could be featurized
    failures: job.Failures
    n_candidates: int
    resolvable: float
    model: str
    loads_by_process: dict[str, int]
    n_partitions: int
    seconds: float

    @property
    def n_in_domain(self) -> int:
        return 0 if self.ranked is None else int(self.ranked.column("in_domain").to_numpy(zero_copy_only=False).sum())

    @property
    def n_predicted(self) -> int:
        return 0 if self.ranked is None else self.ranked.num_rows


def run(
    grid: Grid,
    predictor: object,
    model: str,
    *,
    reference: Mapping[str, object] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str = job.DEFAULT_MEMORY_LIMIT,
    partition_size: int = job.DEFAULT_PARTITION,
    in_process: bool = False,
    on_partition: Callable[[int], None] = lambda n: None,
) -> Screening:
    """Predict every candidate of ``grid`` and rank them; ``model`` names the predictor (``name/version``).

    A reference that cannot be featurized fails here, naming ``reference.<field>``, before any candidate is tried
    (every candidate would otherwise fail with it)."""
    if reference is not None:
        check_reference(predictor, reference)
    started = time.perf_counter()
    options = {"reference": reference, "partition_size": partition_size, "on_partition": on_partition}
    if in_process:
        result = job.run_in_process(grid, predictor, model, **options)
    else:
        with job.dask_client(scheduler, workers, memory_limit) as client:
            result = job.run_on_dask(client, grid, predictor, model, **options)
    return assemble(result, predictor, model, time.perf_counter() - started, anchored=reference is not None)


def check_reference(predictor: object, reference: Mapping[str, object]) -> None:
    """An unusable reference fails here, located in ``reference``, before any candidate is predicted."""
    sample = {k: v for k, v in reference.items() if k != "threshold_uj_cm2"}
    try:
        predictor.predict_records([sample], reference=reference)
    except AsepredError as error:
        error.row = None  # the reference's own row is no candidate's
        raise error.at(location="reference") from None
    except ValueError as error:
        raise AsepredError(str(error), location="reference") from None


def assemble(
    result: job.JobResult, predictor: object, model: str, seconds: float, *, anchored: bool = False
) -> Screening:
    """The partitions' tables joined and ranked into tie groups by the predictor's resolvable difference; with a
    reference (``anchored``), on the anchored value and the anchored recipe's resolvable difference."""
    if anchored:
        resolvable, key = float(predictor.anchored_resolvable_decades()), "anchored_log10_threshold"
    else:
        resolvable, key = float(predictor.resolvable_decades()), "log10_threshold"
    ranked = rank(pa.concat_tables(result.tables), resolvable, key) if result.tables else None
    return Screening(
        ranked,
        result.failures,
        result.n_candidates,
        resolvable,
        model,
        result.loads_by_process,
        result.n_partitions,
        seconds,
    )


def write(screening: Screening, out: Path) -> tuple[Path, Path]:
    """The ranked Parquet at ``out`` (with the model and resolvable difference in its metadata) and the PNG beside
    it (same name, ``.png``)."""
    assert screening.ranked is not None
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "model": screening.model,
        "resolvable_decades": screening.resolvable,
        "ranking": "tie_group orders candidates; the order inside a tie group means nothing",
        "failed_candidates": screening.failures.count,
    }
    table = screening.ranked.replace_schema_metadata({b"asepred": json.dumps(meta).encode()})
    pq.write_table(table, out)
    png = plot_landscape(screening.ranked, out.with_suffix(".png"), screening.resolvable)
    return out, png
