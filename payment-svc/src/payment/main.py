"""`create_app`: payment-svc's FastAPI app (uvicorn --factory payment.main:create_app)."""

from fastapi import FastAPI

from kit.clock import Clock
from payment.manifest import manifest
from payment.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
