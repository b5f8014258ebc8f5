"""The tables of evidence-svc, in its own schema `evidence`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("evidence")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from evidence.archive import models as _archive  # noqa: F401
    from evidence.seals import models as _seals  # noqa: F401
