from fastapi import FastAPI

from kit.app import create_service_app
from payment.handlers import handlers
from payment.models import Base
from payment.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak payments: card, wallet, post office, e-payment networks",
    )
