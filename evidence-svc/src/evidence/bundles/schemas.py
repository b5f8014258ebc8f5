"""What the `bundles` routes take and return."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class BundleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200, description="What the request is about.")


class BundleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject: str
    status: str
    created_at: datetime


class BundlePage(BaseModel):
    items: list[BundleOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")
