"""Staff accounts: roles, office/governorate binding, scrypt passwords, lock-out after failures."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.governorates import BY_CODE
from identity.problems import Refusal, texts
from identity.staff.models import StaffMember
from identity.staff.passwords import DUMMY_HASH, hash_password, verify_password
from kit import i18n
from kit.auth import Role
from kit.errors import Conflict, ProblemError

LOCK_MINUTES = 15
MIN_PASSWORD = 12
NEEDS_OFFICE = {Role.NOTARY_CLERK, Role.OFFICE_CLERK, Role.RATION_OFFICER}

texts(
    {
        "invalid_credentials": (
            "بيانات الدخول غير صحيحة",
            "Wrong username or password",
            "اسم المستخدم أو كلمة المرور غير صحيحة، أو الحساب موقوف مؤقتًا.",
            "The username or password is wrong, or the account is temporarily locked.",
        ),
        "staff_exists": ("المستخدم موجود", "Username taken", "اسم المستخدم مستخدم بالفعل.", "That username exists."),
        "staff_invalid": ("بيانات غير صالحة", "Invalid staff details", "{reason}", "{reason}"),
    }
)


def _now() -> datetime:
    return datetime.now(UTC)


def _invalid(ar: str, en: str) -> ProblemError:
    return ProblemError("staff_invalid", status=422, params={"reason": i18n.Words(ar=ar, en=en)})


async def create(
    session: AsyncSession,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    office_id: str | None = None,
    governorate: str | None = None,
) -> StaffMember:
    known = {r.value for r in Role}
    if not roles or any(r not in known for r in roles):
        roles_list = ", ".join(sorted(known))
        raise _invalid(f"الأدوار المسموح بها: {roles_list}.", f"Roles must be among: {roles_list}.")
    if len(password) < MIN_PASSWORD:
        raise _invalid(
            f"يجب ألا تقل كلمة المرور عن {i18n.number(MIN_PASSWORD, 'ar')} حرفًا.",
            f"The password needs at least {MIN_PASSWORD} characters.",
        )
    if governorate is not None and governorate not in BY_CODE:
        raise _invalid("رمز محافظة غير معروف.", "Unknown governorate code.")
    if set(roles) & NEEDS_OFFICE and not (office_id and governorate):
        raise _invalid("أدوار المكاتب تتطلب تحديد المكتب والمحافظة.", "Office roles need an office and a governorate.")
    if await session.scalar(select(StaffMember.id).where(StaffMember.username == username)):
        raise Conflict("staff_exists")
    member = StaffMember(
        id=uuid.uuid4(),
        username=username,
        full_name=full_name,
        password_hash=await asyncio.to_thread(hash_password, password),
        roles=sorted(set(roles)),
        office_id=office_id,
        governorate=governorate,
        active=True,
        failed_logins=0,
        created_at=_now(),
    )
    session.add(member)
    await session.flush()
    return member


async def authenticate(session: AsyncSession, *, username: str, password: str, max_failures: int) -> StaffMember:
    member = await session.scalar(select(StaffMember).where(StaffMember.username == username).with_for_update())
    if member is None:
        await asyncio.to_thread(verify_password, password, DUMMY_HASH)
        raise ProblemError("invalid_credentials", status=401)
    locked = member.locked_until is not None and member.locked_until > _now()
    ok = await asyncio.to_thread(verify_password, password, member.password_hash)
    if not ok or locked or not member.active:
        if not ok:
            member.failed_logins += 1
            if member.failed_logins >= max_failures:
                member.locked_until = _now() + timedelta(minutes=LOCK_MINUTES)
                member.failed_logins = 0
        raise Refusal("invalid_credentials", status=401)
    member.failed_logins = 0
    return member


async def get_active(session: AsyncSession, *, staff_id: uuid.UUID) -> StaffMember:
    member = await session.get(StaffMember, staff_id)
    if member is None or not member.active:
        raise ProblemError("forbidden", status=403)
    return member
