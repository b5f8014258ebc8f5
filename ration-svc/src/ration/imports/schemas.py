from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    governorate: str
    checksum: str = Field(description="SHA-256 of the file: the same file again is a no-op.")
    filename: str | None
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    households_reevaluated: int = Field(
        description="Households decided so far by the import's evaluation job (final once evaluation_status is done)."
    )
    households_to_evaluate: int = Field(description="Households the file's good rows concern.")
    evaluation_status: str = Field(
        description="pending/running: the rows are committed and the decisions are being made; done: all decided."
    )
    evaluated_at: datetime | None = None
    started_at: datetime
    finished_at: datetime
    repeated: bool = Field(default=False, description="True when this file had already been imported.")
