import asyncio

from fastapi import FastAPI

from kit.app import create_service_app
from kit.catalog import Catalog
from kit.registry import Registry
from kit.runtime import Runtime
from ration import scheduler
from ration.appeals.routes import router as appeals_router
from ration.cards.routes import router as cards_router
from ration.handlers import handlers
from ration.imports.routes import router as imports_router
from ration.models import Base
from ration.requests.routes import router as requests_router
from ration.rules.routes import router as rules_router
from ration.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    async def start_scheduler(runtime: Runtime) -> None:
        app.state.catalog = Catalog(
            runtime.http,
            settings.catalog_url,
            token=settings.internal_token.get_secret_value(),
            timeout=settings.catalog_timeout_seconds,
            attempts=settings.catalog_attempts,
        )
        app.state.registry = Registry(
            runtime.http,
            settings.identity_url,
            settings.identity_internal_token.get_secret_value(),
            timeout=settings.identity_timeout_seconds,
            attempts=settings.identity_attempts,
        )
        task = asyncio.create_task(scheduler.run(runtime, settings.tick_seconds), name="ration-scheduler")
        runtime.tasks.append(task)

    app = create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=[cards_router, requests_router, appeals_router, rules_router, imports_router],
        handlers=handlers,
        title="Shubbak ration cards: households, card services, eligibility, appeals",
        on_startup=start_scheduler,
    )
    return app
