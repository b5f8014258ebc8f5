"""The bulk file kinds a governorate sends: their columns, per-field checks (SQL, set-based),
typed columns, the merge into the real tables, and whom a file's rows concern.

Files are UTF-8 CSV with a header row, comma-separated, without quoting (no field contains a
comma). Checks reference the raw text columns of the staging table; `pg_input_is_valid`
refuses values that would not cast (2025-02-30, 99999999999999999999).
"""

from __future__ import annotations

from dataclasses import dataclass

from kit import text_safety

NID_LENGTH = 14
INVISIBLE = "[" + "".join(f"\\U{max(a, 1):08X}-\\U{b:08X}" for a, b in text_safety.ranges()) + "]"
"""A PostgreSQL regular expression matching the characters kit refuses in every free-text field
(bidirectional controls, invisible format characters, control characters: kit.text_safety). A
bulk file is not checked by kit's middleware (it is not JSON), so its text fields are checked
here, where the rows are staged: such a row is rejected (`invisible_character`), never stored.
NUL cannot reach PostgreSQL text at all (the range starts at U+0001)."""


@dataclass(frozen=True)
class Field:
    name: str
    check: str
    """SQL that is true when the raw value (column `name`) is acceptable."""
    reason: str
    cast: str
    """SQL turning the raw value into the typed one (only evaluated on valid rows)."""
    free_text: bool = False
    """Text as people write it: refused with `invisible_character` when it holds one (`INVISIBLE`)."""


def nid(name: str) -> Field:
    """Fourteen digits: fourteen bytes, all of them digits (the same test as `^[0-9]{14}$`, which
    PostgreSQL's regular expressions run a third as fast: its counted repetition)."""
    return Field(name, f"(octet_length({name}) = {NID_LENGTH} AND {name} ~ '^[0-9]+$')", "invalid_national_id", name)


def integer(name: str, low: int, high: int, *, optional: bool = False) -> Field:
    check = f"(pg_input_is_valid({name}, 'bigint') AND {name}::bigint BETWEEN {low} AND {high})"
    if optional:
        check = f"({name} = '' OR {check})"
        return Field(name, check, "invalid_number", f"NULLIF({name}, '')::bigint")
    return Field(name, check, "invalid_number", f"{name}::bigint")


def day(name: str) -> Field:
    return Field(
        name,
        f"({name} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' AND pg_input_is_valid({name}, 'date'))",
        "invalid_date",
        f"{name}::date",
    )


def one_of(name: str, values: tuple[str, ...]) -> Field:
    listed = ", ".join(f"'{v}'" for v in values)
    return Field(name, f"{name} IN ({listed})", "not_allowed_value", name)


def text(name: str, max_length: int, pattern: str | None = None) -> Field:
    check = f"(length({name}) BETWEEN 1 AND {max_length})"
    if pattern:
        check = f"({check} AND {name} ~ '{pattern}')"
    return Field(name, check, "invalid_text", name, free_text=True)


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    """Columns that identify a row; a second row with the same key in one file is rejected."""
    merge: str
    """SQL from `good` (typed, valid rows) into the real tables; :gov is the governorate. Statements
    are separated by `;` (a statement does not see rows its own CTEs insert)."""
    people: str
    """The column of `good` naming the person whose household is re-evaluated ('' = by card)."""
    merge_if_racing: str = ""
    """The same merge, for when `merge` inserts without `ON CONFLICT` (a plain insert of what is
    not there yet: a quarter less time than inserting every row speculatively) and meets a key
    another transaction inserted meanwhile (a unique violation): `merge` is rolled back to its
    savepoint and this runs instead, skipping or updating what is there by `ON CONFLICT`."""
    cross_checks: str = ""
    """SQL yielding (line, field, reason, value) for rules across rows or against stored data."""
    after_rejects: str = ""
    """SQL yielding (line, field, reason, value) once the rows' own rejects are recorded (:id the
    import): rows that cannot stand without a line already rejected."""
    tables: tuple[str, ...] = ()
    """The tables the merge writes: analysed before the re-evaluation plans its joins over them."""
    members_count: str = ""
    """For the households kind: SQL setting `households.members_count` of the file's cards from
    their members, run when the merge could not count them itself (a card that existed before, or
    a member skipped on conflict). The merge counts a new card's members as it inserts it, with the
    members trigger off for its members insert (a second count of every new household would cost a
    second write of each row)."""

    @property
    def header(self) -> list[str]:
        return [f.name for f in self.fields]


_FILE_CARDS = """
  SELECT g.card_number, min(g.supply_office) AS supply_office,
         min(g.national_id) FILTER (WHERE g.relation = 'holder') AS holder_national_id, count(*) AS members
  FROM good g GROUP BY g.card_number"""
"""The households file's cards, one row each, as the merge writes them."""

_MEMBERS = """SELECT set_config('ration.members_count_by_import', 'on', true);
INSERT INTO ration.members (household_id, national_id, relation, source)
SELECT h.id, g.national_id, g.relation, 'import'
FROM good g JOIN ration.households h ON h.card_number = g.card_number
{skip};
SELECT set_config('ration.members_count_by_import', 'off', true)"""
"""The file's members onto their cards (the members trigger off: the merge counts them), `skip`
saying how a person already active on a card is left out."""

_NOT_ACTIVE = (
    "WHERE NOT EXISTS (SELECT 1 FROM ration.members m WHERE m.national_id = g.national_id AND m.removed_at IS NULL)"
)

HOUSEHOLDS = Kind(
    "households",
    (
        text("card_number", 20, "^[0-9A-Za-z-]+$"),
        text("supply_office", 50),
        nid("national_id"),
        one_of("relation", ("holder", "spouse", "child", "parent", "other")),
    ),
    key=("national_id",),
    merge=f"""
WITH file AS MATERIALIZED ({_FILE_CARDS}),
changed AS (
  UPDATE ration.households h SET supply_office = f.supply_office, holder_national_id = f.holder_national_id,
    updated_at = now()
  FROM file f WHERE h.card_number = f.card_number
  AND (h.supply_office, h.holder_national_id) IS DISTINCT FROM (f.supply_office, f.holder_national_id)
),
cards AS (
  INSERT INTO ration.households (id, card_number, governorate, supply_office, holder_national_id, members_count)
  SELECT gen_random_uuid(), f.card_number, CAST(:gov AS text), f.supply_office, f.holder_national_id, f.members
  FROM file f WHERE NOT EXISTS (SELECT 1 FROM ration.households h WHERE h.card_number = f.card_number)
  RETURNING id, card_number
),
issued AS (
  INSERT INTO ration.card_issues (card_number, household_id, reason) SELECT card_number, id, 'new' FROM cards
)
SELECT count(*) FROM cards;
{_MEMBERS.format(skip=_NOT_ACTIVE)}
""",
    merge_if_racing=f"""
WITH cards AS (
  INSERT INTO ration.households AS h (id, card_number, governorate, supply_office, holder_national_id, members_count)
  SELECT gen_random_uuid(), f.card_number, CAST(:gov AS text), f.supply_office, f.holder_national_id, f.members
  FROM ({_FILE_CARDS}) f
  ON CONFLICT (card_number) DO UPDATE SET supply_office = EXCLUDED.supply_office,
    holder_national_id = EXCLUDED.holder_national_id, updated_at = now()
  WHERE (h.supply_office, h.holder_national_id) IS DISTINCT FROM (EXCLUDED.supply_office, EXCLUDED.holder_national_id)
  RETURNING h.id, h.card_number, (xmax = 0) AS created
),
issued AS (
  INSERT INTO ration.card_issues (card_number, household_id, reason)
  SELECT card_number, id, 'new' FROM cards WHERE created ON CONFLICT DO NOTHING
)
SELECT count(*) FILTER (WHERE created) FROM cards;
{_MEMBERS.format(skip="ON CONFLICT (national_id) WHERE removed_at IS NULL DO NOTHING")}
""",
    members_count="""
UPDATE ration.households h SET members_count = c.n
FROM (SELECT m.household_id, count(*) AS n FROM ration.members m
      WHERE m.removed_at IS NULL AND m.household_id IN (
        SELECT h2.id FROM ration.households h2 WHERE h2.card_number IN (SELECT card_number FROM good))
      GROUP BY m.household_id) c
WHERE h.id = c.household_id AND h.members_count <> c.n
""",
    people="",
    cross_checks="""
SELECT line, 'card_number', 'card_without_single_holder', card_number FROM (
  SELECT line, card_number,
    count(*) FILTER (WHERE relation = 'holder') OVER (PARTITION BY card_number COLLATE "C") AS holders
  FROM stage WHERE n = 4) x
WHERE holders <> 1
UNION ALL
SELECT s.line, 'national_id', 'member_on_other_card', s.national_id
FROM stage s JOIN ration.members m ON m.national_id = s.national_id AND m.removed_at IS NULL
JOIN ration.households h ON h.id = m.household_id WHERE s.n = 4 AND h.card_number <> s.card_number
UNION ALL
SELECT s.line, 'card_number', 'card_in_other_governorate', s.card_number
FROM stage s JOIN ration.households h ON h.card_number = s.card_number
WHERE s.n = 4 AND h.governorate <> CAST(:gov AS text)
UNION ALL
SELECT s.line, 'card_number', 'card_number_no_longer_valid', s.card_number
FROM stage s JOIN ration.card_issues c ON c.card_number = s.card_number
WHERE s.n = 4 AND c.invalidated_at IS NOT NULL
""",
    after_rejects="""
SELECT s.line, 'card_number', 'holder_rejected', s.card_number FROM stage s
WHERE s.card_number IN (
  SELECT h.card_number FROM stage h JOIN ration.import_rejects r ON r.import_id = CAST(:id AS uuid) AND r.line = h.line
  WHERE h.n = 4 AND h.relation = 'holder')
AND NOT EXISTS (SELECT 1 FROM ration.import_rejects r WHERE r.import_id = CAST(:id AS uuid) AND r.line = s.line)
""",
    tables=("ration.households", "ration.members"),
)

VEHICLES = Kind(
    "vehicles",
    (
        Field("vehicle_id", "pg_input_is_valid(vehicle_id, 'uuid')", "invalid_id", "vehicle_id::uuid"),
        text("plate_number", 20),
        nid("owner_national_id"),
        one_of("vehicle_type", ("private_car", "taxi", "motorcycle", "truck", "bus", "other")),
        text("make", 100),
        text("model", 100),
        integer("model_year", 1900, 2100),
        integer("engine_cc", 1, 20000, optional=True),
        day("registered_on"),
    ),
    key=("vehicle_id",),
    merge="""
INSERT INTO ration.vehicles AS v (vehicle_id, plate_number, owner_national_id, owner_since, vehicle_type, make,
  model, model_year, engine_cc, governorate, registered_at)
SELECT vehicle_id, plate_number, owner_national_id, registered_on::timestamptz, vehicle_type, make, model,
  model_year, engine_cc, CAST(:gov AS text), registered_on::timestamptz FROM good
ON CONFLICT (vehicle_id) DO UPDATE SET plate_number = EXCLUDED.plate_number,
  owner_national_id = EXCLUDED.owner_national_id, owner_since = EXCLUDED.owner_since,
  vehicle_type = EXCLUDED.vehicle_type, make = EXCLUDED.make, model = EXCLUDED.model,
  model_year = EXCLUDED.model_year, engine_cc = EXCLUDED.engine_cc, registered_at = EXCLUDED.registered_at,
  updated_at = now(), registered_evidence = NULL, owner_evidence = NULL
WHERE EXCLUDED.owner_since >= v.owner_since
""",
    people="owner_national_id",
    tables=("ration.vehicles",),
)

ELECTRICITY = Kind(
    "electricity",
    (
        text("meter_id", 50),
        nid("subscriber_national_id"),
        day("period_start"),
        day("period_end"),
        integer("consumption_kwh", 0, 100_000_000),
    ),
    key=("meter_id",),
    merge="""
INSERT INTO ration.meters AS m (meter_id, subscriber_national_id, governorate, period_start, period_end,
  consumption_kwh, monthly_kwh, reported_at)
SELECT meter_id, subscriber_national_id, CAST(:gov AS text), period_start, period_end, consumption_kwh,
  round(consumption_kwh * 30.0 / (period_end - period_start + 1)), now() FROM good
WHERE period_end >= period_start
ON CONFLICT (meter_id) DO UPDATE SET subscriber_national_id = EXCLUDED.subscriber_national_id,
  period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
  consumption_kwh = EXCLUDED.consumption_kwh, monthly_kwh = EXCLUDED.monthly_kwh, reported_at = now(),
  evidence = NULL
WHERE EXCLUDED.period_end >= m.period_end
""",
    people="subscriber_national_id",
    tables=("ration.meters",),
)

SCHOOL_FEES = Kind(
    "school_fees",
    (
        nid("student_national_id"),
        nid("guardian_national_id"),
        text("school_id", 50),
        one_of("school_type", ("public", "experimental", "private", "international", "azhar")),
        text("academic_year", 9, "^[0-9]{4}/[0-9]{4}$"),
        integer("annual_fees_piastres", 0, 10**12),
    ),
    key=("student_national_id", "academic_year"),
    merge="""
INSERT INTO ration.school_fees AS f (student_national_id, academic_year, guardian_national_id, school_id,
  school_type, annual_fees_piastres, reported_at)
SELECT student_national_id, academic_year, guardian_national_id, school_id, school_type, annual_fees_piastres, now()
FROM good
ON CONFLICT (student_national_id, academic_year) DO UPDATE SET guardian_national_id = EXCLUDED.guardian_national_id,
  school_id = EXCLUDED.school_id, school_type = EXCLUDED.school_type,
  annual_fees_piastres = EXCLUDED.annual_fees_piastres, reported_at = now(), evidence = NULL
""",
    people="guardian_national_id",
    tables=("ration.school_fees",),
)

INCOMES = Kind(
    "incomes",
    (nid("national_id"), integer("monthly_salary_piastres", 0, 10**12), text("employer", 200)),
    key=("national_id",),
    merge="""
INSERT INTO ration.incomes (national_id, monthly_salary_piastres, employer, reported_at)
SELECT national_id, monthly_salary_piastres, employer, now() FROM good
ON CONFLICT (national_id) DO UPDATE SET monthly_salary_piastres = EXCLUDED.monthly_salary_piastres,
  employer = EXCLUDED.employer, reported_at = now()
""",
    people="national_id",
    tables=("ration.incomes",),
)

LAND = Kind(
    "land",
    (
        nid("national_id"),
        Field(
            "feddans",
            "(pg_input_is_valid(feddans, 'numeric(10,2)') AND feddans::numeric >= 0)",
            "invalid_number",
            "feddans::numeric(10,2)",
        ),
    ),
    key=("national_id",),
    merge="""
INSERT INTO ration.land_holdings (national_id, feddans, reported_at)
SELECT national_id, feddans, now() FROM good
ON CONFLICT (national_id) DO UPDATE SET feddans = EXCLUDED.feddans, reported_at = now()
""",
    people="national_id",
    tables=("ration.land_holdings",),
)

KINDS: dict[str, Kind] = {k.name: k for k in (HOUSEHOLDS, VEHICLES, ELECTRICITY, SCHOOL_FEES, INCOMES, LAND)}
