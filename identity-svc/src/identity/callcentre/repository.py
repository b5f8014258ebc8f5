"""All SQL of the call centre's consent grants."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from identity.callcentre.models import AccessGrant
from kit.repository import Repository


class AccessGrantRepository(Repository[AccessGrant]):
    model = AccessGrant
    order = (AccessGrant.granted_at, AccessGrant.id)

    async def valid(self, *, staff_id: uuid.UUID, citizen_id: uuid.UUID, at: datetime) -> AccessGrant | None:
        """The grant of this staff member to this citizen lasting longest after `at`, if any."""
        found: AccessGrant | None = await self.session.scalar(
            select(AccessGrant)
            .where(AccessGrant.staff_id == staff_id, AccessGrant.citizen_id == citizen_id, AccessGrant.expires_at > at)
            .order_by(AccessGrant.expires_at.desc())
            .limit(1)
        )
        return found
