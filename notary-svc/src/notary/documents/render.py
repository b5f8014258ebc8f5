"""A document as one bilingual printable page (Arabic right-to-left beside English).

PDF is not offered: the well-kept pure-Python PDF writers need a shaping engine (a binary
wheel) and embedded fonts to set Arabic correctly; browsers print this page to PDF."""

from __future__ import annotations

from html import escape
from typing import Any

from notary import governorates
from notary.documents.models import Document
from notary.documents.service import status_of
from notary.documents.signing import b64url

TITLES = {
    "poa": ("توكيل رسمي", "Power of attorney"),
    "birth": ("شهادة ميلاد (مستخرج رسمي)", "Birth certificate (official extract)"),
    "marriage": ("وثيقة زواج (مستخرج رسمي)", "Marriage certificate (official extract)"),
    "divorce": ("إشهاد طلاق (مستخرج رسمي)", "Divorce certificate (official extract)"),
}
STATUS = {"valid": ("ساري", "Valid"), "revoked": ("ملغى", "Revoked"), "expired": ("منتهي", "Expired")}
SEX = {"male": ("ذكر", "Male"), "female": ("أنثى", "Female")}

_STYLE = """
body{font-family:"Noto Naskh Arabic","Amiri","Segoe UI",Arial,sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;width:100%}td{border:1px solid #999;padding:.4em;vertical-align:top}
td.ar{direction:rtl;text-align:right;width:50%}td.en{direction:ltr;text-align:left;width:50%}
h1{font-size:1.4em;display:flex;justify-content:space-between}.sig{font-family:monospace;font-size:.7em;
word-break:break-all;direction:ltr}@media print{.noprint{display:none}body{margin:1cm}}
"""


def _row(ar: str, en: str) -> str:
    return f'<tr><td class="ar">{escape(ar)}</td><td class="en">{escape(en)}</td></tr>'


def _person(label: tuple[str, str], person: dict[str, Any]) -> str:
    latin = person.get("full_name_latin") or person.get("full_name_ar", "")
    nid = person.get("national_id", "")
    return _row(
        f"{label[0]}: {person.get('full_name_ar', '')} — الرقم القومي {nid}", f"{label[1]}: {latin} — National ID {nid}"
    )


def _rows(doc: Document) -> list[str]:
    c = doc.content
    rows: list[str] = []
    if doc.kind == "poa":
        kind = (
            ("توكيل عام رسمي", "General power of attorney")
            if c["kind"] == "general"
            else ("توكيل خاص", "Special power of attorney")
        )
        rows.append(_row(kind[0], kind[1]))
        rows.append(_person(("الموكل", "Principal"), c["principal"]))
        for agent in c["agents"]:
            rows.append(_person(("الوكيل", "Agent"), agent))
        for scope in c["scope"]:
            rows.append(_row(f"البند: {scope['ar']}", f"Power: {scope['en']}"))
        for condition in c.get("special_conditions", []):
            rows.append(_row(f"شرط خاص: {condition}", f"Special condition (as written): {condition}"))
        until = c.get("valid_until")
        rows.append(_row(f"السريان حتى: {until or 'حتى الإلغاء'}", f"Valid until: {until or 'revoked'}"))
        rows.append(_row(f"مكتب التوثيق: {c.get('office_id')}", f"Notary office: {c.get('office_id')}"))
    elif doc.kind == "birth":
        p = c["person"]
        sex = SEX.get(p.get("sex", ""), ("", ""))
        gov = p.get("birth_governorate")
        rows.append(_person(("الاسم", "Name"), p))
        rows.append(_row(f"تاريخ الميلاد: {p['birth_date']}", f"Date of birth: {p['birth_date']}"))
        rows.append(_row(f"النوع: {sex[0]}", f"Sex: {sex[1]}"))
        rows.append(
            _row(
                f"محافظة الميلاد: {governorates.name(gov, 'ar')}",
                f"Governorate of birth: {governorates.name(gov, 'en')}",
            )
        )
        rows.append(_row(f"اسم الأم: {p.get('mother_name_ar') or '-'}", f"Mother: {p.get('mother_name_ar') or '-'}"))
        rows.append(_row(f"اسم الأب: {p.get('father_name_ar') or '-'}", f"Father: {p.get('father_name_ar') or '-'}"))
    else:
        m = c["marriage"]
        rows.append(_person(("الزوج", "Husband"), c["husband"]))
        rows.append(_person(("الزوجة", "Wife"), c["wife"]))
        rows.append(_row(f"تاريخ الزواج: {m['marriage_date']}", f"Date of marriage: {m['marriage_date']}"))
        if doc.kind == "divorce":
            rows.append(_row(f"تاريخ الطلاق: {m['divorce_date']}", f"Date of divorce: {m['divorce_date']}"))
        gov = m.get("governorate")
        rows.append(
            _row(f"محافظة القيد: {governorates.name(gov, 'ar')}", f"Registered in: {governorates.name(gov, 'en')}")
        )
    return rows


def page(doc: Document, *, public_key_x: str) -> str:
    title = TITLES[doc.kind]
    status = STATUS[status_of(doc)]
    verification = f"/v1/documents/{doc.number}/verification?code={doc.verification_code}"
    body = "".join(
        [
            _row(f"رقم المستند: {doc.number}", f"Document number: {doc.number}"),
            _row(f"تاريخ الإصدار: {doc.issued_at:%Y-%m-%d}", f"Issued: {doc.issued_at:%Y-%m-%d}"),
            _row(f"الحالة: {status[0]}", f"Status: {status[1]}"),
            *_rows(doc),
            _row(f"رمز التحقق: {doc.verification_code}", f"Verification code: {doc.verification_code}"),
        ]
    )
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(doc.number)}</title>
<style>{_STYLE}</style></head><body>
<h1><span>{escape(title[0])}</span><span dir="ltr">{escape(title[1])}</span></h1>
<table>{body}</table>
<h2>التحقق / Verification</h2>
<p>تحقق من صلاحية المستند على {escape(verification)} — Check its status at {escape(verification)}</p>
<div class="sig"><p>alg: Ed25519 · key id: {escape(doc.key_id)} · public key (x): {escape(public_key_x)}</p>
<p>sha256: {escape(doc.content_sha256)}</p><p>signature: {escape(doc.signature)}</p>
<p>canonical content (base64url): {escape(b64url(doc.canonical))}</p></div>
<p class="noprint"><button onclick="window.print()">طباعة / Print</button></p>
</body></html>"""
