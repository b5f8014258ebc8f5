"""`create_app`: ration-svc's FastAPI app (uvicorn --factory ration.main:create_app)."""

from fastapi import FastAPI

from kit.clock import Clock
from ration.manifest import manifest
from ration.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
