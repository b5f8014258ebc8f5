"""Reference data: the catalogue of services, their first published tariffs, and the roll-out
schedule of the domain brief (Port Said pilot, phase 1, phase 2, the rest).

The catalogue is reference data every environment needs (production included), so it is seeded
here, frozen as literals: later changes go through the admin API, audited and announced. The
upgrade only inserts rows that are missing, so it never overwrites an admin's change.

Revision ID: 0003
Revises: 0002
"""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "catalog"
SEEDED_BY = "migration:0003"
TARIFF_FROM = "2025-10-01T00:00:00+03:00"

PHASE_DATES = {
    "pilot": "2025-10-01T00:00:00+03:00",
    "phase_1": "2026-04-01T00:00:00+02:00",
    "phase_2": "2027-01-15T00:00:00+02:00",
    "rest": "2027-07-01T00:00:00+03:00",
}
GOVERNORATE_PHASES = {
    "03": "pilot",
    **dict.fromkeys(["01", "21", "02", "19", "04", "35", "29", "28", "15", "14", "12", "18"], "phase_1"),
    **dict.fromkeys(["22", "26", "17", "13", "24", "23", "32", "25", "16", "31"], "phase_2"),
    **dict.fromkeys(["11", "27", "33", "34"], "rest"),
}

NATIONAL_ID = {"ar": "الرقم القومي (يُتحقق منه إلكترونيًا)", "en": "National ID (checked electronically)"}
RATION_CARD = {"ar": "رقم بطاقة التموين", "en": "Ration card number"}

# code, family, name_ar, name_en, description_ar, description_en, entitlement, requirements, delivery, hours, status
SERVICES = [
    ("civil.certificate.birth", "civil", "شهادة ميلاد", "Birth certificate",
     "مستخرج رسمي من شهادة الميلاد، يُصدر موقّعًا إلكترونيًا فورًا.",
     "An official birth certificate extract, issued digitally signed at once.",
     False, [NATIONAL_ID, {"ar": "الرقم القومي لصاحب الشهادة", "en": "National ID of the person named"}],
     "online_instant", 0, "live"),
    ("civil.certificate.marriage", "civil", "قسيمة زواج", "Marriage certificate",
     "مستخرج رسمي من قسيمة الزواج.", "An official marriage certificate extract.",
     False, [NATIONAL_ID], "online_instant", 0, "live"),
    ("civil.certificate.divorce", "civil", "إشهاد طلاق", "Divorce certificate",
     "مستخرج رسمي من إشهاد الطلاق.", "An official divorce certificate extract.",
     False, [NATIONAL_ID], "online_instant", 0, "live"),
    ("notary.poa.general", "notary", "توكيل عام رسمي", "General power of attorney",
     "توكيل عام يحدد الموكل والوكيل ونطاق التوكيل وأي شروط خاصة، يُوثق في المكتب المحدد دون طوابير.",
     "A general power of attorney naming principal, agent, scope and any special conditions; "
     "verified at the assigned office without queuing.",
     False, [NATIONAL_ID, {"ar": "الرقم القومي للوكيل", "en": "The agent's national ID"},
             {"ar": "نطاق التوكيل والشروط الخاصة", "en": "The scope and any special conditions"}],
     "office", 24, "live"),
    ("notary.poa.special", "notary", "توكيل خاص", "Special power of attorney",
     "توكيل لتصرف محدد (بيع سيارة، تمثيل أمام جهة...) يُوثق في المكتب المحدد.",
     "A power of attorney for one act (selling a car, representation before an authority), "
     "verified at the assigned office.",
     False, [NATIONAL_ID, {"ar": "الرقم القومي للوكيل", "en": "The agent's national ID"},
             {"ar": "وصف التصرف المحدد", "en": "A description of the act"}],
     "office", 24, "live"),
    ("ration.card.replace_damaged", "ration", "بدل تالف لبطاقة التموين", "Ration card replacement (damaged)",
     "إصدار بطاقة تموين بدلًا من بطاقة تالفة، بعد التحقق من الاستحقاق.",
     "A new ration card in place of a damaged one, after the entitlement check.",
     True, [NATIONAL_ID, RATION_CARD, {"ar": "البطاقة التالفة عند الاستلام", "en": "The damaged card, at collection"}],
     "office", 72, "live"),
    ("ration.card.replace_lost", "ration", "بدل فاقد لبطاقة التموين", "Ration card replacement (lost)",
     "إصدار بطاقة تموين بدلًا من بطاقة مفقودة، بعد التحقق من الاستحقاق.",
     "A new ration card in place of a lost one, after the entitlement check.",
     True, [NATIONAL_ID, RATION_CARD], "office", 72, "live"),
    ("ration.card.add_newborn", "ration", "إضافة مولود على بطاقة التموين", "Add a newborn to the ration card",
     "إضافة مولود جديد إلى بطاقة التموين؛ بيانات الميلاد تُطلب من السجل المدني مباشرة.",
     "Add a newborn to the household's card; the birth is fetched from the civil registry.",
     True, [NATIONAL_ID, RATION_CARD, {"ar": "الرقم القومي للمولود", "en": "The newborn's national ID"}],
     "online", 72, "live"),
    ("ration.card.remove_member", "ration", "حذف فرد من بطاقة التموين", "Remove a member from the ration card",
     "حذف فرد لم يعد مستحقًا من بطاقة التموين.", "Remove a member who is no longer entitled from the card.",
     True, [NATIONAL_ID, RATION_CARD], "online", 72, "live"),
    ("ration.appeal", "ration", "تظلم من قرار الاستحقاق", "Appeal an entitlement decision",
     "تظلم من استبعاد أو تعديل الاستحقاق، مع بيان أسباب القرار.",
     "Appeal an exclusion or change of entitlement; the reasons for the decision are shown.",
     True, [NATIONAL_ID, RATION_CARD, {"ar": "أسباب التظلم", "en": "The grounds of the appeal"}],
     "online", 336, "live"),
    ("takaful.support.apply", "takaful", "طلب دعم تكافل وكرامة", "Apply for Takaful & Karama support",
     "التقدم لبرنامج الدعم النقدي تكافل وكرامة.", "Apply to the Takaful & Karama cash-support programme.",
     True, [NATIONAL_ID], "online", 720, "coming"),
    ("notary.real_estate.register", "notary", "تسجيل عقار بالشهر العقاري", "Real-estate registration",
     "شهر عقد عقار بالشهر العقاري.", "Register a real-estate deed with the registry.",
     False, [NATIONAL_ID, {"ar": "العقد", "en": "The deed"}], "office", 240, "coming"),
    ("traffic.licence.renew_vehicle", "traffic", "تجديد رخصة مركبة", "Vehicle licence renewal",
     "تجديد رخصة تسيير مركبة.", "Renew a vehicle's licence.",
     False, [NATIONAL_ID, {"ar": "رقم اللوحة", "en": "Plate number"}], "post", 72, "coming"),
    ("family_court.case.file", "family_court", "إقامة دعوى أسرة", "File a family-court case",
     "إقامة دعوى أمام محكمة الأسرة.", "File a case with the family court.",
     False, [NATIONAL_ID], "office", 168, "coming"),
    ("investment.company.establish", "investment", "تأسيس شركة", "Establish a company",
     "تأسيس شركة عبر الشباك الواحد للاستثمار.", "Establish a company through the investment one window.",
     False, [NATIONAL_ID], "online", 72, "coming"),
    ("registry.commercial.extract", "registry", "مستخرج سجل تجاري", "Commercial registry extract",
     "مستخرج رسمي من السجل التجاري.", "An official commercial registry extract.",
     False, [NATIONAL_ID], "online_instant", 0, "coming"),
    ("tax.certificate.clearance", "tax", "شهادة براءة ذمة ضريبية", "Tax clearance certificate",
     "شهادة بعدم وجود مستحقات ضريبية.", "A certificate that no taxes are due.",
     False, [NATIONAL_ID], "online", 48, "coming"),
    ("education.fees.pay", "education", "سداد المصروفات الدراسية", "Pay school fees",
     "سداد المصروفات الدراسية ورسوم الامتحانات.", "Pay school and exam fees.",
     False, [NATIONAL_ID], "online_instant", 0, "coming"),
    ("agriculture.smart_card.issue", "agriculture", "إصدار كارت الفلاح الذكي", "Issue a smart farmer card",
     "إصدار كارت الفلاح الذكي لصرف مستلزمات الزراعة.", "Issue the smart farmer card for farm supplies.",
     False, [NATIONAL_ID], "office", 168, "coming"),
]  # fmt: skip

ALL_CHANNELS = ["web", "mobile", "office", "post_office", "call_centre"]
ALL_METHODS = ["card", "wallet", "post_office", "cash_network"]
SERVICE_CHARGE = {"web": 300, "mobile": 300, "office": 1000, "post_office": 800, "call_centre": 1200}
INCENTIVE = -250  # the Ministry of Finance's incentive for paying by card or wallet


def _standard(base: int, stamp: int, *, post_delivery: int = 0) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"code": "base_fee", "amount_piastres": base, "channel": None, "method": None},
        {"code": "stamp_duty", "amount_piastres": stamp, "channel": None, "method": None},
    ]
    rows += [
        {"code": "service_charge", "amount_piastres": amount, "channel": channel, "method": None}
        for channel, amount in SERVICE_CHARGE.items()
    ]
    rows.append({"code": "service_charge", "amount_piastres": 200, "channel": None, "method": "cash_network"})
    if post_delivery:
        rows.append({"code": "delivery", "amount_piastres": post_delivery, "channel": "post_office", "method": None})
    rows += [
        {"code": "e_payment_incentive", "amount_piastres": INCENTIVE, "channel": None, "method": method}
        for method in ("card", "wallet")
    ]
    return rows


TARIFFS = {
    "civil.certificate.birth": _standard(2000, 500, post_delivery=1500),
    "civil.certificate.marriage": _standard(2500, 500, post_delivery=1500),
    "civil.certificate.divorce": _standard(2500, 500, post_delivery=1500),
    "notary.poa.general": _standard(5000, 1500),
    "notary.poa.special": _standard(4000, 1500),
    "ration.card.replace_damaged": _standard(1000, 0),
    "ration.card.replace_lost": _standard(2500, 0),
    "ration.card.add_newborn": _standard(500, 0),
    "ration.card.remove_member": [{"code": "base_fee", "amount_piastres": 0, "channel": None, "method": None}],
    "ration.appeal": [{"code": "base_fee", "amount_piastres": 0, "channel": None, "method": None}],
}


def upgrade() -> None:
    conn = op.get_bind()
    for (
        code,
        family,
        name_ar,
        name_en,
        desc_ar,
        desc_en,
        entitlement,
        requirements,
        delivery,
        hours,
        status,
    ) in SERVICES:
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.services (code, family, name_ar, name_en, description_ar, description_en, "
                "entitlement, requirements, delivery, processing_hours, status) VALUES (:code, :family, :name_ar, "
                ":name_en, :desc_ar, :desc_en, :entitlement, CAST(:requirements AS jsonb), :delivery, :hours, :status) "
                "ON CONFLICT (code) DO NOTHING"
            ),
            {
                "code": code,
                "family": family,
                "name_ar": name_ar,
                "name_en": name_en,
                "desc_ar": desc_ar,
                "desc_en": desc_en,
                "entitlement": entitlement,
                "requirements": json.dumps(requirements, ensure_ascii=False),
                "delivery": delivery,
                "hours": hours,
                "status": status,
            },
        )
    for code, components in TARIFFS.items():
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.tariffs (service_code, version, effective_from, channels, methods, components, "
                "published_by, reason) VALUES (:code, 1, :effective, CAST(:channels AS jsonb), "
                "CAST(:methods AS jsonb), CAST(:components AS jsonb), :by, :reason) ON CONFLICT DO NOTHING"
            ),
            {
                "code": code,
                "effective": datetime.fromisoformat(TARIFF_FROM),
                "channels": json.dumps(ALL_CHANNELS),
                "methods": json.dumps(ALL_METHODS),
                "components": json.dumps(components),
                "by": SEEDED_BY,
                "reason": "First published tariff",
            },
        )
        for governorate, phase in GOVERNORATE_PHASES.items():
            conn.execute(
                sa.text(
                    f"INSERT INTO {SCHEMA}.rollout (service_code, governorate, live_from, pilot, suspended, "
                    "updated_by) VALUES (:code, :gov, :live_from, :pilot, false, :by) "
                    "ON CONFLICT DO NOTHING"
                ),
                {
                    "code": code,
                    "gov": governorate,
                    "live_from": datetime.fromisoformat(PHASE_DATES[phase]),
                    "pilot": phase == "pilot",
                    "by": SEEDED_BY,
                },
            )


def downgrade() -> None:
    conn = op.get_bind()
    for table in ("rollout", "tariffs"):
        conn.execute(sa.text(f"DELETE FROM {SCHEMA}.{table} WHERE service_code IN :codes").bindparams(
            sa.bindparam("codes", expanding=True)), {"codes": [s[0] for s in SERVICES]})  # fmt: skip
    conn.execute(sa.text(f"DELETE FROM {SCHEMA}.services WHERE code IN :codes").bindparams(
        sa.bindparam("codes", expanding=True)), {"codes": [s[0] for s in SERVICES]})  # fmt: skip
