"""Tariffs: reading the one in force, publishing a new version (admin, audited, announced)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.audit import service as audit
from catalog.tariffs import pricing
from catalog.tariffs.models import Tariff
from catalog.tariffs.repository import TariffRepository
from catalog.tariffs.schemas import Component, TariffIn, TariffList, TariffOut
from contracts.events.catalog import ChannelFee, TariffChanged
from kit.auth import Caller
from kit.errors import ProblemError
from kit.messaging import record


def out(tariff: Tariff) -> TariffOut:
    return TariffOut(
        service_code=tariff.service_code,
        version=tariff.version,
        effective_from=tariff.effective_from,
        channels=tariff.channels,
        methods=tariff.methods,
        components=[Component.model_validate(row) for row in tariff.components],
        fees=pricing.fee_table(tariff.components, tariff.channels, tariff.methods),
        published_at=tariff.published_at,
    )


async def in_force(session: AsyncSession, *, service_code: str, now: datetime) -> Tariff | None:
    return await TariffRepository(session).in_force(service_code, now)


async def current_and_next(
    session: AsyncSession, *, service_code: str, now: datetime
) -> tuple[TariffOut | None, TariffOut | None]:
    repo = TariffRepository(session)
    current, upcoming = await repo.in_force(service_code, now), await repo.upcoming(service_code, now)
    return (out(current) if current else None, out(upcoming) if upcoming else None)


async def history(session: AsyncSession, *, service_code: str) -> TariffList:
    return TariffList(items=[out(t) for t in await TariffRepository(session).all_of(service_code)])


async def publish(
    session: AsyncSession, *, service_code: str, tariff: TariffIn, caller: Caller, now: datetime
) -> TariffOut:
    """Publish the next tariff version. The caller must have locked the service row, so two
    admins publishing at once get consecutive versions."""
    errors = pricing.problems(tariff, now=now)
    if errors:
        raise ProblemError("invalid_tariff", status=422, errors=errors)
    repo = TariffRepository(session)
    before = await repo.in_force(service_code, now)
    row = Tariff(
        service_code=service_code,
        version=await repo.latest_version(service_code) + 1,
        effective_from=tariff.effective_from or now,
        channels=list(tariff.channels),
        methods=list(tariff.methods),
        components=[c.model_dump() for c in tariff.components],
        published_by=caller.subject,
        published_at=now,
        reason=tariff.reason,
    )
    await repo.add(row)
    published = out(row)
    await audit.write(
        session,
        caller=caller,
        action="tariff.published",
        service_code=service_code,
        target=f"v{row.version}",
        before=out(before).model_dump(mode="json") if before else None,
        after=published.model_dump(mode="json"),
        reason=tariff.reason,
        now=now,
    )
    await record(
        session,
        TariffChanged(
            service_code=service_code,
            tariff_version=row.version,
            fees=tuple(
                ChannelFee(channel=fee.channel, method=fee.method, fee_piastres=fee.total_piastres)
                for fee in published.fees
            ),
            effective_from=row.effective_from,
            changed_at=now,
        ),
    )
    return published
