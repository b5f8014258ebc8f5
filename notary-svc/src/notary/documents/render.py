"""A document as one printable page wholly in the reader's language (Arabic right-to-left by
default, English by Accept-Language): dates in Cairo, written as the language writes them.

PDF is not offered: the well-kept pure-Python PDF writers need a shaping engine (a binary
wheel) and embedded fonts to set Arabic correctly; browsers print this page to PDF."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any

from kit import i18n
from notary import governorates
from notary.documents.models import Document
from notary.documents.service import status_of
from notary.documents.signing import b64url

i18n.register(
    {
        "document.title.poa": {"ar": "توكيل رسمي", "en": "Power of attorney"},
        "document.title.birth": {"ar": "شهادة ميلاد (مستخرج رسمي)", "en": "Birth certificate (official extract)"},
        "document.title.marriage": {
            "ar": "وثيقة زواج (مستخرج رسمي)",
            "en": "Marriage certificate (official extract)",
        },
        "document.title.divorce": {"ar": "إشهاد طلاق (مستخرج رسمي)", "en": "Divorce certificate (official extract)"},
        "document.status.valid": {"ar": "ساري", "en": "Valid"},
        "document.status.revoked": {"ar": "ملغى", "en": "Revoked"},
        "document.status.expired": {"ar": "منتهي", "en": "Expired"},
        "document.sex.male": {"ar": "ذكر", "en": "Male"},
        "document.sex.female": {"ar": "أنثى", "en": "Female"},
        "document.poa.general": {"ar": "توكيل عام رسمي", "en": "General power of attorney"},
        "document.poa.special": {"ar": "توكيل خاص", "en": "Special power of attorney"},
        "document.person": {
            "ar": "{role}: {name} — الرقم القومي {national_id}",
            "en": "{role}: {name} — National ID {national_id}",
        },
        "document.principal": {"ar": "الموكل", "en": "Principal"},
        "document.agent": {"ar": "الوكيل", "en": "Agent"},
        "document.name": {"ar": "الاسم", "en": "Name"},
        "document.husband": {"ar": "الزوج", "en": "Husband"},
        "document.wife": {"ar": "الزوجة", "en": "Wife"},
        "document.scope": {"ar": "البند: {scope}", "en": "Power: {scope}"},
        "document.condition": {"ar": "شرط خاص: {condition}", "en": "Special condition (as written): {condition}"},
        "document.valid_until": {"ar": "السريان حتى: {day}", "en": "Valid until: {day}"},
        "document.until_revoked": {"ar": "السريان: حتى الإلغاء", "en": "Valid until revoked"},
        "document.office": {"ar": "مكتب التوثيق: {office}", "en": "Notary office: {office}"},
        "document.birth_date": {"ar": "تاريخ الميلاد: {day}", "en": "Date of birth: {day}"},
        "document.sex": {"ar": "النوع: {sex}", "en": "Sex: {sex}"},
        "document.birth_governorate": {
            "ar": "محافظة الميلاد: {governorate}",
            "en": "Governorate of birth: {governorate}",
        },
        "document.mother": {"ar": "اسم الأم: {name}", "en": "Mother: {name}"},
        "document.father": {"ar": "اسم الأب: {name}", "en": "Father: {name}"},
        "document.marriage_date": {"ar": "تاريخ الزواج: {day}", "en": "Date of marriage: {day}"},
        "document.divorce_date": {"ar": "تاريخ الطلاق: {day}", "en": "Date of divorce: {day}"},
        "document.registered_in": {"ar": "محافظة القيد: {governorate}", "en": "Registered in: {governorate}"},
        "document.number": {"ar": "رقم المستند: {number}", "en": "Document number: {number}"},
        "document.issued": {"ar": "تاريخ الإصدار: {day}", "en": "Issued: {day}"},
        "document.status": {"ar": "الحالة: {status}", "en": "Status: {status}"},
        "document.code": {"ar": "رمز التحقق: {code}", "en": "Verification code: {code}"},
        "document.verification": {"ar": "التحقق", "en": "Verification"},
        "document.verify_at": {
            "ar": "تحقق من صلاحية المستند على {url}",
            "en": "Check the document's status at {url}",
        },
        "document.signature": {
            "ar": "التوقيع الإلكتروني (Ed25519) · معرف المفتاح: {key_id} · المفتاح العام: {x}",
            "en": "Electronic signature (Ed25519) · key id: {key_id} · public key: {x}",
        },
        "document.sha256": {"ar": "بصمة المحتوى (SHA-256): {digest}", "en": "Content digest (SHA-256): {digest}"},
        "document.signature_value": {"ar": "التوقيع: {signature}", "en": "Signature: {signature}"},
        "document.canonical": {
            "ar": "المحتوى الموقّع (base64url): {content}",
            "en": "Signed content (base64url): {content}",
        },
        "document.print": {"ar": "طباعة", "en": "Print"},
    }
)

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


def page(doc: Document, *, public_key_x: str, language: i18n.Language) -> str:
    p = _Page(language)
    p.row("number", number=doc.number)
    p.row("issued", day=i18n.day(doc.issued_at, language))
    p.row("status", status=p.t(f"status.{status_of(doc)}"))
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
