"""`POST /v1/webhooks/{id}/secret-rotations` (its own module while the webhooks' routes are being
converted; it belongs with them in routes.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from gateway.state import Gateway
from gateway.webhooks import rotation
from gateway.webhooks.routes import Account
from kit.app import Session
from kit.errors import responses


class RotationIn(BaseModel):
    overlap_seconds: int = Field(
        default=rotation.DEFAULT_OVERLAP_SECONDS,
        ge=0,
        le=rotation.MAX_OVERLAP_SECONDS,
        description="How long the old secret keeps signing beside the new one (0: stop at once).",
        examples=[86_400],
    )


class RotationOut(BaseModel):
    subscription_id: uuid.UUID
    secret: str = Field(description="The new whsec_… secret: shown once, never again.")
    previous_secret_valid_until: datetime | None = Field(
        description="Until then deliveries carry a signature with the old secret too."
    )


def router(gateway: Gateway) -> APIRouter:
    rotations = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

    @rotations.post(
        "/{subscription_id}/secret-rotations",
        status_code=201,
        summary="Rotate the signing secret, both secrets signing during the overlap",
        responses=responses(401, 403, 404, 422),
    )
    async def rotate_webhook_secret(
        request: Request, subscription_id: uuid.UUID, session: Session, account: Account, body: RotationIn | None = None
    ) -> RotationOut:
        if gateway.runtime is None:
            raise RuntimeError("the gateway's lifespan has not started")
        subscription, secret = await rotation.rotate(
            session,
            integrator=account,
            subscription_id=subscription_id,
            overlap_seconds=(body or RotationIn()).overlap_seconds,
            sealer=gateway.sealer,
            now=gateway.runtime.clock.now(),
        )
        return RotationOut(
            subscription_id=subscription.id,
            secret=secret,
            previous_secret_valid_until=subscription.previous_secret_until,
        )

    return rotations
