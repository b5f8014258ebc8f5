"""The tables of identity-svc, in its own schema `identity`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("identity")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` holds them all (Alembic, tests)."""
    from identity.accesslog import models as _accesslog  # noqa: F401
    from identity.callcentre import models as _callcentre  # noqa: F401
    from identity.citizens import models as _citizens  # noqa: F401
    from identity.mobilechange import models as _mobilechange  # noqa: F401
    from identity.notifications import models as _notifications  # noqa: F401
    from identity.otp import models as _otp  # noqa: F401
    from identity.registry import models as _registry  # noqa: F401
    from identity.sessions import models as _sessions  # noqa: F401
    from identity.staff import models as _staff  # noqa: F401
