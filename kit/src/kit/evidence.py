"""What a decision rests on, and the archive that proves it (issue 16).

A service that decides on facts other producers stated (ration on traffic's registrations,
notary on a payment and a clerk's verification) records, for each, a `FactRef`: the signed
event's id, type, producer (`source`), time and signing key id, taken from the envelope its
consumer verified before any handler ran. Those ids are what it asks evidence-svc's internal
export for (`Evidence.bundle`): the signed events, their place in the archive's hash chain and
the timestamp seals, which `python -m contracts verify` checks offline.

evidence-svc is asked with the platform's internal token, a timeout and retries (a bundle is a
read: repeating it is harmless); when it does not answer, a 503 `evidence_unavailable` problem."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

import httpx
from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from contracts import Envelope
from kit import i18n, upstream
from kit.errors import ProblemError
from kit.settings import ServiceSettings

log = logging.getLogger("kit.evidence")

Verification = Literal["verified", "unsigned", "not_an_event"]
"""`verified`: the consumer checked the producer's signature before the fact was recorded;
`unsigned`: an event recorded before producers signed; `not_an_event`: a fact loaded otherwise
(a governorate's bulk file), which no signature covers."""

i18n.register_problems(
    {
        "evidence_unavailable": (
            "تعذر الحصول على الأدلة الآن",
            "The evidence cannot be had right now",
            "أرشيف الأدلة لا يستجيب. لم يتغير شيء؛ يُرجى المحاولة بعد دقائق.",
            "The evidence archive is not answering. Nothing was changed; please try again in a few minutes.",
        ),
        "evidence_not_archived": (
            "الأدلة غير مؤرشفة بعد",
            "The evidence is not archived yet",
            "لم يحفظ أرشيف الأدلة الوقائع التي يستند إليها هذا القرار بعد؛ يُرجى المحاولة لاحقًا.",
            "The evidence archive does not hold the facts this decision rests on yet; please try again later.",
        ),
        "no_evidence": (
            "لا توجد أدلة موقعة",
            "No signed evidence",
            "لا يستند هذا القرار إلى أي واقعة موقعة يمكن تصديرها.",
            "This decision rests on no signed fact that could be exported.",
        ),
    }
)
i18n.register(
    {
        "evidence.verification.verified": {
            "ar": "التوقيع تم التحقق منه عند الاستلام",
            "en": "signature verified on receipt",
        },
        "evidence.verification.unsigned": {
            "ar": "غير موقعة (وردت قبل توقيع الوقائع)",
            "en": "unsigned (received before events were signed)",
        },
        "evidence.verification.not_an_event": {
            "ar": "من ملف مجمّع، لا يغطيه توقيع",
            "en": "from a bulk file, which no signature covers",
        },
    }
)


BUNDLE_EXAMPLE: dict[str, Any] = {
    "format": "shubbak-evidence-bundle/1",
    "exported_at": "2026-12-03T10:00:00Z",
    "query": {"event_ids": ["0193a5b2-7c1e-7d2a-9f41-2b8c1d5e6f70"]},
    "events": [
        {
            "sequence": 18420,
            "received_at": "2026-10-02T09:30:01Z",
            "event": {
                "specversion": "1.0",
                "id": "0193a5b2-7c1e-7d2a-9f41-2b8c1d5e6f70",
                "type": "traffic.vehicle.registered.v1",
                "source": "traffic-authority",
                "subject": "5b0d7a4e-3f0c-4a55-9a39-1c2f7e8d9b10",
                "time": "2026-10-02T09:30:00Z",
                "datacontenttype": "application/json",
                "dataversion": 1,
                "signaturekid": "traffic-2026-1",
                "signature": "Q2hhbmdlIG9uZSBieXRlIGFuZCBpdCBmYWlscw",
                "data": {"vehicle_id": "5b0d7a4e-3f0c-4a55-9a39-1c2f7e8d9b10", "make": "Toyota", "model_year": 2025},
            },
            "previous": "9f2c0d5e…",
            "chain": "41ab77c3…",
            "seal": 1842,
            "index": 4,
            "proof": ["c0ffee01…", "5eed0002…"],
        }
    ],
    "seals": [
        {
            "number": 1842,
            "first_sequence": 18416,
            "last_sequence": 18431,
            "size": 16,
            "root": "c0ffee…",
            "chain_head": "77aa01…",
            "previous": "5eed…",
            "sealed_at": "2026-10-02T09:30:05Z",
            "kid": "archive-2026-1",
            "signature": "U2VhbGVkIGJ5IHRoZSBhcmNoaXZl",
        }
    ],
    "producer_keys": {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "traffic-2026-1", "x": "11qYAYKxCrfVS"}]},
    "timestamping_keys": {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "archive-2026-1", "x": "Q2hhbmdl"}]},
    "next_cursor": None,
    "kid": "archive-2026-1",
    "signature": "RXhwb3J0IHNpZ25lZCBieSB0aGUgYXJjaGl2ZQ",
}
"""The shape of evidence-svc's export, for the API document (the service passes it on unchanged)."""


class FactRef(BaseModel):
    """One signed fact a decision rests on, as its envelope named it."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(description="The CloudEvent id (what the archive keeps it by).")
    type: str = Field(description="The event type, e.g. traffic.vehicle.registered.v1.")
    source: str = Field(description="The producer that signed it (the CloudEvent `source`).")
    time: datetime = Field(description="When the producer stated the fact.")
    kid: str | None = Field(default=None, description="The producer's signing key id; null if unsigned.")

    @classmethod
    def of(cls, envelope: Envelope) -> FactRef:
        return cls(
            event_id=envelope.id,
            type=envelope.type,
            source=envelope.source,
            time=envelope.time,
            kid=envelope.signaturekid,
        )

    def stored(self) -> dict[str, Any]:
        """As a JSON column keeps it."""
        return self.model_dump(mode="json")

    @property
    def verification(self) -> Verification:
        return "verified" if self.kid else "unsigned"


def verification_text(status: Verification) -> str:
    """The verification status in the caller's language."""
    return i18n.text(f"evidence.verification.{status}")


class CitedFact(BaseModel):
    """One fact a decision rests on, as the API shows it: which signed event, who stated it, when,
    in a sentence in the caller's language, and whether its signature was verified on receipt."""

    event_id: uuid.UUID | None = Field(description="The signed event's id; null for a fact from a bulk file.")
    type: str | None = Field(description="The event type; null for a fact from a bulk file.")
    source: str | None = Field(description="The producer that signed the event (its CloudEvent `source`).")
    stated_at: datetime = Field(description="When the fact was stated (the event's time).")
    statement: str = Field(description="Who stated what and when, in the caller's language.")
    verification: Verification
    verification_text: str = Field(description="The verification status in the caller's language.")


def event_ids(refs: Iterable[Mapping[str, Any] | FactRef | None]) -> list[uuid.UUID]:
    """The distinct event ids of stored refs, in order (facts loaded otherwise have none)."""
    found: dict[uuid.UUID, None] = {}
    for ref in refs:
        if ref is None:
            continue
        value = ref.event_id if isinstance(ref, FactRef) else ref.get("event_id")
        if value:
            found[uuid.UUID(str(value))] = None
    return list(found)


class Evidence(upstream.Service):
    """evidence-svc's internal export: the bundle of a set of archived events."""

    unavailable = "evidence_unavailable"

    async def bundle(self, ids: Iterable[uuid.UUID]) -> bytes:
        """The bundle of these events, byte for byte as evidence-svc exported it: it is canonical
        JSON signed by the archive, so it must be passed on unchanged to verify."""
        wanted = [str(i) for i in ids]
        if not wanted:
            raise ProblemError("no_evidence", status=404)
        response = await self._call("POST", "/internal/evidence/bundles", json={"event_ids": wanted})
        if response.status_code == 200:
            try:
                found = response.json()
            except ValueError:
                found = None
            if isinstance(found, dict) and isinstance(found.get("events"), list):
                if not found["events"]:  # the archive's consumers have not reached them yet
                    raise ProblemError("evidence_not_archived", status=404)
                return response.content
            log.error("evidence-svc answered a bundle that is not one")
        elif response.status_code in (401, 403):
            log.error("evidence-svc refused our internal token (%s): check INTERNAL_TOKEN", response.status_code)
        else:
            log.warning("evidence-svc answered %s for a bundle of %s events", response.status_code, len(wanted))
        raise ProblemError("evidence_unavailable", status=503)


class CitingSettings(ServiceSettings):
    """The settings of a service whose decisions cite evidence: where evidence-svc is."""

    evidence_url: str = "http://127.0.0.1:8008"
    """evidence-svc, for the bundle of the signed events a decision rests on (`POST /internal/evidence/bundles`,
    with the platform's internal token)."""
    evidence_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    evidence_attempts: int = Field(default=3, ge=1, le=5, description="Tries of one bundle when evidence-svc is down.")


def archive(http: httpx.AsyncClient, settings: CitingSettings) -> Evidence:
    """The evidence-svc client these settings describe."""
    return Evidence(
        http,
        settings.evidence_url,
        settings.internal_token.get_secret_value(),
        timeout=settings.evidence_timeout_seconds,
        attempts=settings.evidence_attempts,
    )


def bundle_responses(what: str) -> dict[int | str, dict[str, Any]]:
    """The API document's 200 of an evidence route."""
    return {
        200: {
            "description": f"The bundle evidence-svc exports for the signed events {what} rests on, unchanged"
            " (canonical JSON signed by the archive): check it offline with `python -m contracts verify BUNDLE`.",
            "content": {"application/json": {"schema": {"type": "object"}, "example": BUNDLE_EXAMPLE}},
        }
    }


def bundle_response(raw: bytes, *, name: str) -> Response:
    """The bundle's bytes as the archive signed them, as a file to keep."""
    return Response(
        raw,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="evidence-{name}.json"'},
    )
