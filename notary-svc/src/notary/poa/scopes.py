"""The scope templates a power of attorney is composed of (the document's elements)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    code: str
    ar: str
    en: str
    general: bool
    """Part of a general power of attorney (توكيل عام رسمي); else only in a special one."""


SCOPES: tuple[Scope, ...] = (
    Scope("general_management", "إدارة جميع شؤون الموكل وأمواله والتعامل باسمه مع كافة الجهات",
          "Management of all the principal's affairs and property, and dealing for them with any authority",
          True),
    Scope("litigation", "التقاضي أمام جميع المحاكم بدرجاتها والصلح والإقرار والإنكار",
          "Litigation before all courts at every level, settlement, admission and denial", True),
    Scope("government_dealings", "التعامل مع الجهات الحكومية والشهر العقاري واستخراج المستندات",
          "Dealing with government bodies and the real-estate registry, and obtaining documents", True),
    Scope("property_sale_purchase", "بيع وشراء العقارات والأراضي والتوقيع على العقود النهائية والتسجيل",
          "Sale and purchase of real estate and land, signing final contracts and registration", False),
    Scope("vehicles", "بيع وشراء وترخيص السيارات والتعامل مع إدارات المرور",
          "Sale, purchase and licensing of vehicles, and dealing with traffic departments", False),
    Scope("bank_accounts", "فتح وإدارة الحسابات المصرفية والإيداع والسحب والتحويل",
          "Opening and managing bank accounts, deposits, withdrawals and transfers", False),
    Scope("inheritance", "استلام الميراث وإنهاء إجراءات حصر الإرث",
          "Receiving inheritance and completing the succession procedures", False),
)  # fmt: skip
BY_CODE: dict[str, Scope] = {s.code: s for s in SCOPES}
SERVICE_CODES = {"general": "notary.poa.general", "special": "notary.poa.special"}
