"""The shared repository base: get, create, and keyset (cursor) pagination."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute

from kit.errors import FieldError, ProblemError

Model = TypeVar("Model", bound=DeclarativeBase)

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[Model]):
    items: Sequence[Model]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError) as exc:  # RecursionError: a cursor of nested brackets
        raise _bad_cursor() from exc
    if not isinstance(values, list) or len(values) != width:
        raise _bad_cursor()
    return values


def _bad_cursor() -> ProblemError:
    return ProblemError(
        "validation_failed",
        status=422,
        errors=[FieldError(field="query.cursor", reason="Invalid cursor / مؤشر غير صالح", code="invalid_cursor")],
    )


def _revive(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    """Turn a cursor's JSON value back into the column's Python type."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is uuid.UUID:
            return uuid.UUID(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise _bad_cursor() from exc


class Repository(Generic[Model]):
    """Subclass with `model = SomeTable` and `order = (SomeTable.created_at, SomeTable.id)`."""

    model: type[Model]
    order: tuple[InstrumentedAttribute[Any], ...]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ident: Any, *, for_update: bool = False) -> Model | None:
        """The row with this primary key, or None. `for_update=True` locks it (SELECT ... FOR
        UPDATE) until the transaction ends, and reads it fresh even if the session holds it."""
        if for_update:
            return await self.session.get(self.model, ident, with_for_update=True, populate_existing=True)
        return await self.session.get(self.model, ident)

    async def add(self, obj: Model) -> Model:
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def paginate(
        self,
        query: Select[Any] | None = None,
        *,
        limit: int = 20,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> Page[Model]:
        """Keyset pagination over `self.order`, ascending or (`newest_first`) descending; stable
        under concurrent inserts."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        query = query if query is not None else select(self.model)
        if cursor:
            after = decode_cursor(cursor, len(self.order))
            bound = [literal(_revive(value, col), col.type) for value, col in zip(after, self.order, strict=True)]
            keys, past = tuple_(*self.order), tuple_(*bound)
            query = query.where(keys < past if newest_first else keys > past)
        order = [col.desc() for col in self.order] if newest_first else list(self.order)
        rows = list((await self.session.scalars(query.order_by(*order).limit(limit + 1))).all())
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = encode_cursor([getattr(last, col.key) for col in self.order])
        return Page(items=rows, next_cursor=next_cursor)
