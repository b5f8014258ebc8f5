"""payment-svc, declared once: what kit builds and runs."""

from kit.service import Manifest, Sweep
from payment.answers import service as answers
from payment.handlers import handlers
from payment.intents import routes as intent_routes
from payment.intents.service import expire_due
from payment.ledger import routes as ledger_routes
from payment.models import Base, load_all
from payment.money import service as money
from payment.notifications import routes as notification_routes
from payment.providers import routes as sandbox_routes
from payment.receipts import routes as receipt_routes
from payment.reconciliation import routes as reconciliation_routes
from payment.refunds import routes as refund_routes
from payment.resources import Resources, build_resources
from payment.settings import Settings
from payment.texts import TEXTS

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak payments: card, wallet, post office, e-payment networks",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[
        ledger_routes.router,
        reconciliation_routes.router,
        refund_routes.router,
        intent_routes.router,
        receipt_routes.router,
        notification_routes.router,
    ],
    development_routers=[sandbox_routes.router],  # the sandbox providers, never in production
    handlers=handlers,
    texts=TEXTS,
    # Each sweep runs in a transaction of its own; its state is in the database (the expiry and
    # answer sweeps claim rows with SKIP LOCKED), so every replica may sweep, and one that dies
    # loses nothing: the next sweep, here or elsewhere, picks it up.
    sweeps=[
        Sweep(
            "expiry",
            seconds=lambda settings: settings.expiry_sweep_seconds,
            run=lambda session, ctx: expire_due(session, now=ctx.now()),
        ),
        Sweep(
            "answers",
            seconds=lambda settings: settings.answer_sweep_seconds,
            run=lambda session, ctx: answers.sweep(
                session, providers=ctx.resources.providers, policy=ctx.resources.policy, now=ctx.now()
            ),
        ),
        Sweep(
            "money-watch",
            seconds=lambda settings: settings.answer_sweep_seconds,
            run=lambda session, ctx: money.watch(
                session, service_time=ctx.resources.policy.service_time, now=ctx.now()
            ),
        ),
    ],
)
