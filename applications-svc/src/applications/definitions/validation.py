"""What publication checks in a whole definition: every name known and defined before it is
used, every expression compiling in CEL and giving a boolean on values of the declared shapes,
the fee known to the catalogue. Each error names its place (`body.rules[1].expression`)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from applications.definitions.cel import CelError, compile_expression, evaluate
from applications.definitions.schemas import DefinitionBody, Question
from applications.facts.service import CHOICE_KEYS, FACTS
from kit import i18n
from kit.errors import FieldError

TariffCheck = Callable[[str], Awaitable[Literal["known", "no_tariff", "unknown_service"]]]

_SAMPLES: dict[str, Any] = {"text": "", "integer": 0, "money": 0, "boolean": False, "date": "2000-01-01"}


def _error(field: str, problem: str, **params: object) -> FieldError:
    return FieldError(field=field, reason=i18n.text(f"applications.definition.{problem}", **params), code=problem)


def sample(question: Question) -> Any:
    if question.type == "choice":
        return question.choices[0].value if question.choices else ""
    if question.type in ("integer", "money") and question.min is not None:
        return question.min
    return _SAMPLES[question.type]


async def problems(body: DefinitionBody, *, service_code: str, tariff: TariffCheck) -> list[FieldError]:
    errors: list[FieldError] = []
    facts = _facts(body, errors)
    values: dict[str, Any] = {name: FACTS[name].sample for name in facts}
    later = {q.id for q in body.questions}
    seen: set[str] = set()
    for i, question in enumerate(body.questions):
        at = f"body.questions[{i}]"
        later.discard(question.id)
        if question.id in seen or question.id in facts:
            errors.append(_error(f"{at}.id", "name_taken", name=question.id))
        errors += _shape(question, at, facts)
        if question.condition is not None:
            errors += _expression(question.condition, f"{at}.condition", values, later=later)
        seen.add(question.id)
        values[question.id] = sample(question)
    rule_ids: set[str] = set()
    for i, rule in enumerate(body.rules):
        if rule.id in rule_ids:
            errors.append(_error(f"body.rules[{i}].id", "name_taken", name=rule.id))
        rule_ids.add(rule.id)
        errors += _expression(rule.expression, f"body.rules[{i}].expression", values, later=set())
    for i, field in enumerate(body.fulfilment.fields):
        kind, _, name = field.source.partition(".")
        if name not in (facts if kind == "facts" else seen):
            errors.append(_error(f"body.fulfilment.fields[{i}].source", "unknown_name", name=field.source))
    if body.fulfilment.kind in ("document", "post") and body.fulfilment.title is None:
        errors.append(_error("body.fulfilment.title", "title_missing"))
    code = body.fee.tariff or service_code
    known = await tariff(code)
    if known != "known":
        errors.append(_error("body.fee.tariff", f"fee_{known}", code=code))
    return errors


def _facts(body: DefinitionBody, errors: list[FieldError]) -> set[str]:
    known: set[str] = set()
    for i, name in enumerate(body.facts):
        if name not in FACTS:
            errors.append(_error(f"body.facts[{i}]", "unknown_fact", name=name))
        elif name in known:
            errors.append(_error(f"body.facts[{i}]", "name_taken", name=name))
        known.add(name)
    return {n for n in known if n in FACTS}


def _shape(question: Question, at: str, facts: set[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    if question.type == "choice":
        if not question.choices and not question.choices_from:
            errors.append(_error(f"{at}.choices", "choices_missing"))
        if question.choices_from and (question.choices_from not in CHOICE_KEYS or question.choices_from not in facts):
            errors.append(_error(f"{at}.choices_from", "unknown_name", name=question.choices_from))
        values = [c.value for c in question.choices or []]
        if len(values) != len(set(values)):
            errors.append(_error(f"{at}.choices", "name_taken", name=question.id))
    elif question.choices or question.choices_from:
        errors.append(_error(f"{at}.choices", "choices_not_allowed"))
    if question.min is not None and question.max is not None and question.min > question.max:
        errors.append(_error(f"{at}.max", "bad_range"))
    if question.pattern is not None:
        try:
            re.compile(question.pattern)
        except re.error:
            errors.append(_error(f"{at}.pattern", "bad_pattern"))
    return errors


def _expression(expression: str, at: str, values: dict[str, Any], *, later: set[str]) -> list[FieldError]:
    try:
        compiled = compile_expression(expression)
    except CelError as exc:
        return [_error(at, "does_not_compile", message=str(exc))]
    unknown = sorted(compiled.names - values.keys())
    if unknown:
        return [
            _error(at, "referenced_before_defined", name=name)
            if name in later
            else _error(at, "unknown_name", name=name)
            for name in unknown
        ]
    try:
        evaluate(compiled, values)
    except CelError as exc:
        return [_error(at, "does_not_evaluate", message=str(exc))]
    return []
