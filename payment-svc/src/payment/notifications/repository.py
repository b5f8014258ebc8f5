from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert

from kit.repository import Repository
from payment.notifications.models import NotificationRefusal, ProviderNotification


class NotificationRepository(Repository[ProviderNotification]):
    model = ProviderNotification
    order = (ProviderNotification.received_at, ProviderNotification.id)

    async def log(self, values: dict[str, Any]) -> int | None:
        """Log a notification; an authentic one only once per (provider, id): None if seen before."""
        statement = insert(ProviderNotification).values(**values)
        if values.get("signature_valid"):
            statement = statement.on_conflict_do_nothing(
                index_elements=["provider", "notification_id"],
                index_where=ProviderNotification.signature_valid.expression,
            )
        return await self.session.scalar(statement.returning(ProviderNotification.id))

    async def settle(self, row_id: int, *, outcome: str, payment_id: Any = None, reason: str | None = None) -> None:
        await self.session.execute(
            update(ProviderNotification)
            .where(ProviderNotification.id == row_id)
            .values(outcome=outcome, payment_id=payment_id, reason=reason)
        )


class RefusalRepository(Repository[NotificationRefusal]):
    model = NotificationRefusal
    order = (NotificationRefusal.id,)

    async def record(self, values: dict[str, Any], *, keep: int) -> None:
        """Remember a refusal and forget those older than the newest `keep`: a flood of forged
        notifications costs a bounded table, whatever it sends."""
        row_id = await self.session.scalar(
            insert(NotificationRefusal).values(**values).returning(NotificationRefusal.id)
        )
        assert row_id is not None
        await self.session.execute(delete(NotificationRefusal).where(NotificationRefusal.id <= row_id - keep))
