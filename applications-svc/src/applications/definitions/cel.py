"""Rules and conditions in CEL (Common Expression Language) through a maintained library
(`common-expression-language`, Rust's cel-interpreter): safe to evaluate, no I/O, no loops
without bounds. Every name in an expression is a fact or an answer, flat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cel

_MACRO = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,")


@dataclass(frozen=True)
class Compiled:
    program: cel.Program
    names: frozenset[str]
    """The free names (facts, answers) the expression reads."""


class CelError(Exception):
    """An expression that does not compile, or fails on values of the declared shapes."""


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> Compiled:
    try:
        program = cel.compile(expression)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise CelError(_first_line(exc)) from exc
    bound = set(_MACRO.findall(expression))
    return Compiled(program, frozenset(n for n in program.variables() if n not in bound))


def evaluate(compiled: Compiled, values: dict[str, Any]) -> bool:
    """The expression's truth for these values; CelError when it is not a boolean or fails."""
    try:
        result = compiled.program.execute({k: values[k] for k in compiled.names if k in values})
    except (ValueError, RuntimeError, TypeError, KeyError) as exc:
        raise CelError(_first_line(exc)) from exc
    if not isinstance(result, bool):
        raise CelError(f"the expression gives {type(result).__name__}, not a boolean")
    return result


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
