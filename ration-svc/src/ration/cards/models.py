"""Ration cards (one per household), their members and the card numbers issued."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base
from ration.orders.models import PaidOrder


class Household(Base):
    """A ration card: the household, its holder and its current eligibility decision."""

    __tablename__ = "households"
    __table_args__ = ({"postgresql_with": {"fillfactor": 50}},)  # room for each decision's rewrite (0010)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    card_number: Mapped[str] = mapped_column(String(20), unique=True)
    governorate: Mapped[str] = mapped_column(String(2), index=True)
    supply_office: Mapped[str] = mapped_column(String(50))
    holder_national_id: Mapped[str] = mapped_column(String(14), index=True)
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    current_decision_id: Mapped[uuid.UUID | None] = mapped_column()
    current_eligible: Mapped[bool | None] = mapped_column()
    decision_fingerprint: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Member(Base):
    """A person on a card. A person is on at most one card at a time; removals are kept."""

    __tablename__ = "members"
    __table_args__ = (
        Index("uq_members_active_national_id", "national_id", unique=True, postgresql_where=text("removed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    national_id: Mapped[str] = mapped_column(String(14))
    relation: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(30))
    added_at: Mapped[datetime] = mapped_column(server_default=func.now())
    removed_at: Mapped[datetime | None] = mapped_column()
    removed_reason: Mapped[str | None] = mapped_column(String(30))


class CardIssue(Base):
    """Every card number issued for a household; a replacement invalidates the previous one."""

    __tablename__ = "card_issues"

    card_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(server_default=func.now())
    reason: Mapped[str] = mapped_column(String(20))
    invalidated_at: Mapped[datetime | None] = mapped_column()
    invalidated_reason: Mapped[str | None] = mapped_column(String(20))


class ReplacementOrder(PaidOrder, Base):
    """A paid replacement card (بدل تالف / بدل فاقد): awaiting_payment → issued, or cancelled /
    failed. At most one awaiting payment per card (a partial unique index)."""

    __tablename__ = "replacement_orders"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    holder_national_id: Mapped[str] = mapped_column(String(14))
    reason: Mapped[str] = mapped_column(String(10))
    old_card_number: Mapped[str] = mapped_column(String(20))
    old_invalidated_at: Mapped[datetime | None]
    new_card_number: Mapped[str | None] = mapped_column(String(20))
    issued_at: Mapped[datetime | None]
