"""Realistic governorate files for N households (tests, the benchmark and the demo).

Households of 1-7 members (holder, spouse, children), national IDs that follow the real layout,
and facts for a share of them: cars (a third newer than 2017), meters (some heavy users),
school fees. Deterministic for a seed; written streaming, so N can be in the millions.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from ration.imports.kinds import ELECTRICITY, HOUSEHOLDS, SCHOOL_FEES, VEHICLES

MAKES = (("Hyundai", "Elantra"), ("Kia", "Cerato"), ("Toyota", "Corolla"), ("Nissan", "Sunny"), ("Fiat", "128"))


def national_id(person: int, *, year: int, governorate: str, male: bool) -> str:
    """The real layout (century, YYMMDD, governorate, sequence with the sex in its parity, check
    digit), with month, day, sequence and check digit drawn from `person` so IDs never repeat."""
    century = "2" if year < 2000 else "3"
    month, day = (person // 28) % 12 + 1, person % 28 + 1
    seq = ((person // 336) % 5000) * 2 + (1 if male else 0)
    check = (person // 1_680_000) % 10
    return f"{century}{year % 100:02d}{month:02d}{day:02d}{governorate}{seq:04d}{check}"


@dataclass
class Files:
    households: Path
    vehicles: Path
    electricity: Path
    school_fees: Path
    members: int


def _household(rng: random.Random, governorate: str, n: int, first: int) -> list[tuple[str, str]]:
    people = [(national_id(first, year=rng.randint(1950, 1995), governorate=governorate, male=True), "holder")]
    if n > 1:
        people.append(
            (national_id(first + 1, year=rng.randint(1955, 1998), governorate=governorate, male=False), "spouse")
        )
    for k in range(2, n):
        people.append(
            (
                national_id(first + k, year=rng.randint(2000, 2024), governorate=governorate, male=rng.random() < 0.5),
                "child",
            )
        )
    return people


def write(folder: Path, *, households: int, governorate: str = "03", seed: int = 7) -> Files:
    """Write the four files for `households` households into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k.name: folder / f"{k.name}_{governorate}.csv" for k in (HOUSEHOLDS, VEHICLES, ELECTRICITY, SCHOOL_FEES)}
    handles = {name: path.open("w", encoding="utf-8", newline="\n") for name, path in paths.items()}
    members = 0
    try:
        for kind in (HOUSEHOLDS, VEHICLES, ELECTRICITY, SCHOOL_FEES):
            handles[kind.name].write(",".join(kind.header) + "\n")
        for i in range(households):
            card = f"{governorate}{i:010d}"
            people = _household(rng, governorate, min(7, max(1, int(rng.gauss(4, 1.5)))), members)
            members += len(people)
            out = handles["households"]
            for nid, relation in people:
                out.write(f"{card},SO-{governorate}-{i % 40:02d},{nid},{relation}\n")
            holder = people[0][0]
            if rng.random() < 0.15:
                make, model = rng.choice(MAKES)
                year = rng.randint(1995, 2024)
                handles["vehicles"].write(
                    f"{uuid.UUID(int=rng.getrandbits(128))},ق ط {rng.randint(100, 9999)},{holder},private_car,"
                    f"{make},{model},{year},{rng.choice((1300, 1600, 2000))},"
                    f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
                )
            if rng.random() < 0.9:
                kwh = int(rng.lognormvariate(5.4, 0.5))
                handles["electricity"].write(f"{governorate}-{i:08d},{holder},2025-01-01,2025-01-31,{kwh}\n")
            children = [nid for nid, rel in people if rel == "child"]
            if children and rng.random() < 0.1:
                fees = rng.choice((0, 150_000, 900_000, 2_500_000, 6_000_000))
                school_type = "private" if fees > 500_000 else "public"
                handles["school_fees"].write(
                    f"{children[0]},{holder},SCH-{rng.randint(1, 999):03d},{school_type},2024/2025,{fees}\n"
                )
    finally:
        for handle in handles.values():
            handle.close()
    return Files(paths["households"], paths["vehicles"], paths["electricity"], paths["school_fees"], members)
