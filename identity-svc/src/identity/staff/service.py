"""Staff accounts: roles, office/governorate binding, scrypt passwords (sign-in: staff.signin)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.governorates import BY_CODE
from identity.staff.models import StaffMember
from identity.staff.passwords import hash_password
from identity.staff.repository import StaffRepository
from kit import i18n
from kit.auth import Role
from kit.errors import Conflict, ProblemError

MIN_PASSWORD = 12
NEEDS_OFFICE = {Role.NOTARY_CLERK, Role.OFFICE_CLERK, Role.RATION_OFFICER}


def _invalid(ar: str, en: str) -> ProblemError:
    return ProblemError("staff_invalid", status=422, params={"reason": i18n.Words(ar=ar, en=en)})


async def create(
    session: AsyncSession,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    now: datetime,
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
    staff = StaffRepository(session)
    if await staff.by_username(username) is not None:
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
        created_at=now,
    )
    return await staff.add(member)


async def get_active(session: AsyncSession, *, staff_id: uuid.UUID) -> StaffMember:
    member = await StaffRepository(session).get(staff_id)
    if member is None or not member.active:
        raise ProblemError("forbidden", status=403)
    return member
