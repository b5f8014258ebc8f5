from __future__ import annotations

from pydantic import BaseModel, Field


class AccountBalance(BaseModel):
    account: str
    balance_piastres: int = Field(description="Debits minus credits.")


class Balances(BaseModel):
    accounts: list[AccountBalance]
    by_provider: dict[str, int] = Field(description="What each provider holds for us (captured − refunded − settled).")
    by_service: dict[str, int] = Field(description="Fees kept per service (captured − refunded), a positive amount.")
    total_piastres: int = Field(description="Always 0: every entry is balanced.")
    unbalanced_entries: int
