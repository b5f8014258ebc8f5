"""The tables of applications-svc, in its own schema `applications`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("applications")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from applications.applications import models as _applications  # noqa: F401
    from applications.definitions import models as _definitions  # noqa: F401
    from applications.documents import models as _documents  # noqa: F401
    from applications.facts import models as _facts  # noqa: F401
