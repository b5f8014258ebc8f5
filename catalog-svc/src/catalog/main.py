from fastapi import FastAPI

from catalog.handlers import handlers
from catalog.models import Base
from catalog.settings import Settings
from kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak catalog: services, fixed fees, roll-out",
    )
