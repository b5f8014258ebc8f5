"""The tables of notary-svc, in its own schema `notary`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("notary")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` holds them all (Alembic, tests)."""
    from notary.certificates import models as _certificates  # noqa: F401
    from notary.documents import models as _documents  # noqa: F401
    from notary.poa import models as _poa  # noqa: F401
