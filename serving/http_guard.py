"""An ASGI middleware for what every response of the service must say, and what no API accepts.

- ``POST`` to an API (``JSON_APIS``) with a body that is not declared ``application/json`` is answered 415 before the
  app reads it: BentoML parses a ``text/plain`` body as JSON, and a ``text/plain`` POST is one any web page can send
  without a CORS preflight.
- Every response carries ``X-Content-Type-Options: nosniff`` and ``X-Frame-Options: DENY``; the web page (``/ui``)
  and the API's JSON a ``Content-Security-Policy`` that lets them load only from the service itself (the page has no
  inline script or style, and asks nothing off the server). BentoML's Swagger page at ``/`` keeps its own assets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from asepred.serving.asgi import ASGIApp, Message, Receive, Scope, Send

JSON_APIS = ("/predict", "/explain", "/suggest")
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]


def policy(path: str) -> bytes | None:
    """The Content-Security-Policy of a path: the page's under ``/ui``, the API's elsewhere, none for Swagger."""
    if path == "/ui" or path.startswith("/ui/"):
        return PAGE_POLICY.encode()
    if path in ("/", "/docs") or path.startswith("/static_content"):
        return None
    return API_POLICY.encode()


def media_type(scope: Scope) -> str:
    raw = dict(scope.get("headers") or ()).get(b"content-type", b"")
    return raw.decode("latin-1").split(";", 1)[0].strip().lower()


async def send_json(send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A complete JSON response."""
    payload = json.dumps(body, ensure_ascii=False).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": payload})


class HttpGuard:
    """415 for a non-JSON body on ``JSON_APIS``; security headers on every response (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = [*ALWAYS]
        csp = policy(path)
        if csp is not None:
            extra.append((b"content-security-policy", csp))
        if scope.get("method") == "POST" and path in JSON_APIS and media_type(scope) != "application/json":
            got = media_type(scope) or "none"
            detail = f"content-type: send the body as application/json (got {got})"
            await send_json(send, 415, {"error": detail}, extra)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, with_headers)
