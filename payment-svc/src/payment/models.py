"""The tables of payment-svc, in its own schema `payment`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("payment")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from payment.intents import models as _intents  # noqa: F401
    from payment.ledger import models as _ledger  # noqa: F401
    from payment.notifications import models as _notifications  # noqa: F401
    from payment.reconciliation import models as _reconciliation  # noqa: F401
    from payment.refunds import models as _refunds  # noqa: F401
