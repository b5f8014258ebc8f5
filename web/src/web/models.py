"""The tables of web, in its own schema `web`: the server-side sessions (tokens never reach the
browser) and the messaging tables every Shubbak service carries."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("web")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from web.sessions import models as _sessions  # noqa: F401
