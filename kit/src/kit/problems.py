"""The problem texts a service can answer with, published for the gateway's problem pages.

Every problem's `type` is `/problems/<code>` (kit.errors.problem_type); the gateway serves that
page, in Arabic and English, from the texts the services publish here (`GET /problems.json`,
inside the cluster like `/openapi.json`), merged as it merges their OpenAPI documents. Why not a
document generated at build time: the gateway imports no service, and the running services'
texts are the ones their answers use, so the page never disagrees with the problem it explains.
"""

from __future__ import annotations

import re
from typing import Any

from kit import i18n
from kit.errors import problem_type

_KEY = re.compile(r"^problem\.(?P<code>[a-z0-9_]+)\.(?P<part>title|detail)$")


def template_text(template: i18n.Template) -> str:
    """A template as readers see it without its parameters: a plural's general form."""
    return template.forms["other"] if isinstance(template, i18n.Plural) else template


def catalogue() -> dict[str, dict[str, Any]]:
    """code → {type, title: {ar, en}, detail: {ar, en}} for every problem with registered texts."""
    found: dict[str, dict[str, Any]] = {}
    for key, by_language in i18n.catalogue().items():
        match = _KEY.fullmatch(key)
        if match is None:
            continue
        entry = found.setdefault(match["code"], {"type": problem_type(match["code"])})
        entry[match["part"]] = {language: template_text(by_language[language]) for language in i18n.SUPPORTED}
    for entry in found.values():  # without a detail an answer repeats the title (kit.errors.render)
        if "title" in entry:
            entry.setdefault("detail", entry["title"])
    return {code: entry for code, entry in sorted(found.items()) if "title" in entry}


async def endpoint() -> dict[str, Any]:
    """`GET /problems.json`."""
    return {"problems": catalogue()}
