from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from catalog.audit import service
from catalog.audit.schemas import AuditPage
from catalog.catalogue import service as catalogue
from catalog.deps import Auditor, ServiceCodePath
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/services/{code}/audit", tags=["audit"])


@router.get("", responses=responses(401, 403, 404, 422))
async def audit_trail(
    code: ServiceCodePath,
    session: Session,
    _auditor: Auditor,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> AuditPage:
    """Every tariff and roll-out change of the service, oldest first (auditors and admins)."""
    await catalogue.get(session, code=code)
    return await service.page(session, service_code=code, limit=limit, cursor=cursor)
