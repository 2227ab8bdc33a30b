"""An ASGI middleware that makes every client error say which field is wrong, in the shape the OpenAPI document
declares, and makes that document declare every status the service answers.

BentoML 1.4 answers a schema error 400 ``{"error": "1 validation error for RecordsRequest", "detail": [...]}`` (the
field only inside ``detail``, which its own OpenAPI component declares a string) and an ``InvalidArgument`` raised by
the service as a one-element list ``[{"error": ...}]``; its ``/docs.json`` lists neither 413 (``BodyLimit``) nor 422
(a record that cannot be featurized). This rewrites those bodies and that document, and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

from asepred.serving.asgi import ASGIApp, Message, Receive, Scope, Send

#: The error body every 4xx of the service has: ``error`` names the field first (``records[0].material: ...``).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "What is wrong, starting with the field: records[i].field: ..."},
        "detail": {"type": "array", "items": {"type": "object"}, "description": "Every schema error, located."},
    },
}
ERRORS = {
    "400": "The body is not JSON or does not match the request schema: error names the first field.",
    "413": "The body is over the size limit (sent unread): send fewer records per request.",
    "415": "The body is not declared application/json (sent unread).",
    "422": "The body matches the schema but cannot be used (an unreadable formula or SMILES, a search space or a lab "
    "table that does not hold together): the record or field.",
}
ERROR_PATHS = ("/predict", "/explain", "/suggest")


def _location(loc: list[Any]) -> str:
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "body"


def _named(body: Any) -> Any:
    """400: ``error`` made to name the field(s); 422: the object out of its one-element list."""
    if isinstance(body, list) and len(body) == 1 and isinstance(body[0], dict):
        return body[0]
    if isinstance(body, dict) and isinstance(body.get("detail"), list) and body["detail"]:
        named = [f"{_location(e.get('loc', []))}: {e.get('msg', '')}" for e in body["detail"][:5]]
        more = len(body["detail"]) - len(named)
        return {**body, "error": "; ".join(named) + (f" (and {more} more)" if more > 0 else "")}
    return body


def _nullable_references(schema: dict[str, Any]) -> None:
    """An optional model field (``reference: ReferenceSample | None = None``) comes out of BentoML as a bare ``$ref``
    beside ``default: null``, which says null is not allowed; OpenAPI 3.0 says it with ``nullable``."""
    for name, prop in schema.get("properties", {}).items():
        if "$ref" in prop and prop.get("default", "absent") is None:
            extra = {k: v for k, v in prop.items() if k != "$ref"}
            schema["properties"][name] = {"allOf": [{"$ref": prop["$ref"]}], "nullable": True, **extra}


def _openapi_30(node: Any) -> None:
    """Pydantic writes JSON Schema 2020-12 into BentoML's OpenAPI 3.0 document: a numeric ``exclusiveMinimum`` and
    ``{"type": "null"}`` branches, which 3.0 spells ``minimum`` + ``exclusiveMinimum: true`` and ``nullable``."""
    if isinstance(node, list):
        for item in node:
            _openapi_30(item)
        return
    if not isinstance(node, dict):
        return
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        value = node.get(exclusive)
        if isinstance(value, int | float) and not isinstance(value, bool):
            node[bound], node[exclusive] = value, True
    branches = node.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        node.pop("anyOf")
        node["nullable"] = True
        for branch in rest:  # an enum lists every value accepted, null too (OpenAPI 3.0.3, "nullable")
            if "enum" in branch and None not in branch["enum"]:
                branch["enum"] = [*branch["enum"], None]
        if len(rest) == 1:
            node.update({k: v for k, v in rest[0].items() if k not in node or k == "type"})
        else:
            node["anyOf"] = rest
    for value in node.values():
        _openapi_30(value)


def amended_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the error responses the service really gives on ``ERROR_PATHS``, in OpenAPI 3.0 terms."""
    _openapi_30(spec.get("components", {}))
    for item in spec.get("paths", {}).values():
        _openapi_30(item)
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    components["ClientError"] = ERROR_SCHEMA
    for path in ERROR_PATHS:
        operation = spec.get("paths", {}).get(path, {}).get("post")
        if operation is None:
            continue
        operation.setdefault("requestBody", {})["required"] = True  # an empty body is a 400, not a valid request
        for content in operation["requestBody"].get("content", {}).values():
            _nullable_references(content.get("schema", {}))
        for status, description in ERRORS.items():
            operation["responses"][status] = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientError"}}},
            }
    return spec


class ClientErrors:
    """Rewrite 400/422 bodies of the service's APIs and its ``/docs.json`` (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path in ERROR_PATHS or path == "/docs.json"):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                status = message["status"]
                rewrites = (path == "/docs.json" and status == 200) or (path != "/docs.json" and status in (400, 422))
                if not rewrites:
                    await send(message)
                    return
                held = message
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = json.loads(b"".join(chunks) or b"null")
            body = amended_openapi(body) if path == "/docs.json" else _named(body)
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers = [(k, v) for k, v in held.get("headers", []) if k.lower() != b"content-length"]
            await send({**held, "headers": [*headers, (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})

        await self.app(scope, receive, rewrite)
