"""`POST /v1/events`: one CloudEvent (`application/cloudevents+json`) or a batch
(`application/cloudevents-batch+json`), answered per event."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from contracts.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE, Envelope
from contracts.examples import example
from contracts.signing import SigningKey
from gateway.event_keys.routes import fetching
from gateway.events import service, texts  # noqa: F401  (registers the texts)
from gateway.events.schemas import BatchAnswer, EventAnswer
from gateway.integrators import service as integrators
from gateway.state import Gateway
from kit import examples, telemetry
from kit.app import Session
from kit.auth import Admits, Caller, CurrentCaller, admitting
from kit.errors import PROBLEM_JSON, ProblemError, responses
from kit.runtime import Runtime


@admitting(Admits(integrator=frozenset()))
async def _integrator(caller: CurrentCaller) -> Caller:
    if caller.kind != "integrator":
        raise ProblemError("forbidden", status=403)
    return caller


Publisher = Annotated[Caller, Depends(_integrator)]
# RFC 8037's example key (appendix A): the key of the example in POST /v1/event-keys.
_EXAMPLE_KEY = SigningKey.from_seed(
    "traffic-2026-10", "traffic-authority", base64.urlsafe_b64decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
)
_SAMPLE = _EXAMPLE_KEY.sign(
    Envelope.wrap(
        example("traffic.vehicle.registered.v1"),
        source="traffic-authority",
        id=examples.event_id("traffic.vehicle.registered.v1"),
        time=examples.INSTANT,
    ).model_dump(mode="json", exclude_none=True)
)
_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A CloudEvent 1.0 in structured mode whose `data` is the event of its `type` "
        "(the type's JSON Schema is at `/schemas/events/<type>.json`), signed by one of the integrator's "
        "keys (`POST /v1/event-keys`): the extension attributes `signaturekid` and `signature` (Ed25519 over "
        "the RFC 8785 canonical event without `signature`, base64url; `contracts.signing.SigningKey.sign`), "
        "or, for events signed as one batch (`SigningKey.sign_batch`), `signature` over the batch's Merkle root "
        f"and each event's `signatureproof`; or a JSON array of up to {service.MAX_BATCH} of them.",
        "content": {
            CONTENT_TYPE: {"schema": {"type": "object"}, "example": _SAMPLE},
            BATCH_CONTENT_TYPE: {"schema": {"type": "array", "items": {"type": "object"}}, "example": [_SAMPLE]},
        },
    }
}


def _runtime(gateway: Gateway) -> Runtime[Any]:
    if gateway.runtime is None:
        raise RuntimeError("the gateway's lifespan has not started")
    return gateway.runtime


def router(gateway: Gateway) -> APIRouter:
    events = APIRouter(tags=["events"])

    @events.post(
        "/v1/events",
        summary="Publish events the integrator's authority owns (one CloudEvent, or a batch)",
        description="Each event is judged on its own: `accepted` (recorded and queued for the platform, "
        "202 for one event), `duplicate` (its id was published before: nothing happens again, 200), or "
        "`rejected` with a problem naming the field. A batch answers 200 with every event's outcome, in "
        "order; its good events are accepted whatever the others. Types need `publish:<type>` in the "
        "token's scopes; only the facts ministries own (civil registry, traffic, electricity, education) "
        "can be published. Every event must be signed by one of the integrator's registered, active keys "
        "with its own `source` (else 403 `event_signature_rejected`, whose `reason` is `unsigned`, "
        "`bad-signature`, `unknown-key`, `revoked-key`, `wrong-producer` or `type-not-allowed`); it is "
        "published exactly as signed, and consumers verify the signature again.",
        status_code=202,
        responses={
            200: {"model": BatchAnswer, "description": "A batch, answered per event; or one duplicate event"},
            202: {"model": EventAnswer, "description": "The event is accepted"},
            **responses(401, 403, 409, 415, 422),
        },
        openapi_extra=_BODY,
    )
    async def publish_events(request: Request, session: Session, caller: Publisher) -> JSONResponse:
        items, batch = service.parse(request.headers.get("content-type", ""), await request.body())
        account = await integrators.active(session, integrator_id=caller.subject)
        outcomes = await service.publish(
            session,
            items,
            batch=batch,
            integrator=account,
            token_scopes=caller.scopes,
            fetching=fetching(gateway.context()),
            key_limit=gateway.settings.event_keys_max_per_integrator,
            headers=telemetry.inject_headers(),
            now=_runtime(gateway).clock.now(),
            path=request.url.path,
        )
        if batch:
            answer = BatchAnswer.of([outcome.answer() for outcome in outcomes])
            return JSONResponse(answer.model_dump(mode="json"), status_code=200)
        (outcome,) = outcomes
        if outcome.problem is not None:
            return JSONResponse(outcome.problem, status_code=outcome.problem["status"], media_type=PROBLEM_JSON)
        status = 202 if outcome.status == "accepted" else 200
        return JSONResponse(EventAnswer(**outcome.answer()).model_dump(mode="json"), status_code=status)

    return events
