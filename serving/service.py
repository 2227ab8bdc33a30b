"""The BentoML service: loads ``models:/ase-threshold@champion`` once at start-up and answers ``POST /predict``,
``POST /explain`` and ``GET /model``."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Annotated

import bentoml
from bentoml.exceptions import InvalidArgument
from pydantic import Field, ValidationError

from asepred.core.errors import AsepredError
from asepred.core.registry import load_champion
from asepred.serving import answers
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
    if getattr(error, "reference", False):
        return RecordError(f"reference.{error}")
    row = getattr(error, "row", None)
    where = f"records[{row}]." if row is not None else "records."
    return RecordError(f"{where}{error}")


Records = Annotated[list[PredictionRecord], Field(min_length=1, max_length=MAX_RECORDS)]
EvidenceCount = Annotated[int, Field(ge=0, le=MAX_EVIDENCE, description="Nearest published records per prediction.")]


@bentoml.asgi_app(web, path="/")
@bentoml.service(traffic={"timeout": 60}, workers=1)
class ASEPredictor:
    """ASE threshold of a perovskite, with a calibrated 90 % interval, an applicability-domain flag, the published
    evidence it rests on and, given a reference sample the lab measured, an anchored answer."""

    def __init__(self) -> None:
        self.predictor, self.champion = load_champion()

    @bentoml.api
    def predict(
        self,
        records: Records,
        reference: ReferenceSample | None = None,
        evidence: EvidenceCount = DEFAULT_EVIDENCE,
    ) -> PredictionResponse:
        """Predict the pulsed ASE threshold of each record, in order, with the nearest published records."""
        try:
            return answers.predict(self.predictor, self.champion, records, reference, evidence)
        except AsepredError as error:
            raise _record_error(error) from None

    @bentoml.api
    def explain(
        self,
        records: Records,
        reference: ReferenceSample | None = None,
        evidence: EvidenceCount = DEFAULT_EVIDENCE,
    ) -> ExplainResponse:
        """Why each prediction is what it is: contributions in decades, largest first, summing to the prediction."""
        try:
            return answers.explain(self.predictor, self.champion, records)
        except AsepredError as error:
            raise _record_error(error) from None

    @web.get("/model", response_model=ModelCard)
    def model(self) -> ModelCard:
        """The model card: version, data, cross-validated scores beside the best baseline, features, citations."""
        return answers.model_card(self.predictor, self.champion)
