"""`create_app`: catalog-svc's FastAPI app (uvicorn --factory catalog.main:create_app)."""

from fastapi import FastAPI

from catalog.manifest import manifest
from catalog.settings import Settings
from kit.clock import Clock


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
