"""`create_app`: notary-svc's FastAPI app (uvicorn --factory notary.main:create_app)."""

from fastapi import FastAPI

from kit.clock import Clock
from notary.manifest import manifest
from notary.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
