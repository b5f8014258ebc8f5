"""The eligibility query, built from a rule set's data: one set-based pass over the target
households joined with their members' facts. Each rule kind contributes one fragment
yielding (household_id, code, fact); explanations are rendered from the rule's templates
with the fact's fields. Values always travel as bind parameters."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

S = "ration"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


@dataclass
class Query:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """Which households to evaluate: a SQL condition on `h` (households) and its parameters."""

    where: str = "TRUE"
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = "all"

    @property
    def everyone(self) -> bool:
        return self.where == "TRUE"


def everyone() -> Target:
    return Target()


def governorate(code: str) -> Target:
    return Target("h.governorate = CAST(:t_gov AS text)", {"t_gov": code}, f"governorate:{code}")


def cards(ids: Sequence[Any]) -> Target:
    return Target("h.id = ANY(CAST(:t_ids AS uuid[]))", {"t_ids": list(ids)}, "cards")


def persons(national_ids: Sequence[str]) -> Target:
    """Households that have any of these people as a current member."""
    return Target(
        f"h.id IN (SELECT household_id FROM {S}.members WHERE removed_at IS NULL"
        " AND national_id = ANY(CAST(:t_nids AS text[])))",
        {"t_nids": list(national_ids)},
        "persons",
    )


def persons_in(table: str, column: str = "national_id") -> Target:
    """Households with a member listed in `table` (a staging table of an import)."""
    return Target(
        f"h.id IN (SELECT m.household_id FROM {S}.members m JOIN {table} x ON x.{column} = m.national_id"
        " WHERE m.removed_at IS NULL)",
        {},
        "import",
    )


def _egp(piastres: str) -> str:
    """An amount in piastres as the EGP text explanations show: whole pounds plainly, else with its
    piastres (EGP 9,600.50 is over a EGP 9,600 limit, so it never reads as 9600)."""
    return (
        f"CASE WHEN {piastres} % 100 = 0 THEN ({piastres} / 100)::text"
        f" ELSE to_char({piastres} / 100.0, 'FM999999999990.00') END"
    )


Fragment = Callable[[Mapping[str, Any], str], tuple[str, dict[str, Any]]]


def _utc(column: str) -> str:
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def _loaded(column: str) -> str:
    """The evidence of a fact a governorate's bulk file loaded (no event, no signature): when."""
    return f"jsonb_build_object('kind', 'import', 'time', {_utc(column)})"


def _evidence(column: str, loaded_at: str) -> str:
    """The fact's evidence: the signed event it came from (`kit.evidence.FactRef`), else its load."""
    return f"jsonb_build_array(coalesce({column}, {_loaded(loaded_at)}))"


_VEHICLE_EVIDENCE = f"""jsonb_path_query_array(jsonb_build_array(
    coalesce(v.registered_evidence, {_loaded("v.updated_at")}),
    CASE WHEN v.owner_evidence->>'event_id' IS DISTINCT FROM v.registered_evidence->>'event_id'
         THEN v.owner_evidence END), '$[*] ? (@ != null)')"""
"""A vehicle rests on its registration (make, model, year) and, once transferred, on the transfer."""

_VEHICLE_FACT = """jsonb_build_object('vehicle_id', v.vehicle_id, 'plate', v.plate_number, 'make', v.make,
  'model', v.model, 'model_year', v.model_year, 'engine_cc', v.engine_cc, 'owner_national_id', v.owner_national_id,
  'registered_on', to_char(v.owner_since AT TIME ZONE 'UTC', 'YYYY-MM-DD'))"""


def _vehicle_model_year(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id, {_VEHICLE_FACT} AS fact,
        {_VEHICLE_EVIDENCE} AS evidence
      FROM tm JOIN {S}.vehicles v ON v.owner_national_id = tm.national_id
      WHERE v.vehicle_type = ANY(CAST(:{p}types AS text[])) AND v.model_year >= CAST(:{p}min AS int)
      ORDER BY tm.household_id, v.model_year DESC, v.vehicle_id"""
    return sql, {f"{p}types": list(rule["vehicle_types"]), f"{p}min": rule["min_model_year"]}


def _vehicle_engine(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id, {_VEHICLE_FACT} AS fact,
        {_VEHICLE_EVIDENCE} AS evidence
      FROM tm JOIN {S}.vehicles v ON v.owner_national_id = tm.national_id
      WHERE v.vehicle_type = ANY(CAST(:{p}types AS text[])) AND v.engine_cc >= CAST(:{p}min AS int)
      ORDER BY tm.household_id, v.engine_cc DESC, v.vehicle_id"""
    return sql, {f"{p}types": list(rule["vehicle_types"]), f"{p}min": rule["min_engine_cc"]}


def _electricity(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id,
        jsonb_build_object('meter_id', e.meter_id, 'monthly_kwh', e.monthly_kwh,
          'period_start', e.period_start::text, 'period_end', e.period_end::text) AS fact,
        {_evidence("e.evidence", "e.reported_at")} AS evidence
      FROM tm JOIN {S}.meters e ON e.subscriber_national_id = tm.national_id
      WHERE e.monthly_kwh > CAST(:{p}max AS int)
      ORDER BY tm.household_id, e.monthly_kwh DESC, e.meter_id"""
    return sql, {f"{p}max": rule["max_monthly_kwh"]}


def _school_fees(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id,
        jsonb_build_object('student_national_id', f.student_national_id, 'school_id', f.school_id,
          'school_type', f.school_type, 'academic_year', f.academic_year,
          'annual_fees_egp', {_egp("f.annual_fees_piastres")}) AS fact,
        {_evidence("f.evidence", "f.reported_at")} AS evidence
      FROM tm JOIN {S}.school_fees f ON f.guardian_national_id = tm.national_id
      WHERE f.annual_fees_piastres >= CAST(:{p}min AS bigint) AND f.academic_year >= CAST(:{p}year AS text)
        AND f.school_type = ANY(CAST(:{p}types AS text[]))
      ORDER BY tm.household_id, f.annual_fees_piastres DESC, f.student_national_id"""
    return sql, {
        f"{p}min": rule["min_annual_fees_piastres"],
        f"{p}year": rule["from_academic_year"],
        f"{p}types": list(rule["school_types"]),
    }


def _salary(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id,
        jsonb_build_object('national_id', i.national_id, 'monthly_salary_egp', {_egp("i.monthly_salary_piastres")})
          AS fact, jsonb_build_array({_loaded("i.reported_at")}) AS evidence
      FROM tm JOIN {S}.incomes i ON i.national_id = tm.national_id
      WHERE i.monthly_salary_piastres > CAST(:{p}max AS bigint)
      ORDER BY tm.household_id, i.monthly_salary_piastres DESC"""
    return sql, {f"{p}max": rule["max_monthly_salary_piastres"]}


def _land(rule: Mapping[str, Any], p: str) -> tuple[str, dict[str, Any]]:
    sql = f"""SELECT DISTINCT ON (tm.household_id) tm.household_id,
        jsonb_build_object('national_id', l.national_id, 'feddans', l.feddans::text) AS fact,
        jsonb_build_array({_loaded("l.reported_at")}) AS evidence
      FROM tm JOIN {S}.land_holdings l ON l.national_id = tm.national_id
      WHERE l.feddans >= CAST(:{p}min AS numeric)
      ORDER BY tm.household_id, l.feddans DESC"""
    return sql, {f"{p}min": str(rule["min_feddans"])}


FRAGMENTS: dict[str, tuple[Fragment, tuple[str, ...]]] = {
    "vehicle_model_year": (_vehicle_model_year, ("make", "model", "model_year", "engine_cc", "plate", "registered_on")),
    "vehicle_engine_cc": (_vehicle_engine, ("make", "model", "model_year", "engine_cc", "plate", "registered_on")),
    "electricity_monthly_kwh": (_electricity, ("meter_id", "monthly_kwh", "period_start", "period_end")),
    "school_fees": (_school_fees, ("school_id", "school_type", "academic_year", "annual_fees_egp")),
    "monthly_salary": (_salary, ("monthly_salary_egp",)),
    "land_feddans": (_land, ("feddans",)),
}


def _render(template_param: str, placeholders: Sequence[str], *, arabic: bool) -> str:
    expr = f"CAST(:{template_param} AS text)"
    for name in placeholders:
        value = f"coalesce(x.fact->>'{name}', '')"
        if arabic:
            value = f"translate({value}, '0123456789', '{ARABIC_DIGITS}')"
        expr = f"replace({expr}, '{{{name}}}', {value})"
    return expr


def _hits(rules: Sequence[Mapping[str, Any]], params: dict[str, Any]) -> str:
    parts = []
    for i, rule in enumerate(rules):
        fragment, placeholders = FRAGMENTS[rule["kind"]]
        p = f"r{i}_"
        sql, fragment_params = fragment(rule, p)
        params.update(fragment_params)
        params[f"{p}code"] = rule["code"]
        params[f"{p}ar"] = rule["explanation_ar"]
        params[f"{p}en"] = rule["explanation_en"]
        parts.append(
            f"SELECT x.household_id, CAST(:{p}code AS text) AS code, x.fact, x.evidence,"
            f" {_render(f'{p}ar', placeholders, arabic=True)} AS ar,"
            f" {_render(f'{p}en', placeholders, arabic=False)} AS en FROM ({sql}) x"
        )
    if not parts:
        return (
            "SELECT NULL::uuid AS household_id, NULL::text AS code, NULL::jsonb AS fact, NULL::jsonb AS evidence,"
            " NULL AS ar, NULL AS en WHERE false"
        )
    return "\nUNION ALL\n".join(parts)


def _computed(rule_set: Mapping[str, Any], target: Target, params: dict[str, Any]) -> str:
    """CTEs up to `computed`: every target household with its reasons and entitlement.

    `targets` and `tm` are inlined, so the planner sees each use whole: a targeted evaluation
    goes household → members → facts by index, a full one starts from the few facts over a
    threshold (members of other households drop out at the join with `targets`, so for everyone
    `tm` needs no semi-join). The entitlement reads `households.members_count` (kept by a trigger
    on members, migration 0003), so no pass aggregates all members; an excluded household is
    entitled to nothing (0), whatever its size."""
    params.update(target.params)
    params["subsidy"] = rule_set["subsidy_per_member_piastres"]
    params["cap"] = rule_set["card_cap_piastres"]
    return f"""
WITH targets AS NOT MATERIALIZED (
  SELECT h.id, h.holder_national_id, h.governorate, h.decision_fingerprint, h.current_eligible,
         h.current_decision_id, h.members_count
  FROM {S}.households h WHERE h.status = 'active' AND ({target.where})
),
tm AS NOT MATERIALIZED (
  SELECT m.household_id, m.national_id FROM {S}.members m
  WHERE m.removed_at IS NULL {"" if target.everyone else "AND m.household_id IN (SELECT id FROM targets)"}
),
hits AS ({_hits(rule_set["rules"], params)}),
reasons AS (
  SELECT household_id,
         jsonb_agg(jsonb_build_object('code', code, 'fact', fact, 'evidence', evidence, 'explanation_ar', ar,
                                      'explanation_en', en) ORDER BY code) AS reasons,
         array_agg(code ORDER BY code) AS codes
  FROM hits GROUP BY household_id
),
overrides AS (
  SELECT DISTINCT ON (a.household_id) a.household_id, a.id, a.override_until
  FROM {S}.appeals a JOIN targets t ON t.id = a.household_id
  WHERE a.status = 'accepted' AND a.override_until > CAST(:now AS timestamptz)
  ORDER BY a.household_id, a.override_until DESC
),
computed AS (
  SELECT t.id, t.holder_national_id, t.governorate, t.decision_fingerprint, t.current_eligible,
         t.current_decision_id,
         coalesce(r.reasons, '[]'::jsonb) AS reasons, coalesce(r.codes, '{{}}'::text[]) AS codes,
         (r.household_id IS NULL OR o.id IS NOT NULL) AS eligible,
         o.id AS override_id, o.override_until,
         t.members_count AS n,
         CASE WHEN r.household_id IS NULL OR o.id IS NOT NULL
              THEN least(t.members_count * CAST(:subsidy AS bigint), CAST(:cap AS bigint)) ELSE 0 END AS entitlement
  FROM targets t
  LEFT JOIN reasons r ON r.household_id = t.id
  LEFT JOIN overrides o ON o.household_id = t.id
)"""


def _params(
    rule_set: Mapping[str, Any], *, now: Any, trigger: str, source: str, headers: Mapping[str, str], subject: str
) -> dict[str, Any]:
    return {
        "now": now,
        "rule_set_id": rule_set["id"],
        "rules_version": rule_set["version"],
        "window": rule_set["appeal_window_days"],
        "trigger": trigger,
        "source": source,
        "subject": subject,
        "headers": json.dumps(dict(headers)),
        "traceparent": headers.get("traceparent"),
        "tracestate": headers.get("tracestate"),
    }


_TODAY = "(CAST(:now AS timestamptz) AT TIME ZONE 'UTC')::date"
_STATED = """CASE WHEN jsonb_array_length(c.reasons) = 0 THEN c.reasons
  ELSE (SELECT jsonb_agg(r - 'evidence' ORDER BY i)
        FROM jsonb_array_elements(c.reasons) WITH ORDINALITY AS e(r, i)) END"""
"""The reasons without their evidence: the same fact stated again by a newer event is no change
of the decision (which keeps citing the event it was made on)."""
_FINGERPRINT = (
    f"md5(concat_ws('|', c.eligible, ({_STATED})::text, c.n, c.entitlement, c.override_id, c.override_until))"
)

_CHANGED = f"""
  SELECT c.*, {_FINGERPRINT} AS fp, gen_random_uuid() AS decision_id, gen_random_uuid() AS event_id
  FROM computed c WHERE c.decision_fingerprint IS DISTINCT FROM {_FINGERPRINT}"""
"""The target households whose outcome differs from their current decision (with new ids)."""

_NOTIFY = f"""
  SELECT c.*, ((c.current_eligible IS DISTINCT FROM c.eligible AND NOT (c.current_eligible IS NULL AND c.eligible))
               OR (NOT c.eligible AND (SELECT d.reason_codes FROM {S}.decisions d WHERE d.id = c.current_decision_id)
                   IS DISTINCT FROM c.codes)) AS notify
  FROM {{changed}} c"""
"""Whether the citizen must be told: eligibility flipped, or the reasons of an exclusion changed
(looked up after the change is known, and only for a household still excluded: by its decision's
key, where a join hashed every decision of every earlier chunk of a job, 0.26 s of a 50,000-household
chunk behind 900,000 decisions)."""

_WRITES = f"""
ins AS (
  INSERT INTO {S}.decisions (id, household_id, eligible, reasons, reason_codes, rule_set_id, rules_version,
    members_count, entitlement_piastres, override_appeal_id, override_until, trigger, fingerprint, notified,
    effective_from, appeal_deadline, decided_at, evidence_event_ids)
  SELECT decision_id, id, eligible, reasons, codes, CAST(:rule_set_id AS uuid), CAST(:rules_version AS text),
    n, entitlement, override_id, override_until, CAST(:trigger AS text), fp, notify, {_TODAY},
    CASE WHEN eligible THEN NULL ELSE {_TODAY} + CAST(:window AS int) END, CAST(:now AS timestamptz),
    ARRAY(SELECT DISTINCT CAST(e->>'event_id' AS uuid) FROM jsonb_array_elements(reasons) r,
          jsonb_array_elements(r->'evidence') e WHERE e ? 'event_id')
  FROM changed
),
upd AS (
  UPDATE {S}.households h SET current_decision_id = c.decision_id, current_eligible = c.eligible,
    decision_fingerprint = c.fp, updated_at = CAST(:now AS timestamptz)
  FROM changed c WHERE h.id = c.id
),
ev AS (
  INSERT INTO {S}.outbox (id, subject, aggregate_id, payload, headers)
  SELECT c.event_id, CAST(:subject AS text), c.id::text, convert_to(jsonb_build_object(
      'specversion', '1.0', 'id', c.event_id, 'type', CAST(:subject AS text), 'source', CAST(:source AS text),
      'subject', c.id::text,
      'time', to_char(CAST(:now AS timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      'datacontenttype', 'application/json', 'dataversion', 1,
      'traceparent', CAST(:traceparent AS text), 'tracestate', CAST(:tracestate AS text),
      'data', jsonb_build_object(
        'card_id', c.id, 'holder_national_id', c.holder_national_id, 'eligible', c.eligible,
        'reasons', CASE WHEN c.eligible THEN '[]'::jsonb ELSE (
          SELECT jsonb_agg(jsonb_build_object('code', r->>'code', 'explanation_ar', r->>'explanation_ar',
                                              'explanation_en', r->>'explanation_en'))
          FROM jsonb_array_elements(c.reasons) r) END,
        'appealable', NOT c.eligible,
        'appeal_deadline', CASE WHEN c.eligible THEN NULL ELSE ({_TODAY} + CAST(:window AS int))::text END,
        'rules_version', CAST(:rules_version AS text), 'effective_from', {_TODAY}::text,
        'decided_at', to_char(CAST(:now AS timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'decision_id', c.decision_id, 'governorate', c.governorate,
        'override_until', (c.override_until AT TIME ZONE 'UTC')::date::text
      ))::text, 'UTF8'), CAST(:headers AS jsonb)
  FROM changed c WHERE c.notify ORDER BY c.id
)"""
"""Write a decision per changed household, point the household at it, and put
`ration.eligibility.changed.v1` in the outbox where the citizen must be told (eligibility
flipped, or the reasons of an exclusion changed)."""


def evaluate(
    rule_set: Mapping[str, Any],
    target: Target,
    *,
    now: Any,
    trigger: str,
    source: str,
    headers: Mapping[str, str],
    subject: str,
) -> Query:
    """Decide for every target household and write the changes: one statement (targeted
    evaluations of a few households, where a second round trip would only add latency)."""
    params = _params(rule_set, now=now, trigger=trigger, source=source, headers=headers, subject=subject)
    head = _computed(rule_set, target, params)
    sql = f"""{head},
outcomes AS MATERIALIZED ({_CHANGED}
),
changed AS MATERIALIZED ({_NOTIFY.format(changed="outcomes")}
),
{_WRITES}
SELECT (SELECT count(*) FROM targets) AS evaluated, count(*) AS changed,
       count(*) FILTER (WHERE notify) AS notified FROM changed"""
    return Query(sql, params)


STAGE = "ration_changed"


@dataclass
class Staged:
    """A batch evaluation in three statements: `stage` computes the changed households into a
    temporary table (a read-only query PostgreSQL may run in parallel, which it never does for a
    statement that writes), `count` counts the targets, `apply` writes from the stage."""

    stage: Query
    count: Query
    apply: Query


def evaluate_staged(
    rule_set: Mapping[str, Any],
    target: Target,
    *,
    now: Any,
    trigger: str,
    source: str,
    headers: Mapping[str, str],
    subject: str,
) -> Staged:
    params = _params(rule_set, now=now, trigger=trigger, source=source, headers=headers, subject=subject)
    head = _computed(rule_set, target, params)
    stage = Query(f"CREATE TEMP TABLE {STAGE} ON COMMIT DROP AS {head}\n{_CHANGED}", params)
    count = Query(
        f"SELECT count(*) FROM {S}.households h WHERE h.status = 'active' AND ({target.where})", dict(target.params)
    )
    apply = Query(
        f"""WITH changed AS MATERIALIZED ({_NOTIFY.format(changed=STAGE)}),
{_WRITES}
SELECT count(*) AS changed, count(*) FILTER (WHERE notify) AS notified FROM changed""",
        params,
    )
    return Staged(stage, count, apply)


def simulate(rule_set: Mapping[str, Any], target: Target, *, now: Any) -> Query:
    """What `rule_set` would decide, per governorate, without writing anything."""
    params: dict[str, Any] = {"now": now}
    head = _computed(rule_set, target, params)
    sql = f"""{head},
per_reason AS (
  SELECT c.governorate, code, count(*) AS n FROM computed c, unnest(c.codes) AS code
  WHERE NOT c.eligible GROUP BY c.governorate, code
)
SELECT c.governorate, count(*) AS households, count(*) FILTER (WHERE NOT c.eligible) AS excluded,
       count(*) FILTER (WHERE NOT c.eligible AND c.current_eligible IS DISTINCT FROM false) AS newly_excluded,
       count(*) FILTER (WHERE c.eligible AND c.current_eligible = false) AS newly_eligible,
       coalesce((SELECT jsonb_object_agg(p.code, p.n) FROM per_reason p WHERE p.governorate = c.governorate),
                '{{}}'::jsonb) AS by_reason
FROM computed c GROUP BY c.governorate ORDER BY c.governorate"""
    return Query(sql, params)
