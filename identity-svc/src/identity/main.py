from datetime import timedelta

from fastapi import FastAPI

from identity import sms as _sms_texts  # noqa: F401 - registers the SMS texts
from identity.accesslog.routes import router as access_log_router
from identity.callcentre.routes import router as call_centre_router
from identity.citizens.routes import router as me_router
from identity.dev.routes import router as dev_router
from identity.enrolment.routes import router as enrolment_router
from identity.handlers import handlers
from identity.mobilechange.routes import router as mobile_change_router
from identity.models import Base, load_all
from identity.notifications.dispatcher import Dispatcher
from identity.notifications.service import SERVICE_NAMES
from identity.registry.routes import router as internal_registry_router
from identity.sessions.keys import KeyRing
from identity.sessions.routes import jwks_router
from identity.sessions.routes import router as sessions_router
from identity.settings import Settings
from identity.sms.provider import DevOutbox, FailoverSender, development_providers
from identity.staff.routes import router as staff_router
from kit.app import create_service_app
from kit.auth import Issuer, TokenVerifier
from kit.catalog import ServiceNames
from kit.runtime import Runtime

load_all()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    outbox = DevOutbox()
    sender = FailoverSender(
        development_providers(outbox),
        timeout_seconds=settings.sms_timeout_seconds,
        pause_seconds=settings.sms_provider_pause_seconds,
    )

    async def on_startup(runtime: Runtime) -> None:
        keyring = KeyRing(
            runtime.sessions,
            secret=settings.key_encryption_secret.get_secret_value(),
            publish_after_retire=timedelta(
                seconds=max(settings.access_token_seconds, settings.staff_token_seconds) + 60
            ),
        )
        await keyring.ensure()
        app.state.keyring = keyring
        # identity verifies its own tokens against its keys directly, not over HTTP.
        app.state.verifier = TokenVerifier(
            keyring,  # type: ignore[arg-type]  # duck-types JWKSCache (key by kid)
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            issued_by=Issuer.IDENTITY,
        )
        runtime.resources[SERVICE_NAMES] = ServiceNames(
            runtime.http, settings.catalog_url, timeout=settings.catalog_timeout_seconds
        )
        dispatcher = Dispatcher(runtime.sessions, sender)
        app.state.dispatcher = dispatcher
        runtime.spawn(dispatcher.run(runtime.stop), name="sms-dispatcher")

    app = create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=[
            enrolment_router,
            sessions_router,
            jwks_router,
            me_router,
            mobile_change_router,
            access_log_router,
            staff_router,
            call_centre_router,
            dev_router,
            internal_registry_router,
        ],
        handlers=handlers,
        title="Shubbak identity: enrolment, OTP, registry prefill, tokens, staff",
        on_startup=on_startup,
    )
    app.state.identity_settings = settings
    app.state.sms_outbox = outbox
    app.state.sms = sender
    return app
