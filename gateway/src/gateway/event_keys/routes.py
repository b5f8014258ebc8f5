"""`/v1/event-keys`: an integrator's own event-signing keys; `/v1/integrator-event-keys`: every
integrator's, for administrators (list, revoke); `/.well-known/integrator-event-keys.json`: the
JWKS every consumer verifies integrators' events against."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from gateway.deps import Ctx, GatewayContext, Now
from gateway.event_keys import service
from gateway.event_keys.models import EventKey
from gateway.event_keys.schemas import (
    EventKeySet,
    KeyIn,
    KeyOut,
    KeyPage,
    KeysRegistered,
    Revocation,
    StaffKeyOut,
    StaffKeyPage,
)
from gateway.integrators.models import Integrator
from gateway.integrators.repository import IntegratorRepository
from gateway.webhooks.routes import Account
from kit import i18n
from kit.app import Session
from kit.auth import Caller, Role, staff_of
from kit.errors import FieldError, ProblemError, responses

router = APIRouter(tags=["integrators"])
Limit = Annotated[int, Query(ge=1, le=100)]
StatusFilter = Literal["active", "retired", "revoked"] | None
Admin = Annotated[Caller, Depends(staff_of(Role.ADMIN))]


def fetching(ctx: GatewayContext) -> service.Fetching:
    settings = ctx.settings
    return service.Fetching(
        targets=ctx.resources.webhook_targets,
        timeout_seconds=settings.event_keys_fetch_timeout_seconds,
        refetch_seconds=settings.event_keys_refetch_seconds,
        https_only=settings.environment == "production",
    )


def _out(key: EventKey, integrator: Integrator) -> KeyOut:
    return KeyOut.model_validate(
        {
            "kid": key.kid,
            "status": key.status,
            "jwk": service.public_key(key, integrator).jwk(),
            "jwks_url": key.jwks_url,
            "created_at": key.created_at,
            "retired_at": key.retired_at,
            "revoked_at": key.revoked_at,
            "revoked_reason": key.revoked_reason,
        }
    )


@router.post(
    "/v1/event-keys",
    status_code=201,
    summary="Register a public key the integrator signs its events with (a JWK, or its JWKS URL)",
    description="The platform keeps only public keys: a JWK with its private part is refused. The key may "
    "sign the event types of the integrator's `publish:` scopes, for its own event source only.",
    responses=responses(401, 403, 409, 422),
)
async def register_event_key(body: KeyIn, session: Session, account: Account, ctx: Ctx, now: Now) -> KeysRegistered:
    if (body.jwk is None) == (body.jwks_url is None):
        error = FieldError(field="body", reason=i18n.text("validation.jwk_or_jwks_url"), code="jwk_or_jwks_url")
        raise ProblemError("validation_failed", status=422, errors=[error])
    actor, limit = f"integrator:{account.client_id}", ctx.settings.event_keys_max_per_integrator
    if body.jwk is not None:
        keys = [
            await service.register_jwk(session, integrator=account, jwk=body.jwk, actor=actor, limit=limit, now=now)
        ]
    else:
        keys = await service.register_url(
            session,
            integrator=account,
            url=str(body.jwks_url),
            fetching=fetching(ctx),
            actor=actor,
            limit=limit,
            now=now,
        )
    return KeysRegistered(items=[_out(key, account) for key in keys])


@router.get("/v1/event-keys", summary="The integrator's event-signing keys", responses=responses(401, 403, 422))
async def list_event_keys(
    session: Session, account: Account, status: StatusFilter = None, cursor: str | None = None, limit: Limit = 20
) -> KeyPage:
    found = await service.page(session, integrator_id=account.id, status=status, limit=limit, cursor=cursor)
    return KeyPage(items=[_out(key, account) for key in found.items], next_cursor=found.next_cursor)


@router.get("/v1/event-keys/{kid}", summary="One of the integrator's keys", responses=responses(401, 403, 404, 422))
async def get_event_key(kid: str, session: Session, account: Account) -> KeyOut:
    return _out(await service.get(session, kid=kid, integrator=account), account)


@router.post(
    "/v1/event-keys/{kid}/revoke",
    summary="Revoke one of the integrator's keys: nothing it signed verifies any more",
    responses=responses(401, 403, 404, 422),
)
async def revoke_event_key(kid: str, body: Revocation, session: Session, account: Account, now: Now) -> KeyOut:
    key = await service.revoke(
        session, kid=kid, integrator=account, actor=f"integrator:{account.client_id}", reason=body.reason, now=now
    )
    return _out(key, account)


async def _staff_out(session: Session, keys: list[EventKey]) -> list[StaffKeyOut]:
    integrators = IntegratorRepository(session)
    found: list[StaffKeyOut] = []
    for key in keys:
        integrator = await integrators.get(key.integrator_id)
        assert integrator is not None  # the foreign key
        found.append(
            StaffKeyOut(
                **_out(key, integrator).model_dump(),
                client_id=integrator.client_id,
                integrator_name=integrator.name,
                revoked_by=key.revoked_by,
            )
        )
    return found


@router.get(
    "/v1/integrator-event-keys",
    summary="Every integrator's event-signing keys (administrators)",
    responses=responses(401, 403, 422),
)
async def list_integrator_event_keys(
    session: Session,
    staff: Admin,
    client_id: str | None = None,
    status: StatusFilter = None,
    cursor: str | None = None,
    limit: Limit = 20,
) -> StaffKeyPage:
    integrator_id = None
    if client_id is not None:
        integrator = await IntegratorRepository(session).by_client_id(client_id)
        if integrator is None:
            return StaffKeyPage(items=[], next_cursor=None)
        integrator_id = integrator.id
    found = await service.page(session, integrator_id=integrator_id, status=status, limit=limit, cursor=cursor)
    return StaffKeyPage(items=await _staff_out(session, list(found.items)), next_cursor=found.next_cursor)


@router.post(
    "/v1/integrator-event-keys/{kid}/revoke",
    summary="Revoke any integrator's key (administrators), e.g. when a ministry reports it stolen",
    responses=responses(401, 403, 404, 422),
)
async def revoke_integrator_event_key(
    kid: str, body: Revocation, session: Session, staff: Admin, now: Now
) -> StaffKeyOut:
    key = await service.revoke(
        session, kid=kid, integrator=None, actor=f"staff:{staff.subject}", reason=body.reason, now=now
    )
    (found,) = await _staff_out(session, [key])
    return found


@router.get(
    "/.well-known/integrator-event-keys.json",
    summary="Every integrator's event-signing public keys (JWKS), revoked ones marked",
    description="What consumers verify integrators' events against (`contracts.signing.KeyRing.from_jwks`).",
)
async def integrator_event_keys(session: Session, response: Response) -> EventKeySet:
    response.headers["Cache-Control"] = "public, max-age=60"
    return EventKeySet.model_validate(await service.published(session))
