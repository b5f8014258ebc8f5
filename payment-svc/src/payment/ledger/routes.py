from __future__ import annotations

from fastapi import APIRouter, Depends

from kit.app import Session
from kit.auth import Role, staff_of
from kit.errors import responses
from payment.deps import Ctx, Now
from payment.ledger import service
from payment.ledger.schemas import AccountBalance, Balances
from payment.money import service as money
from payment.money.schemas import MoneyInvariant

router = APIRouter(prefix="/v1/payments/ledger", tags=["ledger"])


@router.get(
    "/balances",
    response_model=Balances,
    responses=responses(401, 403),
    dependencies=[Depends(staff_of(Role.AUDITOR))],
)
async def get_ledger_balances(session: Session) -> Balances:
    """Every account's balance, and the totals per provider and per service (auditors, admins)."""
    rows = await service.balances(session)
    return Balances(
        accounts=[AccountBalance(account=a, balance_piastres=b) for a, b in rows],
        by_provider={a.removeprefix("provider:"): b for a, b in rows if a.startswith("provider:")},
        by_service={a.removeprefix("service:"): -b for a, b in rows if a.startswith("service:")},
        total_piastres=sum(b for _, b in rows),
        unbalanced_entries=await service.unbalanced_entries(session),
    )


@router.get(
    "/invariant",
    response_model=MoneyInvariant,
    responses=responses(401, 403),
    dependencies=[Depends(staff_of(Role.AUDITOR))],
)
async def money_invariant(session: Session, ctx: Ctx, now: Now) -> MoneyInvariant:
    """Reconciliation of the money (auditors, admins): captured = fees kept for orders fulfilled or
    in progress + refunds issued; what is in between, payment by payment."""
    return await money.invariant(session, service_time=ctx.resources.policy.service_time, now=now)
