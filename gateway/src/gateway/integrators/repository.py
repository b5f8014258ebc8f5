from __future__ import annotations

from sqlalchemy import select

from gateway.integrators.models import Integrator
from kit.repository import Repository


class IntegratorRepository(Repository[Integrator]):
    model = Integrator
    order = (Integrator.created_at, Integrator.id)

    async def by_client_id(self, client_id: str) -> Integrator | None:
        found: Integrator | None = await self.session.scalar(
            select(Integrator).where(Integrator.client_id == client_id)
        )
        return found

    async def by_source(self, source: str) -> Integrator | None:
        found: Integrator | None = await self.session.scalar(select(Integrator).where(Integrator.source == source))
        return found
