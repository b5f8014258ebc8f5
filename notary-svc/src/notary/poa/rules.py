"""Who may grant a power of attorney to whom, and what it may say: checks against the registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from kit import i18n
from kit.errors import FieldError, ProblemError
from notary.poa.schemas import CreatePoa
from notary.poa.scopes import BY_CODE
from notary.settings import Settings
from notary.texts import fields, problems
from notary.upstream import Registry, RegistryPerson

problems(
    {
        "poa_invalid": (
            "لا يمكن إنشاء التوكيل بهذه البيانات",
            "The power of attorney cannot be drafted as given",
            "راجع قائمة الأخطاء لكل حقل.",
            "See `errors` for each field.",
        ),
        "principal_not_eligible": (
            "لا يمكنك إصدار توكيل",
            "You cannot grant a power of attorney",
            "يشترط أن يكون الموكل مسجلًا بالسجل المدني وعلى قيد الحياة وبالغًا سن الرشد ({age}).",
            "The principal must be in the civil registry, alive, and of full age ({age}).",
        ),
    }
)
fields(
    {
        "unknown_scope": ("بند غير معروف.", "Unknown scope."),
        "duplicate_scope": ("البند مكرر.", "This scope is listed twice."),
        "general_needs_management": (
            "التوكيل العام يتضمن بند إدارة جميع الشؤون.",
            "A general power of attorney includes general management.",
        ),
        "special_excludes_management": (
            "التوكيل الخاص لا يتضمن بند إدارة جميع الشؤون؛ اختر توكيلًا عامًا.",
            "A special power of attorney cannot grant general management; choose a general one.",
        ),
        "agent_not_found": (
            "لا يوجد شخص بهذا الرقم القومي في السجل المدني.",
            "No one in the civil registry has this national ID.",
        ),
        "agent_deceased": ("الوكيل متوفى وفق السجل المدني.", "The agent is deceased according to the civil registry."),
        "agent_minor": ("الوكيل لم يبلغ سن الرشد ({age}).", "The agent is under full age ({age})."),
        "agent_is_principal": ("لا يجوز أن يكون الوكيل هو الموكل نفسه.", "The agent cannot be the principal."),
        "agent_duplicate": ("الوكيل مكرر.", "This agent is listed twice."),
        "too_many_agents": (
            i18n.plural(
                "max",
                one="الحد الأقصى وكيل واحد.",
                two="الحد الأقصى وكيلان.",
                few="الحد الأقصى {max} وكلاء.",
                many="الحد الأقصى {max} وكيلًا.",
                other="الحد الأقصى {max} وكيل.",
            ),
            i18n.plural("max", one="At most {max} agent.", other="At most {max} agents."),
        ),
        "too_many_conditions": (
            i18n.plural(
                "max",
                one="الحد الأقصى شرط واحد.",
                two="الحد الأقصى شرطان.",
                few="الحد الأقصى {max} شروط.",
                many="الحد الأقصى {max} شرطًا.",
                other="الحد الأقصى {max} شرط.",
            ),
            i18n.plural("max", one="At most {max} condition.", other="At most {max} conditions."),
        ),
        "condition_too_long": (
            i18n.plural(
                "max",
                one="الشرط أطول من حرف واحد.",
                two="الشرط أطول من حرفين.",
                few="الشرط أطول من {max} أحرف.",
                many="الشرط أطول من {max} حرفًا.",
                other="الشرط أطول من {max} حرف.",
            ),
            i18n.plural(
                "max",
                one="A condition is longer than {max} character.",
                other="A condition is longer than {max} characters.",
            ),
        ),
        "valid_until_past": ("تاريخ انتهاء السريان يجب أن يكون بعد اليوم.", "The end of validity must be after today."),
        "valid_until_too_far": ("أقصى مدة سريان {years}.", "Validity is at most {years}."),
    }
)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _years(count: int) -> i18n.Quantity:
    return i18n.Quantity(count, "duration-year")


def _err(field: str, code: str, **params: object) -> FieldError:
    return FieldError(field=field, reason=i18n.text(f"field.{code}", **params), code=code)


def snapshot(person: RegistryPerson) -> dict[str, Any]:
    return {
        "national_id": person.national_id,
        "full_name_ar": person.full_name_ar,
        "full_name_latin": person.full_name_latin,
    }


def check_principal(person: RegistryPerson | None, *, settings: Settings, today: date) -> RegistryPerson:
    if person is None or not person.alive or person.age_on(today) < settings.majority_age:
        raise ProblemError("principal_not_eligible", status=403, params={"age": _years(settings.majority_age)})
    return person


def check_terms(body: CreatePoa, *, settings: Settings, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, code in enumerate(body.scopes):
        if code not in BY_CODE:
            errors.append(_err(f"body.scopes.{i}", "unknown_scope"))
        elif code in seen:
            errors.append(_err(f"body.scopes.{i}", "duplicate_scope"))
        seen.add(code)
    if body.kind == "general" and "general_management" not in seen:
        errors.append(_err("body.scopes", "general_needs_management"))
    if body.kind == "special" and "general_management" in seen:
        errors.append(_err("body.scopes", "special_excludes_management"))
    if len(body.special_conditions) > settings.max_conditions:
        errors.append(_err("body.special_conditions", "too_many_conditions", max=settings.max_conditions))
    for i, condition in enumerate(body.special_conditions):
        if len(condition) > settings.max_condition_length:
            errors.append(_err(f"body.special_conditions.{i}", "condition_too_long", max=settings.max_condition_length))
    if body.valid_until is not None:
        if body.valid_until <= today:
            errors.append(_err("body.valid_until", "valid_until_past"))
        elif body.valid_until > _add_years(today, settings.max_validity_years):
            errors.append(_err("body.valid_until", "valid_until_too_far", years=_years(settings.max_validity_years)))
    if len(body.agents) > settings.max_agents:
        errors.append(_err("body.agents", "too_many_agents", max=settings.max_agents))
    return errors


async def check_agents(
    registry: Registry, body: CreatePoa, *, principal: str, settings: Settings, today: date
) -> tuple[list[RegistryPerson], list[FieldError]]:
    """Each agent must exist in the registry, be alive and of full age, and not be the principal."""
    agents: list[RegistryPerson] = []
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, nid in enumerate(body.agents[: settings.max_agents]):
        field = f"body.agents.{i}"
        if nid == principal:
            errors.append(_err(field, "agent_is_principal"))
            continue
        if nid in seen:
            errors.append(_err(field, "agent_duplicate"))
            continue
        seen.add(nid)
        person = await registry.person(nid)
        if person is None:
            errors.append(_err(field, "agent_not_found"))
        elif not person.alive:
            errors.append(_err(field, "agent_deceased"))
        elif person.age_on(today) < settings.majority_age:
            errors.append(_err(field, "agent_minor", age=_years(settings.majority_age)))
        else:
            agents.append(person)
    return agents, errors
