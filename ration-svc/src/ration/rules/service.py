"""Rule sets: drafted, simulated on real data, scheduled, applied (with a full re-evaluation)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.errors import ProblemError
from kit.repository import Page
from ration.audit import repository as audit
from ration.eligibility import service as eligibility
from ration.rules.models import RuleSet
from ration.rules.repository import RuleSetRepository
from ration.rules.schemas import RuleSetIn, RuleSetPatch

i18n.register(
    {
        "problem.rule_set_not_found.title": {"en": "Rule set not found", "ar": "مجموعة القواعد غير موجودة"},
        "problem.rule_set_not_found.detail": {
            "en": "There is no rule set with this id.",
            "ar": "لا توجد مجموعة قواعد بهذا المعرف.",
        },
        "validation.unknown_placeholders": {
            "en": "Unknown placeholders {unknown}; this kind of rule knows: {known}.",
            "ar": "عناصر نائبة غير معروفة {unknown}؛ هذا النوع من القواعد يعرف: {known}.",
        },
        "validation.duplicate_rule_codes": {
            "en": "Each rule needs its own code.",
            "ar": "يلزم لكل قاعدة رمز خاص بها.",
        },
        "problem.rule_set_version_taken.title": {"en": "Version already exists", "ar": "الإصدار موجود بالفعل"},
        "problem.rule_set_version_taken.detail": {
            "en": "A rule set with version {version} already exists; choose a new version.",
            "ar": "توجد مجموعة قواعد بالإصدار {version}؛ اختر إصدارًا جديدًا.",
        },
        "problem.rule_set_not_draft.title": {"en": "Rule set is not a draft", "ar": "مجموعة القواعد ليست مسودة"},
        "problem.rule_set_not_draft.detail": {
            "en": "Only a draft can be edited or scheduled; this one is {status}. Draft a new version instead.",
            "ar": "لا يمكن تعديل أو جدولة إلا المسودة؛ وهذه حالتها {status}. أنشئ إصدارًا جديدًا بدلًا منها.",
        },
    }
)


STATUSES = {
    "draft": i18n.Words(ar="مسودة", en="a draft"),
    "scheduled": i18n.Words(ar="مجدولة", en="scheduled"),
    "active": i18n.Words(ar="سارية", en="active"),
    "retired": i18n.Words(ar="متقاعدة", en="retired"),
}


def _status(status: str) -> i18n.Words:
    return STATUSES.get(status, i18n.Words(ar=status, en=status))


def as_data(rule_set: RuleSet) -> dict[str, Any]:
    """What the evaluation query needs of a rule set."""
    return {
        "id": rule_set.id,
        "version": rule_set.version,
        "subsidy_per_member_piastres": rule_set.subsidy_per_member_piastres,
        "card_cap_piastres": rule_set.card_cap_piastres,
        "appeal_window_days": rule_set.appeal_window_days,
        "rules": rule_set.rules,
    }


def _rules_json(rules: list[Any]) -> list[dict[str, Any]]:
    return [rule.model_dump(mode="json") for rule in rules]


async def get(session: AsyncSession, *, rule_set_id: uuid.UUID) -> RuleSet:
    rule_set = await RuleSetRepository(session).get(rule_set_id)
    if rule_set is None:
        raise ProblemError("rule_set_not_found", status=404)
    return rule_set


async def list_all(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[RuleSet]:
    return await RuleSetRepository(session).paginate(limit=limit, cursor=cursor)


async def create_draft(session: AsyncSession, *, data: RuleSetIn, actor: str) -> RuleSet:
    repo = RuleSetRepository(session)
    if await repo.by_version(data.version) is not None:
        raise ProblemError("rule_set_version_taken", status=409, params={"version": data.version})
    rule_set = await repo.add(
        RuleSet(
            version=data.version,
            status="draft",
            subsidy_per_member_piastres=data.subsidy_per_member_piastres,
            card_cap_piastres=data.card_cap_piastres,
            appeal_window_days=data.appeal_window_days,
            rules=_rules_json(data.rules),
            notes=data.notes,
            created_by=actor,
        )
    )
    await session.refresh(rule_set)
    await audit.append(
        session,
        actor=actor,
        action="rule_set.drafted",
        target_type="rule_set",
        target_id=str(rule_set.id),
        details=data.model_dump(mode="json"),
    )
    return rule_set


async def update_draft(session: AsyncSession, *, rule_set_id: uuid.UUID, patch: RuleSetPatch, actor: str) -> RuleSet:
    rule_set = await get(session, rule_set_id=rule_set_id)
    if rule_set.status != "draft":
        raise ProblemError("rule_set_not_draft", status=409, params={"status": _status(rule_set.status)})
    changes = patch.model_dump(mode="json", exclude_unset=True)
    before = {key: getattr(rule_set, key) for key in changes}
    for key, value in changes.items():
        setattr(rule_set, key, value)
    if patch.rules is not None:
        rule_set.rules = _rules_json(patch.rules)
    rule_set.updated_at = datetime.now(UTC)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="rule_set.edited",
        target_type="rule_set",
        target_id=str(rule_set.id),
        details={"before": before, "after": changes},
    )
    return rule_set


async def schedule(
    session: AsyncSession, *, rule_set_id: uuid.UUID, effective_from: datetime, actor: str, now: datetime | None = None
) -> RuleSet:
    """Schedule a draft. If its time has already come it goes live now, with a full re-evaluation."""
    now = now or datetime.now(UTC)
    rule_set = await get(session, rule_set_id=rule_set_id)
    if rule_set.status != "draft":
        raise ProblemError("rule_set_not_draft", status=409, params={"status": _status(rule_set.status)})
    rule_set.status = "scheduled"
    rule_set.effective_from = max(effective_from, now) if effective_from <= now else effective_from
    rule_set.scheduled_by = actor
    rule_set.updated_at = now
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="rule_set.scheduled",
        target_type="rule_set",
        target_id=str(rule_set.id),
        details={"effective_from": rule_set.effective_from.isoformat()},
    )
    if rule_set.effective_from <= now:
        await apply_due(session, now=now)
    return rule_set


async def apply_due(session: AsyncSession, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Make every due scheduled rule set active in turn and re-evaluate all households under the
    last one (set-based). Safe to call from several instances (due rows are locked, skip-locked)."""
    now = now or datetime.now(UTC)
    repo = RuleSetRepository(session)
    due = await repo.due(now)
    if not due:
        return []
    current = await repo.active()
    for rule_set in due:
        if current is not None:
            current.status = "retired"
        rule_set.status = "active"
        rule_set.applied_at = now
        current = rule_set
        await session.flush()
    assert current is not None
    result = await eligibility.reevaluate_all(session, trigger=f"rules:{current.version}", now=now)
    await audit.append(
        session,
        actor="system",
        action="rule_set.applied",
        target_type="rule_set",
        target_id=str(current.id),
        details={"version": current.version, **result},
    )
    return [{"version": current.version, **result}]


async def simulate(
    session: AsyncSession, *, rule_set_id: uuid.UUID, governorate: str | None, now: datetime | None = None
) -> tuple[RuleSet, list[Any]]:
    rule_set = await get(session, rule_set_id=rule_set_id)
    rows = await eligibility.simulate(session, rule_set=as_data(rule_set), governorate=governorate, now=now)
    return rule_set, rows
