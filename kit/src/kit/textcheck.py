"""Checks that a service's texts are complete and each wholly in its language (used by tests).

- `catalogue_faults()`: every problem code has a title and a detail; every text has the same
  placeholders in Arabic and English; Arabic has no Latin words but codes, placeholders and the
  names in `ALLOWED_LATIN`; English has no Arabic letters.
- `untexted_codes(src)`: problem codes raised in the source (`ProblemError("code", ...)`,
  `NotFound("code")`, a subclass of them, `code="..."` for `problem_response`), validator
  refusals (`invalid("code")`) and literal `i18n.text("key")` keys that have no texts.
- `bare_value_errors(src)`: validators of request bodies that raise `ValueError`, whose English
  message would reach an Arabic reader; they raise `kit.errors.invalid("code")` instead.
"""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kit import errors as _kit_texts  # noqa: F401 - kit's own texts are in every service
from kit import i18n

ALLOWED_LATIN = frozenset(
    {
        # names, formats and protocol words an Arabic reader meets as they are
        "Shubbak", "SMS", "OTP", "EGP", "JSON", "UUID", "ASCII", "NUL", "ISO", "CSV", "HMAC", "URL", "HTTPS",
        "Idempotency-Key", "Retry-After", "Authorization", "Content-Type", "Allow", "Bearer", "JWT", "OAuth2", "JWKS",
        "YYYY-MM-DD", "HH", "MM", "SS", "GET", "POST", "PATCH", "PUT", "DELETE", "NATS", "CEL",
    }
)  # fmt: skip
_PROBLEM_CLASSES = frozenset({"ProblemError", "NotFound", "Conflict"})
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_./:=+\-]*")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CODE_LIKE = re.compile(r"[_=/.:0-9]")
_CODE_SPAN = re.compile(r"`[^`]*`|\{[^{}]*\}")
_VALIDATORS = frozenset({"field_validator", "model_validator", "validator", "root_validator"})


def import_package(package: str, *, skip: Iterable[str] = ("__main__", "cli")) -> None:
    """Import every module of `package` and register its texts (a service built from a kit
    Manifest has them in the manifest's table; the gateway, built by hand, in its `TEXTS`)."""
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if info.name.rsplit(".", 1)[-1] not in set(skip):
            module = importlib.import_module(info.name)
            for texts in (getattr(getattr(module, "manifest", None), "texts", None), getattr(module, "TEXTS", None)):
                if isinstance(texts, Mapping):
                    i18n.register(texts)


def latin_words(arabic: str) -> list[str]:
    """Latin words of an Arabic text that are neither codes nor allowed names."""
    words = _LATIN.findall(_CODE_SPAN.sub(" ", arabic))
    return [w for w in (w.rstrip(".:") for w in words) if w not in ALLOWED_LATIN and not _CODE_LIKE.search(w)]


def _forms(template: i18n.Template) -> list[str]:
    return list(template.forms.values()) if isinstance(template, i18n.Plural) else [template]


def catalogue_faults(catalogue: Mapping[str, Mapping[i18n.Language, i18n.Template]] | None = None) -> list[str]:
    """What is wrong with the registered texts (empty when nothing is)."""
    texts = i18n.catalogue() if catalogue is None else catalogue
    faults: list[str] = []
    for key, by_language in sorted(texts.items()):
        ar, en = by_language.get("ar"), by_language.get("en")
        if ar is None or en is None:
            faults.append(f"{key}: needs both an Arabic and an English text")
            continue
        if i18n.placeholders(ar) != i18n.placeholders(en):
            faults.append(
                f"{key}: placeholders differ: ar {sorted(i18n.placeholders(ar))} en {sorted(i18n.placeholders(en))}"
            )
        for form in _forms(ar):
            if latin := latin_words(form):
                faults.append(f"{key}: Latin words in the Arabic text {latin} (name them in Arabic, or quote a code)")
        for form in _forms(en):
            if _ARABIC.search(_CODE_SPAN.sub(" ", form)):
                faults.append(f"{key}: Arabic letters in the English text: {form!r}")
    codes = {key.split(".")[1] for key in texts if key.startswith("problem.") and key.count(".") == 2}
    for code in sorted(codes):
        for part in ("title", "detail"):
            if f"problem.{code}.{part}" not in texts:
                faults.append(f"problem code {code!r} has no {part}: {_how(code)}")
    return faults


@dataclass(frozen=True)
class Use:
    key: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key}"


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@functools.lru_cache(maxsize=64)
def _trees(src: Path) -> list[tuple[Path, ast.Module]]:
    """The parsed modules under `src` (parsed once per run: both checks read them)."""
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in sorted(src.rglob("*.py"))]


def _problem_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """ProblemError, NotFound, Conflict and every class of the source derived from them."""
    bases = {
        node.name: {_name(base) for base in node.bases}
        for _, tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    classes = set(_PROBLEM_CLASSES)
    grew = True
    while grew:
        found = {name for name, parents in bases.items() if parents & classes} - classes
        classes |= found
        grew = bool(found)
    return classes


def text_uses(src: Path) -> list[Use]:
    """Text keys the source needs: `problem.<code>.title/detail` for every problem raised,
    `validation.<code>` for every `invalid("code")`, and every literal `i18n.text(key)`."""
    trees = _trees(src)
    classes = _problem_classes(trees)
    uses: list[Use] = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path}:{node.lineno}"
            name = _name(node.func)
            keyword = next((_literal(k.value) for k in node.keywords if k.arg == "code"), None)
            if name in classes:
                code = _literal(node.args[0]) if node.args else keyword
                if code is None and name == "NotFound" and not node.args and keyword is None:
                    code = "not_found"
                if code is not None:
                    uses += [Use(f"problem.{code}.title", where), Use(f"problem.{code}.detail", where)]
            elif name in {"problem_response", "render"} and keyword is not None:
                uses += [Use(f"problem.{keyword}.title", where), Use(f"problem.{keyword}.detail", where)]
            elif name in {"invalid", "PydanticCustomError"} and node.args and (code := _literal(node.args[0])):
                uses.append(Use(f"validation.{code}", where))
            elif name == "text" and isinstance(node.func, ast.Attribute) and _name(node.func.value) == "i18n":
                if node.args and (key := _literal(node.args[0])):
                    uses.append(Use(key, where))
    return uses


def untexted_codes(src: Path) -> list[str]:
    """Messages naming each text the source needs but nobody registered."""
    missing: list[str] = []
    for use in text_uses(src):
        if not i18n.has(use.key):
            code = use.key.split(".")[1] if use.key.startswith("problem.") else None
            hint = _how(code) if code else f"add {use.key!r} with its Arabic and English to the service's TEXTS"
            missing.append(f"{use}: no text; {hint}")
    return missing


def bare_value_errors(src: Path) -> list[str]:
    """`raise ValueError(...)` in a pydantic validator or a request schema module of the source
    (its English would reach every caller): raise `kit.errors.invalid("code")` instead, with
    `validation.<code>` texts in both languages."""
    found: list[str] = []
    for path, tree in _trees(src):
        if path.name == "settings.py":  # configuration, read at start-up, never a caller's input
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            decorators = {_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
            if not decorators & _VALIDATORS and path.name != "schemas.py":
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Raise) and isinstance(inner.exc, ast.Call):
                    if _name(inner.exc.func) in {"ValueError", "AssertionError"}:
                        found.append(f"{path}:{inner.lineno}: {node.name} raises {_name(inner.exc.func)}")
    return found


def _how(code: str) -> str:
    return f"add 'problem.{code}.title' and 'problem.{code}.detail', in Arabic and English, to the service's TEXTS"
