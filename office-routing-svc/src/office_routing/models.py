"""The tables of office-routing-svc, in its own schema `office_routing`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("office_routing")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from office_routing.appointments import models as _appointments  # noqa: F401
    from office_routing.offices import models as _offices  # noqa: F401
