"""What the civil registry proves about a member request, from its records alone (no paper).

A finding is something the registry does not show; no finding means the registry proves the
change and it is decided at once. With findings, an officer of the card's governorate reviews
the request (the registry may lag behind a birth, emigration is not in it at all)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from kit.registry import RegistryPerson

MINOR_UNDER = 18
"""A child is added at once while a minor; an adult child's addition is reviewed."""


def newborn(
    person: RegistryPerson | None, *, parents_on_card: Collection[str], on_another_card: bool, today: date
) -> list[str]:
    """The birth record names the holder or their spouse on this card as a parent."""
    if person is None:
        return ["not_in_registry"]
    findings = []
    if not person.alive:
        findings.append("deceased")
    if not {person.father_national_id, person.mother_national_id} & set(parents_on_card):
        findings.append("parent_not_on_card")
    if person.age_on(today) >= MINOR_UNDER:
        findings.append("not_a_minor")
    if on_another_card:
        findings.append("on_another_card")
    return findings


def removal(person: RegistryPerson | None, *, reason: str, card_members: Collection[str]) -> list[str]:
    """death: a death record; marriage: a marriage in force to someone outside this card;
    emigration: the registry does not record it (always reviewed)."""
    if reason == "emigration":
        return ["emigration_not_in_registry"]
    if person is None:
        return ["not_in_registry"]
    if reason == "death":
        return [] if not person.alive else ["no_death_record"]
    current = [m for m in person.marriages if m.divorce_date is None]
    if person.marital_status != "married" or not current:
        return ["no_marriage_record"]
    if person.spouse_national_id in card_members:
        return ["spouse_on_this_card"]
    return []


def facts(person: RegistryPerson | None) -> dict[str, Any]:
    """What the officer (and the citizen) are shown of the registry's answer: least data."""
    if person is None:
        return {"found": False}
    marriage = next((m for m in person.marriages if m.divorce_date is None), None)
    return {
        "found": True,
        "birth_date": person.birth_date.isoformat(),
        "alive": person.alive,
        "date_of_death": person.date_of_death.isoformat() if person.date_of_death else None,
        "father_national_id": person.father_national_id,
        "mother_national_id": person.mother_national_id,
        "marital_status": person.marital_status,
        "spouse_national_id": person.spouse_national_id,
        "marriage_date": marriage.marriage_date.isoformat() if marriage else None,
    }
