from fastapi import FastAPI

from kit.app import create_service_app
from ration.handlers import handlers
from ration.models import Base
from ration.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak ration cards: households, eligibility, appeals",
    )
