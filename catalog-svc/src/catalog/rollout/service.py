"""Roll-out: whether a service is live in a governorate now, and changing it (admin, audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.audit import service as audit
from catalog.catalogue.models import Service
from catalog.rollout.governorates import BY_CODE, GOVERNORATES, PHASES
from catalog.rollout.models import Rollout
from catalog.rollout.repository import RolloutRepository
from catalog.rollout.schemas import RolloutEntry, RolloutIn, RolloutList, Status
from contracts.events.catalog import RolloutChanged
from kit import i18n
from kit.auth import Caller
from kit.errors import FieldError, ProblemError
from kit.messaging import record


def status(row: Rollout | None, now: datetime) -> Status:
    if row is None:
        return "planned"
    if row.suspended:
        return "suspended"
    if row.live_from is None or row.live_from > now:
        return "planned"
    return "pilot" if row.pilot else "live"


def check_governorate(code: str, field: str) -> None:
    if code not in BY_CODE:
        raise ProblemError(
            "validation_failed",
            status=422,
            errors=[
                FieldError(field=field, reason=i18n.text("catalog.unknown_governorate"), code="unknown_governorate")
            ],
        )


def entry(code: str, row: Rollout | None, now: datetime) -> RolloutEntry:
    gov = BY_CODE[code]
    return RolloutEntry(
        governorate=code,
        governorate_name_ar=gov.name_ar,
        governorate_name_en=gov.name_en,
        phase=PHASES[gov.code],
        status=status(row, now),
        live_from=row.live_from if row else None,
        pilot=row.pilot if row else False,
        suspended=row.suspended if row else False,
    )


async def listing(session: AsyncSession, *, service_code: str, now: datetime) -> RolloutList:
    rows = {r.governorate: r for r in await RolloutRepository(session).all_of(service_code)}
    return RolloutList(service_code=service_code, items=[entry(g.code, rows.get(g.code), now) for g in GOVERNORATES])


async def ensure_available(session: AsyncSession, *, service: Service, governorate: str | None, now: datetime) -> None:
    """Refuse (409) a service that is not live in `governorate` now, saying when it will be.
    Without a governorate, the service must be live in at least one."""
    repo = RolloutRepository(session)
    names: dict[str, object] = {"name": i18n.Words(ar=service.name_ar, en=service.name_en)}
    if governorate is None:
        live = [r for r in await repo.all_of(service.code) if status(r, now) in ("pilot", "live")]
        if live:
            return
        earliest = await repo.earliest_live_from(service.code)
        raise _not_live("service_not_live_yet", names, earliest, None)
    row = await repo.one(service.code, governorate)
    state = status(row, now)
    if state in ("pilot", "live"):
        return
    gov = BY_CODE[governorate]
    where = {**names, "governorate": i18n.Words(ar=gov.name_ar, en=gov.name_en)}
    if state == "suspended":
        raise ProblemError("service_suspended_here", status=409, params=where, extra={"governorate": governorate})
    live_from = row.live_from if row else None
    code = "service_not_live_here" if live_from else "service_not_scheduled_here"
    raise _not_live(code, where, live_from, governorate)


def _not_live(
    code: str, params: dict[str, object], live_from: datetime | None, governorate: str | None
) -> ProblemError:
    if code == "service_not_live_yet" and live_from is None:
        code = "service_coming_soon"
    extra: dict[str, object] = {"live_from": live_from.isoformat() if live_from else None}
    if governorate:
        extra["governorate"] = governorate
    date = i18n.Day(live_from) if live_from else ""
    return ProblemError(code, status=409, params={**params, "date": date}, extra=extra)


async def change(
    session: AsyncSession, *, service_code: str, governorate: str, rollout: RolloutIn, caller: Caller, now: datetime
) -> RolloutEntry:
    repo = RolloutRepository(session)
    row, created = await repo.lock_or_create(service_code, governorate, actor=caller.subject)
    before = None if created else entry(governorate, row, now).model_dump(mode="json")
    row.live_from = rollout.live_from
    row.pilot = rollout.pilot
    row.suspended = rollout.suspended
    row.updated_by = caller.subject
    row.updated_at = now
    await session.flush()
    after = entry(governorate, row, now)
    await audit.write(
        session,
        caller=caller,
        action="rollout.changed",
        service_code=service_code,
        target=governorate,
        before=before,
        after=after.model_dump(mode="json"),
        reason=rollout.reason,
        now=now,
    )
    await record(
        session,
        RolloutChanged(
            service_code=service_code,
            governorate=governorate,
            status=after.status,
            live_from=row.live_from,
            changed_at=now,
        ),
    )
    return after
