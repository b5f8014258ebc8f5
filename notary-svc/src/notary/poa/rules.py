"""Who may grant a power of attorney to whom, and what it may say: checks against the registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from kit import i18n
from kit.errors import FieldError, ProblemError
from kit.registry import Registry, RegistryPerson
from notary.poa.schemas import CreatePoa
from notary.poa.scopes import BY_CODE
from notary.settings import Settings


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
