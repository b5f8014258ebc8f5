from fastapi import FastAPI

from kit.app import create_service_app
from office_routing.handlers import handlers
from office_routing.models import Base
from office_routing.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak office routing: offices, capacity, appointments",
    )
