"""Every bad input is a 4xx whose ``error`` names the field (in process, through the ASGI app), and an oversized body
is a 413 answered unread by a real server, without a memory spike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from asepred.serving.schemas import MAX_RECORDS
from asepred.serving.service import MAX_BODY_BYTES
from tests.serving.conftest import cmdline, descendants, serving

GOOD = {"material": "CsPbBr3", "dimensionality": "nanocrystal"}
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        (b"{not json", 400, "body: Invalid JSON"),
        (b"", 400, "records: Field required"),
        (b"[1, 2]", 400, "body: Input should be an object"),
        (b'{"records": "CsPbBr3"}', 400, "records: Input should be a valid array"),
        (b'{"records": [null]}', 400, "records[0]: Input should be an object"),
        (b'{"records": [{"material": 5, "dimensionality": "2D"}]}', 400, "records[0].material"),
        (b'{"records": [{"material": "CsPbBr3"}]}', 400, "records[0].dimensionality: Field required"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "colour": 1}]}', 400, "records[0].colour"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D"}], "colour": 1}', 400, "colour: Extra inputs"),
        (
            b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "temperature_k": "hot"}]}',
            400,
            "temperature_k",
        ),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "temperature_k": NaN}]}', 400, "temperature_k"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "n_layers": 0}]}', 400, "records[0].n_layers"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "n_layers": 2.5}]}', 400, "n_layers"),
        (
            b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "pump_wavelength_nm": 1e9}]}',
            400,
            "wavelength",
        ),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D", "pump_pulse": "cw"}]}', 400, "pump_pulse"),
        (b'{"records": [], "evidence": 0}', 400, "records: List should have at least 1 item"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D"}], "evidence": 21}', 400, "evidence"),
        (b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D"}], "evidence": "all"}', 400, "evidence"),
        (
            b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D"}], '
            b'"reference": {"material": "CsPbBr3", "dimensionality": "2D"}}',
            400,
            "reference.threshold_uj_cm2: Field required",
        ),
        (
            b'{"records": [{"material": "CsPbBr3", "dimensionality": "2D"}], '
            b'"reference": {"material": "CsPbBr3", "dimensionality": "2D", "threshold_uj_cm2": -1}}',
            400,
            "reference.threshold_uj_cm2",
        ),
        (b'{"records": [{"material": "CsPbXx3", "dimensionality": "3D film"}]}', 422, "records[0].material"),
        (b'{"records": [{"material": "Pb3Br", "dimensionality": "3D film"}]}', 422, "records[0].material"),
        (b'{"records": [{"material": "(((((", "dimensionality": "3D film"}]}', 422, "records[0].material"),
        (
            b'{"records": [{"material": "L2PbI4", "dimensionality": "2D", "spacer": "C1CC(("}]}',
            422,
            "records[0].spacer",
        ),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(client: TestClient, body: bytes, status: int, named: str) -> None:
    # /explain refuses a reference or evidence outright (test_explain_refuses_what_it_would_not_use)
    for path in ("/predict",) if b'"reference"' in body or b'"evidence"' in body else ("/predict", "/explain"):
        response = client.post(path, content=body, headers=JSON)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert named in error, error


def test_an_over_long_batch_is_a_400_naming_records(client: TestClient) -> None:
    response = client.post("/predict", json={"records": [GOOD] * (MAX_RECORDS + 1), "evidence": 0})
    assert response.status_code == 400
    assert response.json()["error"].startswith("records: List should have at most 10000 items")


def test_an_unusable_record_is_named_by_its_row(client: TestClient) -> None:
    bad = {"material": "CsPbXx3", "dimensionality": "3D film"}
    response = client.post("/predict", json={"records": [GOOD, GOOD, bad], "evidence": 0})
    assert response.status_code == 422
    assert response.json()["error"].startswith("records[2].material:")


@pytest.mark.parametrize(
    ("field", "value"),
    [("reference", {**GOOD, "threshold_uj_cm2": 12.0}), ("reference", None), ("evidence", 5), ("evidence", 0)],
)
def test_explain_refuses_what_it_would_not_use(client: TestClient, field: str, value: object) -> None:
    """An explanation is of the model's own prediction: a reference or an evidence count would not change it, so
    /explain says so (400 naming the field) rather than drop it; /predict uses both."""
    body = {"records": [GOOD], field: value}
    response = client.post("/explain", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == f"{field}: Extra inputs are not permitted"
    assert client.post("/predict", json=body).status_code == 200


def test_the_openapi_document_says_what_explain_takes(client: TestClient) -> None:
    spec = client.get("/docs.json").json()

    def request_schema(path: str) -> dict:
        schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    explain = request_schema("/explain")
    assert set(explain["properties"]) == {"records"}
    assert explain["additionalProperties"] is False
    assert "reference" in explain["description"] and "evidence" in explain["description"]
    assert {"records", "reference", "evidence"} == set(request_schema("/predict")["properties"])


def test_the_openapi_document_declares_every_error(client: TestClient) -> None:
    spec = client.get("/docs.json").json()
    for path in ("/predict", "/explain"):
        operation = spec["paths"][path]["post"]
        assert {"200", "400", "413", "422"} <= set(operation["responses"])
        assert operation["requestBody"]["required"] is True
    assert "/model" in spec["paths"]


def test_the_service_still_answers_after_bad_input(client: TestClient) -> None:
    client.post("/predict", content=b"{not json", headers=JSON)
    client.post("/predict", content=b"x" * (MAX_BODY_BYTES + 1), headers=JSON)
    assert client.post("/predict", json={"records": [GOOD]}).status_code == 200


# --- a real server: 413 without reading the body ------------------------------------------------------------------


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def real_server(trained_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real server with one worker: its URL and the worker's pid (whose memory the test watches)."""
    with serving(trained_store, tmp_path_factory.mktemp("body-limit") / "serve.log", workers=1) as server:
        (worker,) = [pid for pid in descendants(server.pid) if b"_bentoml_impl.worker" in cmdline(pid)]
        yield server.url, worker


@pytest.mark.slow
def test_a_20_mb_body_is_a_413_without_a_memory_spike(real_server: tuple[str, int]) -> None:
    url, worker = real_server
    twenty_mb = b"x" * (20 * 1024 * 1024)
    before = _peak_rss_kb(worker)
    with httpx.Client(base_url=url, timeout=60) as http:
        declared = http.post("/predict", content=twenty_mb, headers=JSON)
        assert declared.status_code == 413 and "body" in declared.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams, refused at the limit
            for i in range(0, len(twenty_mb), 1 << 20):
                yield twenty_mb[i : i + (1 << 20)]

        streamed = http.post("/predict", content=chunks(), headers=JSON)
        assert streamed.status_code == 413
    with httpx.Client(base_url=url, timeout=60) as http:
        assert http.post("/predict", json={"records": [GOOD], "evidence": 0}).status_code == 200
    grown_mb = (_peak_rss_kb(worker) - before) / 1024
    assert grown_mb < MAX_BODY_BYTES / 2**20 + 8, f"the worker's peak memory grew by {grown_mb:.0f} MB"
