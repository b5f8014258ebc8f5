"""`create_app`: office-routing-svc's FastAPI app (uvicorn --factory office_routing.main:create_app)."""

from fastapi import FastAPI

from kit.clock import Clock
from office_routing.manifest import manifest
from office_routing.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
