"""A realistic synthetic civil registry extract, at any size (`python -m identity.registry`).

Households of a couple (or a single adult) with children, spread over the 27 governorates
by population. Every couple has a marriage record (date, governorate); some are divorced since,
and some people have died, each consistent with everyone's marital status, spouse and
children. Names are common Egyptian names written the way the registry writes them;
every national ID is structurally valid and consistent with birth date, sex and
governorate of birth. The output is streamed, so 10 million people need little memory.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

from contracts.fields import Sex
from contracts.governorates import ABROAD, GOVERNORATES
from contracts.national_id import compose
from identity.governorates import POPULATION_THOUSANDS
from identity.registry.extract import COLUMNS, MARRIAGE_COLUMNS
from identity.registry.names_data import DISTRICTS, FAMILY, FEMALE, MALE, STREETS

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SEXES: tuple[Sex, Sex] = ("male", "female")
Name = tuple[str, str]
"""A name as (Arabic, Latin)."""


@dataclass
class _Ids:
    """Hands out unique sequences per (birth date, governorate code, sex)."""

    used: dict[tuple[date, str, str], int] = field(default_factory=dict)

    def next(self, rng: random.Random, born: date, governorate: str, sex: Sex) -> str:
        for code in (governorate, *rng.sample([g.code for g in GOVERNORATES], 5)):
            key = (born, code, sex)
            sequence = self.used.get(key, 0)
            if sequence <= 999:
                self.used[key] = sequence + 1
                return compose(born=born, governorate=code, sequence=sequence, sex=sex)
        raise RuntimeError("no free national ID sequence left")  # pragma: no cover - needs ~10^8 people per day


class Generator:
    def __init__(self, *, today: date, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.ids = _Ids()
        self.govs = [g.code for g in GOVERNORATES]
        self.weights = [POPULATION_THOUSANDS[g.code] for g in GOVERNORATES]

    def records(self, count: int) -> Iterator[tuple[str, dict[str, str]]]:
        """`count` people ("person", row) and the marriage records between them ("marriage", row),
        household by household (the last one is cut to fit, never between two spouses)."""
        made = 0
        while made < count:
            people, marriages = self._household(count - made)
            made += len(people)
            for person in people:
                yield "person", person
            for marriage in marriages:
                yield "marriage", marriage

    def people(self, count: int) -> Iterator[dict[str, str]]:
        return (row for kind, row in self.records(count) if kind == "person")

    def _born(self, min_age: int, max_age: int) -> date:
        earliest = _plus_years(self.today, -max_age)
        days = (self.today - earliest).days - min_age * 365
        return earliest + timedelta(days=self.rng.randint(0, max(days, 0)))

    def _birth_code(self, home: str) -> str:
        roll = self.rng.random()
        if roll < 0.02:
            return ABROAD
        return self.rng.choices(self.govs, self.weights)[0] if roll < 0.12 else home

    def _adult(self, sex: Sex, home: str, family: Name, address: tuple[str, str], born: date) -> dict[str, str]:
        rng = self.rng
        first = rng.choice(MALE if sex == "male" else FEMALE)
        father, grandfather = rng.choice(MALE), rng.choice(MALE)
        mother = rng.choice(FEMALE)
        if sex == "female":
            family = rng.choice(FAMILY)
        return self._row(
            first=first, line=(father, grandfather), family=family, mother_first=mother[0], born=born,
            sex=sex, home=home, address=address,
        )  # fmt: skip

    def _row(
        self, *, first: Name, line: tuple[Name, Name], family: Name, mother_first: str, born: date, sex: Sex,
        home: str, address: tuple[str, str],
    ) -> dict[str, str]:  # fmt: skip
        nid = self.ids.next(self.rng, born, self._birth_code(home), sex)
        return {
            "national_id": nid,
            "first_name_ar": first[0],
            "full_name_ar": " ".join([first[0], *(n[0] for n in line), family[0]]),
            "full_name_latin": " ".join([first[1], *(n[1] for n in line), family[1]]),
            "mother_first_name_ar": mother_first,
            "birth_date": born.isoformat(),
            "sex": sex,
            "governorate": home,
            "district_ar": address[0],
            "address_ar": address[1],
            "father_national_id": "",
            "mother_national_id": "",
            "spouse_national_id": "",
            "marital_status": "single",
            "alive": "true",
            "date_of_death": "",
        }

    def _household(self, room: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        """One household (its people, at most `room`) and its marriage records. A couple is
        married on a date when both were adults; some are divorced since (each then lives at
        their own address, the children with their mother); children are born during the
        marriage; a death comes after everything else the person did."""
        rng = self.rng
        home = rng.choices(self.govs, self.weights)[0]
        family = rng.choice(FAMILY)
        address = self._address()
        husband_born = self._born(22, 80)
        husband = self._adult("male", home, family, address, husband_born)
        if room == 1 or rng.random() < 0.15:  # a single adult, man or woman
            single = husband if rng.random() < 0.5 else self._adult("female", home, family, address, husband_born)
            return [self._mortality(single, after=None)], []
        wife_age = max(19, min(75, self._age(husband_born) - rng.randint(-2, 10)))
        wife = self._adult("female", home, family, address, self._born(wife_age, wife_age + 1))
        wife_born = date.fromisoformat(wife["birth_date"])
        earliest = max(_plus_years(wife_born, 18), _plus_years(husband_born, 18))
        latest = min(self.today - timedelta(days=30), _plus_years(wife_born, 40))
        married_on = earliest + timedelta(days=rng.randint(0, min((latest - earliest).days, 12 * 365)))
        divorced_on: date | None = None
        if rng.random() < 0.08 and (self.today - married_on).days > 400:
            divorced_on = married_on + timedelta(days=rng.randint(365, (self.today - married_on).days - 30))
        marriage = {
            "marriage_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "husband_national_id": husband["national_id"],
            "wife_national_id": wife["national_id"],
            "marriage_date": married_on.isoformat(),
            "divorce_date": divorced_on.isoformat() if divorced_on else "",
            "governorate": home,
        }
        members = [husband, wife, *self._children(husband, wife, family, address, married_on, divorced_on, room - 2)]
        last = max([married_on, divorced_on or married_on, *(date.fromisoformat(c["birth_date"]) for c in members[2:])])
        for person in (husband, wife):
            self._mortality(person, after=last)
        if divorced_on is not None:
            husband["marital_status"] = wife["marital_status"] = "divorced"
            husband["district_ar"], husband["address_ar"] = self._address()  # he moved out
            return members, [marriage]
        husband["spouse_national_id"], wife["spouse_national_id"] = wife["national_id"], husband["national_id"]
        husband["marital_status"] = wife["marital_status"] = "married"
        died = {p["national_id"]: p["date_of_death"] for p in (husband, wife) if p["alive"] == "false"}
        for person, spouse in ((husband, wife), (wife, husband)):
            if spouse["national_id"] in died and died[spouse["national_id"]] < (person["date_of_death"] or "9999"):
                person["marital_status"] = "widowed"  # the spouse died first (the record keeps the spouse)
        return members, [marriage]

    def _address(self) -> tuple[str, str]:
        number = str(self.rng.randint(1, 250)).translate(_ARABIC_DIGITS)
        return self.rng.choice(DISTRICTS), f"{number} {self.rng.choice(STREETS)}"

    def _children(
        self, husband: dict[str, str], wife: dict[str, str], family: Name, address: tuple[str, str], married_on: date,
        divorced_on: date | None, room: int,
    ) -> list[dict[str, str]]:  # fmt: skip
        rng = self.rng
        wife_born = date.fromisoformat(wife["birth_date"])
        earliest = married_on + timedelta(days=300)
        latest = min(self.today, _plus_years(wife_born, 44), divorced_on or self.today)
        children: list[dict[str, str]] = []
        for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            if earliest >= latest or len(children) >= room:
                break
            born = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
            sex = rng.choice(SEXES)
            first = rng.choice(MALE if sex == "male" else FEMALE)
            father_line = (_split(husband["full_name_ar"], husband["full_name_latin"], 0),
                           _split(husband["full_name_ar"], husband["full_name_latin"], 1))  # fmt: skip
            child = self._row(
                first=first, line=father_line, family=family, mother_first=wife["first_name_ar"], born=born,
                sex=sex, home=husband["governorate"], address=address,
            )  # fmt: skip
            child["father_national_id"], child["mother_national_id"] = husband["national_id"], wife["national_id"]
            children.append(child)
        return children

    def _age(self, born: date) -> int:
        return self.today.year - born.year

    def _mortality(self, person: dict[str, str], *, after: date | None) -> dict[str, str]:
        """Some people over 55 have died, within the last ~8 years and after `after` (their
        marriage, divorce and children's births)."""
        age = self._age(date.fromisoformat(person["birth_date"]))
        if age > 55 and self.rng.random() < (age - 55) / 80:
            earliest = self.today - timedelta(days=3000)
            if after is not None:
                earliest = max(earliest, after + timedelta(days=1))
            if earliest < self.today:
                died = earliest + timedelta(days=self.rng.randint(0, (self.today - earliest).days - 1))
                person["alive"], person["date_of_death"] = "false", died.isoformat()
        return person


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _split(full_ar: str, full_latin: str, index: int) -> tuple[str, str]:
    """The index-th given name of a full name (compound names like عبد الله stay whole)."""
    ar = _names(full_ar.split())
    latin = full_latin.split()
    return ar[index], latin[index]


def _names(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and out[-1] == "عبد":
            out[-1] = f"عبد {word}"
        else:
            out.append(word)
    return out


def write_csv(out: TextIO, people: int, *, today: date, seed: int = 1, marriages: TextIO | None = None) -> int:
    """Write `people` people to `out` (and their marriage records to `marriages`, if given)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    records = csv.DictWriter(marriages, fieldnames=MARRIAGE_COLUMNS, lineterminator="\n") if marriages else None
    if records is not None:
        records.writeheader()
    count = 0
    for kind, row in Generator(seed=seed, today=today).records(people):
        if kind == "person":
            writer.writerow(row)
            count += 1
        elif records is not None:
            records.writerow(row)
    return count
