"""Posting to the ledger. Amounts are signed piastres: a debit is positive, a credit negative.

Accounts:
- `provider:<name>`  what a provider holds for us (captures in, refunds and settlements out)
- `service:<code>`   fees collected for a government service (credited on capture)
- `suspense:unallocated` money captured that no order may keep (late or extra captures)
- `bank:treasury`    what providers have settled into the treasury's account
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from payment.ledger.models import LedgerEntry, LedgerLine
from payment.ledger.repository import LedgerRepository

SUSPENSE = "suspense:unallocated"
TREASURY = "bank:treasury"


def provider_account(provider: str) -> str:
    return f"provider:{provider}"


def service_account(service_code: str) -> str:
    return f"service:{service_code}"


async def post(
    session: AsyncSession,
    *,
    kind: str,
    reference: str,
    provider: str,
    debit: str,
    credit: str,
    amount_piastres: int,
    now: datetime,
    memo: str,
    payment_id: uuid.UUID | None = None,
    service_code: str | None = None,
) -> bool:
    """Post one balanced two-line entry, once per (kind, reference)."""
    if amount_piastres <= 0:
        raise ValueError("a ledger entry moves a positive amount")
    entry = LedgerEntry(
        id=uuid.uuid4(),
        kind=kind,
        payment_id=payment_id,
        provider=provider,
        service_code=service_code,
        reference=reference,
        memo=memo[:500],
        created_at=now,
    )
    lines = [
        LedgerLine(account=debit, amount_piastres=amount_piastres),
        LedgerLine(account=credit, amount_piastres=-amount_piastres),
    ]
    return await LedgerRepository(session).add_entry(entry, lines)


async def balances(session: AsyncSession) -> list[tuple[str, int]]:
    return await LedgerRepository(session).balances()


async def unbalanced_entries(session: AsyncSession) -> int:
    return await LedgerRepository(session).unbalanced_entries()
