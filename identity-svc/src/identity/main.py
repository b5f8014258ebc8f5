"""`create_app`: identity-svc's FastAPI app (uvicorn --factory identity.main:create_app)."""

from fastapi import FastAPI

from identity.manifest import manifest
from identity.settings import Settings
from kit.clock import Clock


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
