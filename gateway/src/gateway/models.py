"""The base of the gateway's tables (schema `gateway`); each domain folder adds its own."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from kit.db import TYPE_ANNOTATION_MAP, metadata

SCHEMA = "gateway"


class Base(DeclarativeBase):
    metadata = metadata(SCHEMA)
    type_annotation_map = TYPE_ANNOTATION_MAP
