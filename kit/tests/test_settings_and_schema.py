"""Settings from the environment; the messaging tables' migration matches their model;
keyset pagination."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from pydantic import ValidationError
from sqlalchemy import DateTime, Integer, Table, Text, func, insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kit import db
from kit.errors import ProblemError
from kit.messaging.tables import messaging_tables
from kit.messaging.trust import signing_keys
from kit.migrations import add_inbox_signature_v1, create_dead_letter_replays_v1, create_messaging_tables_v1
from kit.repository import Repository
from kit.settings import ServiceSettings, config


class IdentitySettings(ServiceSettings):
    model_config = config("IDENTITY_")


class TestSettings:
    def test_prefix_and_platform_wide_nats_url(self, monkeypatch):
        monkeypatch.setenv("IDENTITY_DATABASE_URL", "postgresql+asyncpg://u@db:5432/identity")
        monkeypatch.setenv("NATS_URL", "nats://nats:4222")
        monkeypatch.setenv("CATALOG_DATABASE_URL", "postgresql+asyncpg://u@db:5432/catalog")
        s = IdentitySettings()
        assert s.database_url.endswith("/identity")
        assert s.nats_url == "nats://nats:4222"

    def test_production_refuses_development_secrets(self, monkeypatch):
        monkeypatch.setenv("IDENTITY_ENVIRONMENT", "production")
        with pytest.raises(ValidationError, match="internal_token"):
            IdentitySettings()
        monkeypatch.setenv("IDENTITY_INTERNAL_TOKEN", "a-real-secret-from-the-vault")
        with pytest.raises(ValidationError, match="event_signing_keys is unset"):
            IdentitySettings()  # never the development event key
        seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        monkeypatch.setenv("IDENTITY_EVENT_SIGNING_KEYS", json.dumps([{"kid": "identity-2026", "seed": seed}]))
        monkeypatch.setenv("IDENTITY_EVENT_TRUST_DEVELOPMENT_KEYS", "true")
        with pytest.raises(ValidationError, match="never trusts development keys"):
            IdentitySettings()
        monkeypatch.delenv("IDENTITY_EVENT_TRUST_DEVELOPMENT_KEYS")
        production = IdentitySettings()
        assert production.environment == "production"
        assert not production.trusts_development_keys
        assert signing_keys(production)[0].kid == "identity-2026"


class TestMessagingMigration:
    async def test_migration_steps_match_the_table_models(self, pg_database):
        url = pg_database()
        engine = create_async_engine(url)
        metadata = db.metadata("svc_m")
        messaging_tables(metadata)

        def migrate_and_compare(conn):
            conn.execute(text('CREATE SCHEMA "svc_m"'))
            ctx = MigrationContext.configure(conn)
            with Operations.context(ctx):
                create_messaging_tables_v1("svc_m")
                create_dead_letter_replays_v1("svc_m")
                add_inbox_signature_v1("svc_m")
            ctx = MigrationContext.configure(
                conn, opts={"include_schemas": True, "include_name": lambda n, t, p: t != "schema" or n == "svc_m"}
            )
            return compare_metadata(ctx, metadata)

        async with engine.begin() as conn:
            diff = await conn.run_sync(migrate_and_compare)
        await engine.dispose()
        assert diff == []


class Base(DeclarativeBase):
    metadata = db.metadata("svc_p")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(DateTime(timezone=True), server_default=func.now())


class Items(Repository[Item]):
    model = Item
    order = (Item.created_at, Item.id)


class TestPagination:
    async def test_cursor_walks_every_row_once(self, pg_database):
        url = pg_database()
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text('CREATE SCHEMA "svc_p"'))
            await conn.run_sync(Base.metadata.create_all)
            await conn.execute(
                insert(Table("items", Base.metadata)), [{"id": i, "name": f"n{i}"} for i in range(1, 26)]
            )
        sessions = db.sessionmaker(engine)
        seen: list[int] = []
        cursor = None
        async with sessions() as session:
            while True:
                page = await Items(session).paginate(limit=10, cursor=cursor)
                seen += [item.id for item in page.items]
                cursor = page.next_cursor
                if cursor is None:
                    break
            with pytest.raises(ProblemError):
                await Items(session).paginate(cursor="garbage!!")
            nested = base64.urlsafe_b64encode(b"[" * 5_000).decode()  # too deep to read: refused alike
            with pytest.raises(ProblemError):
                await Items(session).paginate(cursor=nested)
        await engine.dispose()
        assert seen == list(range(1, 26))


class TestSnapshot:
    async def test_a_snapshot_read_does_not_see_what_commits_between_its_statements(self, pg_database):
        engine = create_async_engine(pg_database())
        sessions = db.sessionmaker(engine)
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE IF NOT EXISTS snap (n int)"))
            await conn.execute(text("INSERT INTO snap VALUES (1)"))

        async def reads(*, snapshot: bool) -> tuple[int, int]:
            async with sessions() as reader, reader.begin():
                if snapshot:
                    await db.snapshot(reader)
                before = await reader.scalar(text("SELECT count(*) FROM snap"))
                async with engine.begin() as writer:
                    await writer.execute(text("INSERT INTO snap VALUES (2)"))
                after = await reader.scalar(text("SELECT count(*) FROM snap"))
            return before, after

        try:
            assert await reads(snapshot=False) == (1, 2)  # read committed: the second read sees the insert
            assert await reads(snapshot=True) == (2, 2)
            async with sessions() as reader, reader.begin():
                await db.snapshot(reader)
                with pytest.raises(Exception, match="read-only"):
                    await reader.execute(text("INSERT INTO snap VALUES (3)"))
        finally:
            await engine.dispose()
