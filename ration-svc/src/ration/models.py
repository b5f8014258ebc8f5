"""The tables of ration-svc, in its own schema `ration`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("ration")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)

# Every domain's tables, so `Base.metadata` (Alembic, tests) sees them all.
from ration.appeals import models as _appeals  # noqa: E402, F401
from ration.audit import models as _audit  # noqa: E402, F401
from ration.cards import models as _cards  # noqa: E402, F401
from ration.eligibility import models as _eligibility  # noqa: E402, F401
from ration.facts import models as _facts  # noqa: E402, F401
from ration.imports import models as _imports  # noqa: E402, F401
from ration.requests import models as _requests  # noqa: E402, F401
from ration.rules import models as _rules  # noqa: E402, F401
