from fastapi import FastAPI

from kit.app import create_service_app
from notary.handlers import handlers
from notary.models import Base
from notary.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak notary: powers of attorney and certificates",
    )
