"""The tables of catalog-svc, in its own schema `catalog`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("catalog")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from catalog.audit import models as _audit  # noqa: F401
    from catalog.catalogue import models as _catalogue  # noqa: F401
    from catalog.quotes import models as _quotes  # noqa: F401
    from catalog.rollout import models as _rollout  # noqa: F401
    from catalog.tariffs import models as _tariffs  # noqa: F401
