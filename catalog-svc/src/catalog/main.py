from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from catalog import texts  # noqa: F401 - registers the problem texts
from catalog.audit.routes import router as audit_router
from catalog.catalogue.routes import router as catalogue_router
from catalog.handlers import handlers
from catalog.models import Base
from catalog.quotes.keys import QuoteKeys
from catalog.quotes.routes import router as quotes_router
from catalog.rollout.routes import router as rollout_router
from catalog.settings import Settings
from catalog.tariffs.routes import router as tariffs_router
from kit.app import create_service_app
from kit.db import transaction
from kit.runtime import Runtime


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    keys = QuoteKeys(
        settings.quote_key_secret.get_secret_value(),
        retired_published_for=timedelta(seconds=settings.retired_key_published_seconds),
    )

    async def ensure_signing_key(runtime: Runtime) -> None:
        async with transaction(runtime.sessions) as session:
            await keys.active(session, now=datetime.now(UTC))

    app = create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=[catalogue_router, tariffs_router, rollout_router, quotes_router, audit_router],
        handlers=handlers,
        title="Shubbak catalog: services, fixed fees, roll-out",
        on_startup=ensure_signing_key,
    )
    app.state.quote_keys = keys
    return app
