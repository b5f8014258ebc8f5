"""A document as one printable page wholly in the reader's language (Arabic right-to-left by
default, English by Accept-Language): dates in Cairo, written as the language writes them.

PDF is not offered: the well-kept pure-Python PDF writers need a shaping engine (a binary
wheel) and embedded fonts to set Arabic correctly; browsers print this page to PDF."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any

from kit import i18n
from kit.document_signing import b64url
from notary import governorates
from notary.documents.models import Document
from notary.documents.service import status_of

_STYLE = """
body{font-family:"Noto Naskh Arabic","Amiri","Segoe UI",Arial,sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;width:100%}td{border:1px solid #999;padding:.4em;vertical-align:top}
h1{font-size:1.4em}.sig{font-family:monospace;font-size:.7em;word-break:break-all}
@media print{.noprint{display:none}body{margin:1cm}}
"""


class _Page:
    """Rows of one document in one language."""

    def __init__(self, language: i18n.Language) -> None:
        self.language = language
        self.rows: list[str] = []

    def t(self, key: str, **params: object) -> str:
        return i18n.text(f"document.{key}", self.language, **params)

    def row(self, key: str, **params: object) -> None:
        self.rows.append(f"<tr><td>{escape(self.t(key, **params))}</td></tr>")

    def day(self, value: str | None) -> str:
        if not value:
            return "-"
        parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        return i18n.day(parsed, self.language)

    def person(self, role: str, person: dict[str, Any]) -> None:
        name = person.get("full_name_ar", "")
        if self.language == "en":
            name = person.get("full_name_latin") or name  # a name the registry holds only in Arabic stays so
        self.row("person", role=self.t(role), name=name, national_id=person.get("national_id", ""))


def _poa(page: _Page, c: dict[str, Any]) -> None:
    page.row("poa.general" if c["kind"] == "general" else "poa.special")
    page.person("principal", c["principal"])
    for agent in c["agents"]:
        page.person("agent", agent)
    for scope in c["scope"]:
        page.row("scope", scope=scope[page.language])
    for condition in c.get("special_conditions", []):
        page.row("condition", condition=condition)
    until = c.get("valid_until")
    page.row("valid_until", day=page.day(until)) if until else page.row("until_revoked")
    page.row("office", office=c.get("office_id") or "-")


def _birth(page: _Page, c: dict[str, Any]) -> None:
    p = c["person"]
    page.person("name", p)
    page.row("birth_date", day=page.day(p.get("birth_date")))
    sex = p.get("sex")
    page.row("sex", sex=page.t(f"sex.{sex}") if sex in ("male", "female") else "-")
    page.row("birth_governorate", governorate=governorates.name(p.get("birth_governorate"), page.language))
    page.row("mother", name=p.get("mother_name_ar") or "-")
    page.row("father", name=p.get("father_name_ar") or "-")


def _marriage(page: _Page, kind: str, c: dict[str, Any]) -> None:
    m = c["marriage"]
    page.person("husband", c["husband"])
    page.person("wife", c["wife"])
    page.row("marriage_date", day=page.day(m.get("marriage_date")))
    if kind == "divorce":
        page.row("divorce_date", day=page.day(m.get("divorce_date")))
    page.row("registered_in", governorate=governorates.name(m.get("governorate"), page.language))


def page(doc: Document, *, public_key_x: str, language: i18n.Language, now: datetime) -> str:
    p = _Page(language)
    p.row("number", number=doc.number)
    p.row("issued", day=i18n.day(doc.issued_at, language))
    p.row("status", status=p.t(f"status.{status_of(doc, now=now)}"))
    if doc.kind == "poa":
        _poa(p, doc.content)
    elif doc.kind == "birth":
        _birth(p, doc.content)
    else:
        _marriage(p, doc.kind, doc.content)
    p.row("code", code=doc.verification_code)
    verification = f"/v1/documents/{doc.number}/verification?code={doc.verification_code}"
    direction = "rtl" if language == "ar" else "ltr"
    signature = [
        p.t("signature", key_id=doc.key_id, x=public_key_x),
        p.t("sha256", digest=doc.content_sha256),
        p.t("signature_value", signature=doc.signature),
        p.t("canonical", content=b64url(doc.canonical)),
    ]
    return f"""<!doctype html>
<html lang="{language}" dir="{direction}"><head><meta charset="utf-8"><title>{escape(doc.number)}</title>
<style>{_STYLE}</style></head><body>
<h1>{escape(p.t(f"title.{doc.kind}"))}</h1>
<table>{"".join(p.rows)}</table>
<h2>{escape(p.t("verification"))}</h2>
<p>{escape(p.t("verify_at", url=verification))}</p>
<div class="sig" dir="ltr">{"".join(f"<p>{escape(line)}</p>" for line in signature)}</div>
<p class="noprint"><button onclick="window.print()">{escape(p.t("print"))}</button></p>
</body></html>"""
