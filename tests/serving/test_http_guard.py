"""What every response says and what no API accepts (serving/http_guard.py), in process through the ASGI app."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

BODY = b'{"records": [{"material": "CsPbBr3", "dimensionality": "nanocrystal"}], "evidence": 0}'


@pytest.mark.parametrize("path", ["/predict", "/explain"])
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_a_body_not_declared_json_is_415(client: TestClient, path: str, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(path, content=BODY, headers=headers)
    assert response.status_code == 415
    assert response.json()["error"].startswith("content-type: send the body as application/json")


def test_json_with_a_charset_is_json(client: TestClient) -> None:
    response = client.post("/predict", content=BODY, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/ui/", "/ui/app.js", "/model", "/readyz", "/docs.json"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_page_may_load_only_from_the_service(client: TestClient) -> None:
    policy = client.get("/ui/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_openapi_document_declares_415(client: TestClient) -> None:
    operation = client.get("/docs.json").json()["paths"]["/predict"]["post"]
    assert "415" in operation["responses"]


def test_every_value_accepted_is_in_the_documented_enum(client: TestClient) -> None:
    schemas = client.get("/docs.json").json()["components"]["schemas"]
    strategy = schemas["PredictionRecord"]["properties"]["strategy"]
    assert strategy["nullable"] is True and None in strategy["enum"]
    body = b'{"records": [{"material": "CsPbBr3", "dimensionality": "3D film", "strategy": null}], "evidence": 0}'
    assert client.post("/predict", content=body, headers={"content-type": "application/json"}).status_code == 200
