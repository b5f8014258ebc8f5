"""A realistic synthetic civil registry extract, at any size.

    python -m identity.registry.generate --people 100000 --out registry.csv [--seed 7]

Households of a couple (or a single adult) with children, spread over the 27 governorates
by population; names are common Egyptian names written the way the registry writes them;
every national ID is structurally valid and consistent with birth date, sex and
governorate of birth. The output is streamed, so 10 million people need little memory.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from identity.governorates import ABROAD, GOVERNORATES, POPULATION_THOUSANDS
from identity.national_id import compose
from identity.registry.extract import COLUMNS
from identity.registry.names_data import DISTRICTS, FAMILY, FEMALE, MALE, STREETS

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass
class _Ids:
    """Hands out unique sequences per (birth date, governorate code, sex)."""

    used: dict[tuple[date, str, str], int] = field(default_factory=dict)

    def next(self, rng: random.Random, born: date, governorate: str, sex: str) -> str:
        for code in (governorate, *rng.sample([g.code for g in GOVERNORATES], 5)):
            key = (born, code, sex)
            sequence = self.used.get(key, 0)
            if sequence <= 999:
                self.used[key] = sequence + 1
                return compose(born=born, governorate=code, sequence=sequence, sex=sex)
        raise RuntimeError("no free national ID sequence left")  # pragma: no cover - needs ~10^8 people per day


class Generator:
    def __init__(self, *, seed: int = 1, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.ids = _Ids()
        self.govs = [g.code for g in GOVERNORATES]
        self.weights = [POPULATION_THOUSANDS[g.code] for g in GOVERNORATES]

    def people(self, count: int) -> Iterator[dict[str, str]]:
        made = 0
        while made < count:
            for person in self._household():
                if made == count:
                    return
                made += 1
                yield person

    def _born(self, min_age: int, max_age: int) -> date:
        earliest = _plus_years(self.today, -max_age)
        days = (self.today - earliest).days - min_age * 365
        return earliest + timedelta(days=self.rng.randint(0, max(days, 0)))

    def _birth_code(self, home: str) -> str:
        roll = self.rng.random()
        if roll < 0.02:
            return ABROAD
        return self.rng.choices(self.govs, self.weights)[0] if roll < 0.12 else home

    def _adult(self, sex: str, home: str, family: tuple[str, str], address: tuple[str, str], born: date) -> dict:
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

    def _row(self, *, first, line, family, mother_first, born, sex, home, address) -> dict:  # type: ignore[no-untyped-def]
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

    def _household(self) -> list[dict[str, str]]:
        rng = self.rng
        home = rng.choices(self.govs, self.weights)[0]
        family = rng.choice(FAMILY)
        number = str(rng.randint(1, 250)).translate(_ARABIC_DIGITS)
        address = (rng.choice(DISTRICTS), f"{number} {rng.choice(STREETS)}")
        husband_born = self._born(22, 80)
        husband = self._adult("male", home, family, address, husband_born)
        if rng.random() < 0.15:  # a single adult, man or woman
            single = husband if rng.random() < 0.5 else self._adult("female", home, family, address, husband_born)
            return [self._mortality(single)]
        wife_age = max(18, min(75, self._age(husband_born) - rng.randint(-2, 10)))
        wife = self._adult("female", home, family, address, self._born(wife_age, wife_age + 1))
        husband["spouse_national_id"], wife["spouse_national_id"] = wife["national_id"], husband["national_id"]
        husband["marital_status"] = wife["marital_status"] = "married"
        members = [husband, wife]
        wife_born = date.fromisoformat(wife["birth_date"])
        for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            earliest = _plus_years(wife_born, 19)
            latest = min(self.today, _plus_years(wife_born, 44))
            if earliest >= latest:
                break
            born = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
            sex = rng.choice(("male", "female"))
            first = rng.choice(MALE if sex == "male" else FEMALE)
            father_line = (_split(husband["full_name_ar"], husband["full_name_latin"], 0),
                           _split(husband["full_name_ar"], husband["full_name_latin"], 1))  # fmt: skip
            child = self._row(
                first=first, line=father_line, family=family, mother_first=wife["first_name_ar"], born=born,
                sex=sex, home=home, address=address,
            )  # fmt: skip
            child["father_national_id"], child["mother_national_id"] = husband["national_id"], wife["national_id"]
            members.append(child)
        for person in (husband, wife):
            self._mortality(person)
        if husband["alive"] == "false" and wife["alive"] == "true":
            wife["marital_status"] = "widowed"
        if wife["alive"] == "false" and husband["alive"] == "true":
            husband["marital_status"] = "widowed"
        return members

    def _age(self, born: date) -> int:
        return self.today.year - born.year

    def _mortality(self, person: dict[str, str]) -> dict[str, str]:
        age = self._age(date.fromisoformat(person["birth_date"]))
        if age > 55 and self.rng.random() < (age - 55) / 80:
            person["alive"] = "false"
            person["date_of_death"] = (self.today - timedelta(days=self.rng.randint(1, 3000))).isoformat()
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


def write_csv(out: TextIO, people: int, *, seed: int = 1, today: date | None = None) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in Generator(seed=seed, today=today).people(people):
        writer.writerow(row)
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, required=True, help="how many people (1,000 to 10,000,000)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1 <= args.people <= 10_000_000:
        parser.error("--people must be between 1 and 10,000,000")
    if str(args.out) == "-":
        count = write_csv(sys.stdout, args.people, seed=args.seed)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as out:
            count = write_csv(out, args.people, seed=args.seed)
    print(f"wrote {count} people to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
