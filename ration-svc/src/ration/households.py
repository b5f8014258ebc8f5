"""Households as the civil registry's family links make them (for the demo's cards): a couple and
their children on the husband's card, a widow or widower with theirs, a divorced mother with
theirs and the father on a card of his own, a single adult alone, orphaned siblings under the
eldest adult. Pure: the registry's people in, the cards out.

Children born in the year before the extract are left off the cards: their births came after
the supply office's file, so a holder can ask to add them (a member request the registry proves).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from kit.registry import RegistryEntry

ADULT = 18


@dataclass
class Plan:
    holder: str
    governorate: str
    members: list[tuple[str, str]] = field(default_factory=list)
    """(national ID, relation) besides the holder."""
    newborns: list[str] = field(default_factory=list)
    """Children of the household the registry has and the card does not (yet)."""


def plan(people: Sequence[RegistryEntry]) -> list[Plan]:
    """The cards for `people`, by holder's national ID (deterministic)."""
    if not people:
        return []
    by_id = {p.national_id: p for p in people}
    reference = max(p.birth_date for p in people)  # the extract's date, near enough
    newborn_since = reference - timedelta(days=365)
    children: dict[str, list[RegistryEntry]] = defaultdict(list)
    for person in people:
        for parent in (person.father_national_id, person.mother_national_id):
            if parent:
                children[parent].append(person)
    placed: set[str] = set()
    plans = [
        card
        for person in sorted(people, key=lambda p: p.national_id)
        if (card := _head(person, by_id, children, placed, reference=reference, newborn_since=newborn_since))
    ]
    plans += _orphans(people, placed, reference=reference, newborn_since=newborn_since)
    return sorted(plans, key=lambda p: p.holder)


def _alive(by_id: dict[str, RegistryEntry], national_id: str | None) -> RegistryEntry | None:
    person = by_id.get(national_id or "")
    return person if person is not None and person.alive else None


def _head(
    person: RegistryEntry,
    by_id: dict[str, RegistryEntry],
    children: dict[str, list[RegistryEntry]],
    placed: set[str],
    *,
    reference: date,
    newborn_since: date,
) -> Plan | None:
    """A card held by `person`: an adult of the registry's own households (a child of the registry's
    parents is on a parent's card, or with their siblings once both parents died)."""
    in_family = by_id.get(person.father_national_id or "") or by_id.get(person.mother_national_id or "")
    if not person.alive or person.national_id in placed or in_family or person.age_on(reference) < ADULT:
        return None
    spouse = _alive(by_id, person.spouse_national_id) if person.marital_status == "married" else None
    if spouse is not None and person.sex == "female":
        return None  # on her husband's card
    card = Plan(holder=person.national_id, governorate=person.governorate)
    parents = {person.national_id}
    if spouse is not None:
        card.members.append((spouse.national_id, "spouse"))
        parents.add(spouse.national_id)
    for child in sorted({c.national_id: c for p in parents for c in children[p]}.values(), key=lambda c: c.birth_date):
        mother = _alive(by_id, child.mother_national_id)
        with_us = child.mother_national_id in parents if mother is not None else child.father_national_id in parents
        if child.alive and child.marital_status == "single" and with_us and child.national_id not in placed:
            if child.birth_date >= newborn_since:
                card.newborns.append(child.national_id)
            else:
                card.members.append((child.national_id, "child"))
    placed.update([card.holder, *(nid for nid, _ in card.members), *card.newborns])
    return card


def _orphans(people: Sequence[RegistryEntry], placed: set[str], *, reference: date, newborn_since: date) -> list[Plan]:
    """Siblings whose parents have both died: the eldest adult holds their card."""
    families: dict[tuple[str | None, str | None], list[RegistryEntry]] = defaultdict(list)
    for person in people:
        if (
            person.alive
            and person.national_id not in placed
            and (person.father_national_id or person.mother_national_id)
        ):
            families[(person.father_national_id, person.mother_national_id)].append(person)
    plans = []
    for siblings in families.values():
        siblings.sort(key=lambda p: (p.birth_date, p.national_id))
        eldest = siblings[0]
        if eldest.age_on(reference) < ADULT:
            continue
        card = Plan(holder=eldest.national_id, governorate=eldest.governorate)
        for sibling in siblings[1:]:
            if sibling.birth_date >= newborn_since:
                card.newborns.append(sibling.national_id)
            else:
                card.members.append((sibling.national_id, "other"))
        placed.update(p.national_id for p in siblings)
        plans.append(card)
    return plans
