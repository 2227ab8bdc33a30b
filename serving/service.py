"""The BentoML service: loads ``models:/ase-threshold@champion`` once at start-up and answers ``POST /predict``,
``POST /explain`` and ``GET /model``; ``/readyz`` answers 200 only once the model is loaded.

The module imports only what the schemas need: ``bentoml serve`` imports it once in its supervising process, which
never predicts, and the model and its libraries load in the worker (``__init__``). Request bodies over
``MAX_BODY_BYTES`` are refused with 413 before they are read (``serving/body_limit.py``); every client error names
its field, as the OpenAPI document declares (``serving/client_errors.py``). docs/performance.md has the figures.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any

import anyio
import bentoml
from bentoml.exceptions import InvalidArgument
from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import ConfigDict, Field, ValidationError

from asepred.campaigns.answer import DEFAULT_BATCH, MAX_BATCH, SuggestResponse
from asepred.core.errors import AsepredError, DataValidationError
from asepred.core.threads import single_threaded
from asepred.serving.body_limit import BodyLimit
from asepred.serving.client_errors import ClientErrors
from asepred.serving.http_guard import HttpGuard
from asepred.serving.lifecycle import in_bentoml_worker, signal_on_parent_death, stop_serving, watch_parent
from asepred.serving.loading import collector_paused
from asepred.serving.records import CSV_RESPONSE, RecordsPage, RecordsQuery, served_records
from asepred.serving.schemas import (
    DEFAULT_EVIDENCE,
    MAX_EVIDENCE,
    MAX_RECORDS,
    ExplainResponse,
    ModelCard,
    PredictionRecord,
    PredictionResponse,
    ReferenceSample,
)
from asepred.serving.suggestions import MAX_LAB_RECORDS, lab_problem_message
from asepred.serving.web import web


class _ClientErrorsOnOneLine(logging.Filter):
    """BentoML logs every 4xx with a full traceback at ERROR; a client's mistake is one line, not a server fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        status = getattr(getattr(error, "error_code", None), "value", 500)
        if isinstance(error, ValidationError):
            status = 400
        if error is not None and status < 500:
            record.msg = f"{status} {record.getMessage()}: {str(error).splitlines()[0]}"
            record.args = ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


logging.getLogger("bentoml._internal.server.http_app").addFilter(_ClientErrorsOnOneLine())


class RecordError(InvalidArgument):
    """A record that passed the schema but cannot be featurized (e.g. an unparsable formula): 422."""

    error_code = HTTPStatus.UNPROCESSABLE_ENTITY


def _record_error(error: AsepredError) -> RecordError:
    """The error as a 422 naming ``records[i].field`` (or ``reference.field``)."""
    return RecordError(str(error.at(location="records")))


#: Records × (1 + evidence) up to which a request is answered on the event loop rather than in a thread. Larger ones
#: are answered one at a time per worker, the rest wait for their turn: several at once in threads share one GIL (so
#: none finishes sooner), and each holds its answer in memory (a 1,000-record answer with evidence 20 is ~17 MB of
#: JSON and more of objects); with 32 clients, ~28 were in flight and the server grew by 700 MiB in a minute.
INLINE_WORK = 32


def _as_json(answer: Callable[[], PredictionResponse]) -> Response:
    """The answer as the JSON response BentoML would make of it, serialized here, in the large request's thread:
    serialized on the event loop (as BentoML does with a returned model), a 1,000-record answer with evidence 20
    (17 MB) held every small request of the worker for ~0.6 s. The OpenAPI document still declares the model."""
    return Response(answer().model_dump_json().encode(), media_type="application/json")


#: Largest request body: MAX_RECORDS records of a few hundred bytes each, with room to spare.
MAX_BODY_BYTES = 8 * 1024 * 1024

Records = Annotated[list[PredictionRecord], Field(min_length=1, max_length=MAX_RECORDS)]
EvidenceCount = Annotated[int, Field(ge=0, le=MAX_EVIDENCE, description="Nearest published records per prediction.")]


class ExplainRequest(bentoml.IODescriptor):
    """The body of ``POST /explain``: the records alone. An explanation is of the model's own prediction, which
    neither a ``reference`` (it anchors the answer of ``POST /predict``) nor ``evidence`` changes, so either is
    refused (400 naming it), as is any other field it does not know, rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")

    records: Records = Field(description="1 to 10,000 records to explain, answered in order.")


class SuggestRequest(bentoml.IODescriptor):
    """The body of ``POST /suggest`` (DESIGN.md, "Campaigns"): the space, the lab's rows and the batch size."""

    model_config = ConfigDict(extra="forbid")

    space: dict[str, Any] | Annotated[str, Field(max_length=100_000)] = Field(
        description="The candidate space: the YAML of `asepred screen` as a JSON object (or as YAML text)."
    )
    lab_records: Annotated[list[dict[str, str | float | int | None]], Field(max_length=MAX_LAB_RECORDS)] = Field(
        description="The lab's measured rows, one object per row, keyed by the columns of `asepred data template`."
    )
    batch: Annotated[int, Field(ge=1, le=MAX_BATCH)] = Field(DEFAULT_BATCH, description="Experiments to suggest.")


class RecordsRequest(ExplainRequest):
    """The body of ``POST /predict``: a field it does not know is an error (400 naming it), not silently dropped."""

    records: Records = Field(description="1 to 10,000 records to predict, answered in order.")
    reference: ReferenceSample | None = Field(
        None, description="A sample the lab measured on the same set-up: anchors the predictions to it."
    )
    evidence: EvidenceCount = DEFAULT_EVIDENCE


@bentoml.asgi_app(web, path="/")
@bentoml.service(traffic={"timeout": 60}, workers=2, logging={"access": {"enabled": False}})
class ASEPredictor:
    """ASE threshold of a perovskite, with a calibrated 90 % interval, an applicability-domain flag, the published
    evidence it rests on and, given a reference sample the lab measured, an anchored answer."""

    def __init__(self) -> None:
        if in_bentoml_worker():  # a worker whose supervisor dies (even by SIGKILL) stops too
            signal_on_parent_death()
            watch_parent()
            single_threaded()  # one worker per core: the model's libraries get one thread each
        with collector_paused(freeze=in_bentoml_worker()):  # ~0.3 s of the worker's start-up (serving/loading.py)
            from asepred.core.registry import load_champion
            from asepred.serving import answers

            self.answers = answers
            try:
                self.predictor, self.champion = load_champion()
            except Exception as error:
                if in_bentoml_worker():  # one line and a stopped server, never a crash-looping worker
                    from asepred.core.registry import one_line

                    stop_serving(str(error) if isinstance(error, AsepredError) else f"cannot serve: {one_line(error)}")
                raise
            self.card = answers.model_card(self.predictor, self.champion)
            self.records_table = served_records(self.predictor)
        self._large: anyio.CapacityLimiter | None = None  # large requests: one at a time in this worker (INLINE_WORK)

    def __is_ready__(self) -> bool:
        """``/readyz``: 200 once the champion is loaded (BentoML asks this after ``__init__``)."""
        return getattr(self, "card", None) is not None

    @bentoml.api(input_spec=RecordsRequest)
    async def predict(
        self,
        records: Records,
        reference: ReferenceSample | None = None,
        evidence: EvidenceCount = DEFAULT_EVIDENCE,
    ) -> PredictionResponse:
        """Predict the pulsed ASE threshold of each record, in order, with the nearest published records."""
        # A small request is answered on the event loop (well under a millisecond: a hop to a thread would cost
        # more than the answer); a large one in a thread, so that it never holds up the small ones or /readyz.
        answer = functools.partial(self.answers.predict, self.predictor, self.champion, records, reference, evidence)
        try:
            if len(records) * (1 + evidence) <= INLINE_WORK:
                return answer()
            if self._large is None:  # made here: an anyio limiter belongs to the worker's event loop
                self._large = anyio.CapacityLimiter(1)
            return await anyio.to_thread.run_sync(_as_json, answer, limiter=self._large)
        except AsepredError as error:
            raise _record_error(error) from None

    @bentoml.api(input_spec=ExplainRequest)
    def explain(self, records: Records) -> ExplainResponse:
        """Why each prediction is what it is: contributions in decades, largest first, summing to the prediction."""
        try:
            return self.answers.explain(self.predictor, self.champion, records)
        except AsepredError as error:
            raise _record_error(error) from None

    @bentoml.api(input_spec=SuggestRequest)
    async def suggest(
        self,
        space: dict[str, Any] | str,
        lab_records: list[dict[str, str | float | int | None]],
        batch: int = DEFAULT_BATCH,
    ) -> SuggestResponse:
        """The next batch of experiments for a lab: a Gaussian process on the lab's own rows, expected improvement
        over the space's candidates, a diverse batch, each with why it was chosen. Logged to MLflow (ase-campaigns);
        never moves the champion alias."""
        from asepred.serving import suggestions

        answer = functools.partial(suggestions.answer, self.predictor, self.champion, space, lab_records, batch)
        if self._large is None:
            self._large = anyio.CapacityLimiter(1)
        try:
            return await anyio.to_thread.run_sync(answer, limiter=self._large)
        except DataValidationError as error:
            raise RecordError(lab_problem_message(error)) from None
        except AsepredError as error:
            raise RecordError(str(error)) from None

    @web.get("/model", response_model=ModelCard)
    def model(self) -> ModelCard:
        """The model card: version, data, cross-validated scores beside the best baseline, features, citations."""
        return self.card

    @web.get("/records", response_model=RecordsPage, responses=CSV_RESPONSE)
    def records(self, request: Request, query: Annotated[RecordsQuery, Query()]) -> Response:
        """The curated records the model was trained with (and the lab's), filtered, sorted and paged; JSON, or CSV
        with format=csv or Accept: text/csv."""
        from asepred.serving.records import answer

        return answer(self.records_table, query, request)


ASEPredictor.add_asgi_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
ASEPredictor.add_asgi_middleware(ClientErrors)
ASEPredictor.add_asgi_middleware(HttpGuard)
