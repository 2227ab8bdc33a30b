"""The plain-HTTP side of the service, mounted into the BentoML app: ``GET /model`` (a class view of the service)
and the web page under ``/ui`` (its files in ``serving/ui/``, served by this app, no CDN)."""

from __future__ import annotations

from fastapi import FastAPI

web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
