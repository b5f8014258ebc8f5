"""`create_app`: evidence-svc's FastAPI app (uvicorn --factory evidence.main:create_app)."""

from fastapi import FastAPI

from evidence.manifest import manifest
from evidence.settings import Settings
from kit.clock import Clock


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
