"""All SQL of the seals."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from evidence.seals.models import Seal
from kit.repository import Repository


class SealRepository(Repository[Seal]):
    model = Seal
    order = (Seal.number,)

    async def last(self) -> Seal | None:
        return await self.session.scalar(select(Seal).order_by(Seal.number.desc()).limit(1))

    async def covering(self, sequences: Sequence[int]) -> list[Seal]:
        """The seals whose ranges hold these sequences."""
        if not sequences:
            return []
        low, high = min(sequences), max(sequences)
        query = select(Seal).where(Seal.last_sequence >= low, Seal.first_sequence <= high).order_by(Seal.number)
        wanted = set(sequences)
        return [
            seal
            for seal in (await self.session.scalars(query)).all()
            if any(seal.first_sequence <= s <= seal.last_sequence for s in wanted)
        ]

    async def after(self, number: int, *, limit: int) -> Sequence[Seal]:
        query = select(Seal).where(Seal.number > number).order_by(Seal.number).limit(limit)
        return (await self.session.scalars(query)).all()
