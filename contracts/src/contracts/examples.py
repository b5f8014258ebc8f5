"""One realistic, valid ``data`` payload per event, as it appears in JSON.

Used as examples in the AsyncAPI document and by tests (here and in services) that need a
valid event of each type. Every registered event must have one (a test checks it).
"""

from typing import Any

from contracts.base import Event
from contracts.registry import event_class

NID_A = "29001011234567"
NID_B = "29505152345678"
NID_C = "31801010123456"
U1 = "6f1c7f0e-3b1a-4c56-9d1e-2a9b8c7d6e51"
U2 = "0b9e2d34-8f3c-4e8a-a1f2-7c6d5e4f3a21"
U3 = "c4a1b2d3-e5f6-4789-9abc-def012345678"
T = "2025-03-01T09:30:00Z"

EXAMPLES: dict[str, dict[str, Any]] = {
    "civil.birth.registered.v1": {
        "child_national_id": NID_C,
        "first_name_ar": "ليلى",
        "full_name_ar": "ليلى أحمد محمود",
        "full_name_latin": "Layla Ahmed Mahmoud",
        "birth_date": "2018-01-01",
        "sex": "female",
        "governorate": "03",
        "father_national_id": NID_A,
        "mother_national_id": NID_B,
        "registered_at": T,
    },
    "civil.death.registered.v1": {
        "national_id": NID_A,
        "date_of_death": "2025-02-27",
        "governorate": "01",
        "registered_at": T,
    },
    "civil.marriage.registered.v1": {
        "marriage_id": U1,
        "husband_national_id": NID_A,
        "wife_national_id": NID_B,
        "marriage_date": "2017-05-20",
        "governorate": "21",
        "registered_at": T,
    },
    "civil.divorce.registered.v1": {
        "marriage_id": U1,
        "husband_national_id": NID_A,
        "wife_national_id": NID_B,
        "divorce_date": "2025-02-01",
        "governorate": "21",
        "registered_at": T,
    },
    "civil.address.changed.v1": {
        "national_id": NID_A,
        "governorate": "03",
        "district_ar": "حي الشرق",
        "address_ar": "١٢ شارع فلسطين",
        "changed_at": T,
    },
    "identity.citizen.enrolled.v1": {
        "citizen_id": U1,
        "national_id": NID_A,
        "channel": "web",
        "enrolled_at": T,
    },
    "identity.citizen.mobile_changed.v1": {
        "citizen_id": U1,
        "national_id": NID_A,
        "method": "office_visit",
        "office_id": "PS-01",
        "mobile_last_digits": "78",
        "changed_at": T,
    },
    "catalog.tariff.changed.v1": {
        "service_code": "notary.poa.general",
        "tariff_version": 2,
        "fees": [
            {"channel": "web", "method": "card", "fee_piastres": 14750},
            {"channel": "web", "method": "cash_network", "fee_piastres": 15000},
            {"channel": "office", "method": "cash_network", "fee_piastres": 17500},
        ],
        "effective_from": "2025-04-01T00:00:00+02:00",
        "changed_at": T,
    },
    "catalog.rollout.changed.v1": {
        "service_code": "ration.card.replace_lost",
        "governorate": "03",
        "status": "live",
        "changed_at": T,
        "live_from": "2025-10-01T00:00:00+03:00",
    },
    "payment.intent.created.v1": {
        "payment_id": U2,
        "citizen_id": U1,
        "service_code": "notary.poa.general",
        "order_ref": f"notary:poa:{U3}",
        "amount_piastres": 15000,
        "method": "cash_network",
        "provider_reference": "987654321",
        "expires_at": "2025-03-02T09:30:00Z",
        "created_at": T,
    },
    "payment.intent.succeeded.v1": {
        "payment_id": U2,
        "citizen_id": U1,
        "service_code": "notary.poa.general",
        "order_ref": f"notary:poa:{U3}",
        "amount_piastres": 15000,
        "method": "wallet",
        "provider_reference": "TX-42",
        "paid_at": T,
    },
    "payment.intent.failed.v1": {
        "payment_id": U2,
        "citizen_id": U1,
        "service_code": "notary.poa.general",
        "order_ref": f"notary:poa:{U3}",
        "reason": "expired",
        "failed_at": T,
    },
    "payment.intent.refunded.v1": {
        "payment_id": U2,
        "refund_id": U3,
        "citizen_id": U1,
        "order_ref": f"notary:poa:{U3}",
        "amount_piastres": 5000,
        "reason": "office could not verify the principal",
        "refunded_at": T,
    },
    "notary.poa.issued.v1": {
        "poa_id": U3,
        "document_number": "1234/أ/2025",
        "kind": "general",
        "principal_national_id": NID_A,
        "agent_national_id": NID_B,
        "agent_national_ids": [NID_B],
        "scope": ["البيع والشراء", "التقاضي أمام المحاكم"],
        "special_conditions": ["لا يجوز للوكيل بيع الشقة لنفسه"],
        "office_id": U2,
        "valid_until": None,
        "issued_at": T,
    },
    "notary.poa.revoked.v1": {
        "poa_id": U3,
        "principal_national_id": NID_A,
        "reason": None,
        "revoked_at": T,
    },
    "notary.poa.paid.v1": {
        "poa_id": U3,
        "citizen_id": U1,
        "principal_national_id": "29001011234567",
        "kind": "general",
        "service_code": "notary.poa.general",
        "governorate": "03",
        "order_ref": f"notary:{U3}",
        "paid_at": T,
    },
    "notary.poa.drafted.v1": {
        "poa_id": U3,
        "citizen_id": U1,
        "kind": "general",
        "agent_count": 1,
        "drafted_at": T,
    },
    "notary.poa.submitted.v1": {
        "poa_id": U3,
        "citizen_id": U1,
        "service_code": "notary.poa.general",
        "amount_piastres": 6550,
        "order_ref": f"notary:{U3}",
        "submitted_at": T,
    },
    "notary.certificate.issued.v1": {
        "certificate_id": U2,
        "citizen_id": U1,
        "kind": "birth",
        "document_number": "BC-2025-00000042",
        "subject_national_ids": [NID_C],
        "issued_at": T,
    },
    "notary.poa.cancelled.v1": {
        "poa_id": U3,
        "citizen_id": U1,
        "order_ref": f"notary:{U3}",
        "refund_due": True,
        "cancelled_at": T,
    },
    "office.appointment.verified.v1": {
        "appointment_id": U2,
        "citizen_id": U1,
        "office_id": U3,
        "service_code": "notary.poa.general",
        "order_ref": f"notary:{U3}",
        "clerk_id": U2,
        "verified_at": T,
    },
    "office.appointment.cancelled.v1": {
        "appointment_id": U2,
        "citizen_id": U1,
        "office_id": U3,
        "service_code": "notary.poa.general",
        "order_ref": f"notary:{U3}",
        "reason": "no_show",
        "cancelled_at": T,
    },
    "office.appointment.booked.v1": {
        "appointment_id": U2,
        "citizen_id": U1,
        "office_id": U3,
        "governorate": "03",
        "service_code": "notary.poa.general",
        "order_ref": f"notary:{U3}",
        "starts_at": "2025-03-03T08:00:00Z",
        "ends_at": "2025-03-03T08:15:00Z",
        "booked_at": T,
    },
    "ration.eligibility.changed.v1": {
        "card_id": U1,
        "holder_national_id": NID_A,
        "eligible": False,
        "reasons": [
            {
                "code": "car_model_year",
                "explanation_ar": "تملك الأسرة سيارة موديل ٢٠٢٢",
                "explanation_en": "The household owns a car, model 2022",
            },
        ],
        "appealable": True,
        "appeal_deadline": "2025-03-31",
        "rules_version": "2025.1",
        "effective_from": "2025-04-01",
        "decided_at": T,
        "decision_id": U3,
        "governorate": "03",
        "override_until": None,
    },
    "ration.appeal.decided.v1": {
        "appeal_id": U2,
        "card_id": U1,
        "decision_id": U3,
        "filed_by_national_id": NID_B,
        "holder_national_id": NID_A,
        "governorate": "03",
        "outcome": "accepted",
        "reason": "تم بيع السيارة في ٢٠٢٥-٠١-١٠ (عقد بيع موثق)",
        "override_until": "2025-09-01",
        "decided_at": T,
    },
    "traffic.vehicle.registered.v1": {
        "vehicle_id": U2,
        "plate_number": "ب ج د 1234",
        "owner_national_id": NID_A,
        "vehicle_type": "private_car",
        "make": "Hyundai",
        "model": "Elantra",
        "model_year": 2022,
        "engine_cc": 1600,
        "governorate": "03",
        "registered_at": T,
    },
    "traffic.vehicle.transferred.v1": {
        "vehicle_id": U2,
        "plate_number": "ب ج د 1234",
        "from_national_id": NID_A,
        "to_national_id": NID_B,
        "transferred_at": T,
    },
    "electricity.consumption.reported.v1": {
        "meter_id": "03-778812",
        "subscriber_national_id": NID_A,
        "governorate": "03",
        "period_start": "2025-02-01",
        "period_end": "2025-02-28",
        "consumption_kwh": 412,
        "reported_at": T,
    },
    "education.fees.reported.v1": {
        "student_national_id": NID_C,
        "guardian_national_id": NID_A,
        "school_id": "PS-0412",
        "school_type": "private",
        "academic_year": "2024/2025",
        "annual_fees_piastres": 4500000,
        "reported_at": T,
    },
}


def example(subject: str) -> Event:
    """A valid instance of the event registered for ``subject``."""
    return event_class(subject).model_validate(EXAMPLES[subject])
