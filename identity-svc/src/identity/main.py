from fastapi import FastAPI

from identity.handlers import handlers
from identity.models import Base
from identity.settings import Settings
from kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="Shubbak identity: enrolment, OTP, registry prefill, tokens, staff",
    )
