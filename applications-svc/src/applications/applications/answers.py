"""The questions an applicant sees, their answers checked, and the rules decided: pure
functions of a definition version, the prefilled facts and the answers (no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from applications.definitions.cel import CelError, compile_expression, evaluate
from applications.definitions.schemas import DefinitionBody, Question
from applications.definitions.validation import sample
from applications.facts.service import CHOICE_KEYS


@dataclass(frozen=True)
class Shown:
    question: Question
    choices: list[dict[str, Any]] | None
    answer: Any


def _choices(question: Question, facts: dict[str, Any]) -> list[dict[str, Any]] | None:
    if question.choices_from is None:
        return None
    return list(facts.get(question.choices_from) or [])


def shown(body: DefinitionBody, facts: dict[str, Any], answers: dict[str, Any]) -> list[Shown]:
    """The questions whose condition holds on the facts and the earlier answers, in order."""
    values = dict(facts)
    out: list[Shown] = []
    for question in body.questions:
        visible = question.condition is None or _holds(question.condition, values, otherwise=True)
        answer = answers.get(question.id) if visible else None
        values[question.id] = answer if answer is not None else sample(question)
        if visible:
            out.append(Shown(question, _choices(question, facts), answer))
    return out


def check(question: Question, value: Any, facts: dict[str, Any]) -> str | None:
    """Why `value` is not an answer to `question` (a code), or None."""
    kind = question.type
    if kind == "text":
        if not isinstance(value, str):
            return "wrong_type"
        if len(value.strip()) < max(question.min_length or 0, 1) and question.required:
            return "too_short"
        if len(value) > question.max_length:
            return "too_long"
        if question.pattern is not None and not re.fullmatch(question.pattern, value):
            return "pattern_mismatch"
    elif kind in ("integer", "money"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "wrong_type"
        if question.min is not None and value < question.min:
            return "below_min"
        if question.max is not None and value > question.max:
            return "above_max"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "wrong_type"
    elif kind == "date":
        try:
            date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            return "not_a_date"
    elif kind == "choice":
        if question.choices_from is not None:
            key = CHOICE_KEYS[question.choices_from]
            allowed = {str(item.get(key)) for item in facts.get(question.choices_from) or []}
        else:
            allowed = {c.value for c in question.choices or []}
        if value not in allowed:
            return "not_a_choice"
    return None


def missing(items: list[Shown]) -> list[str]:
    return [s.question.id for s in items if s.question.required and s.answer is None]


Result = Literal["passed", "failed", "referred"]


def decide(body: DefinitionBody, facts: dict[str, Any], answers: dict[str, Any]) -> tuple[Result, list[dict[str, str]]]:
    """The rules on the facts and the answers shown: a failing `require` rule refuses, a failing
    `refer` rule sends the application to an officer; the failing rules' explanations are the reasons."""
    values = dict(facts)
    for question in body.questions:
        answer = answers.get(question.id)
        values[question.id] = answer if answer is not None else sample(question)
    failed: list[dict[str, str]] = []
    referred: list[dict[str, str]] = []
    for rule in body.rules:
        holds = _holds(rule.expression, values, otherwise=None)
        if holds is None:  # fails on these values: a person looks at it, never a silent refusal
            referred.append({"code": rule.id, "text_ar": rule.explanation.ar, "text_en": rule.explanation.en})
        elif not holds:
            reason = {"code": rule.id, "text_ar": rule.explanation.ar, "text_en": rule.explanation.en}
            (failed if rule.effect == "require" else referred).append(reason)
    if failed:
        return "failed", failed
    return ("referred", referred) if referred else ("passed", [])


def _holds(expression: str, values: dict[str, Any], *, otherwise: bool | None) -> bool | None:
    try:
        return evaluate(compile_expression(expression), values)
    except CelError:
        return otherwise
