"""`create_app`: applications-svc's FastAPI app (uvicorn --factory applications.main:create_app)."""

from fastapi import FastAPI

from applications.manifest import manifest
from applications.settings import Settings
from kit.clock import Clock


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
