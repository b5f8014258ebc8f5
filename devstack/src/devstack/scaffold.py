"""`python -m devstack.scaffold NAME --port N`: a new service folder with everything a
Shubbak service has (settings, app, migrations with the messaging tables, conformance
tests), registered in platform.toml. The generated files are small because the shared
library holds the plumbing."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from devstack.paths import repo_root

FILES: dict[str, str] = {
    "pyproject.toml": """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "shubbak-{name}"
version = "0.1.0"
description = "{title}"
requires-python = ">=3.11"
dependencies = ["shubbak-kit", "shubbak-contracts"]

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]
""",
    "alembic.ini": """[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
# The URL comes from {prefix}DATABASE_URL (see {package}/settings.py).

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s %(name)s: %(message)s
""",
    "migrations/env.py": """from kit.migrations import run_env
from {package}.models import Base
from {package}.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
""",
    "migrations/script.py.mako": '''"""${{message}}

Revision ID: ${{up_revision}}
Revises: ${{down_revision | comma,n}}
"""

import sqlalchemy as sa
from alembic import op
${{imports if imports else ""}}
revision = ${{repr(up_revision)}}
down_revision = ${{repr(down_revision)}}
branch_labels = ${{repr(branch_labels)}}
depends_on = ${{repr(depends_on)}}


def upgrade() -> None:
    ${{upgrades if upgrades else "pass"}}


def downgrade() -> None:
    ${{downgrades if downgrades else "pass"}}
''',
    "migrations/versions/0001_messaging.py": '''"""The outbox and the inbox (with each event's signature), and the
audit of dead-letter replays.

Revision ID: 0001
Revises:
"""

from kit.migrations import (
    add_inbox_signature_v1,
    create_dead_letter_replays_v1,
    create_messaging_tables_v1,
    drop_dead_letter_replays_v1,
    drop_inbox_signature_v1,
    drop_messaging_tables_v1,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "{schema}"


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)
    add_inbox_signature_v1(SCHEMA)
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
    drop_inbox_signature_v1(SCHEMA)
    drop_messaging_tables_v1(SCHEMA)
''',
    "src/{package}/__init__.py": '''"""{title}"""
''',
    "src/{package}/__main__.py": '''"""`python -m {package}`: serve the API, with the outbox relay and consumers."""

from kit.serve import serve
from {package}.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    serve("{package}.main:create_app", host=settings.host, port=settings.port)
''',
    "src/{package}/settings.py": """from pydantic import Field

from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("{prefix}")

    service_name: str = "{name}"
    db_schema: str = "{schema}"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/{schema}"
    host: str = "127.0.0.1"
    port: int = {port}
    max_open_{domain}: int = Field(default=20, ge=1, le=1000)
    \"\"\"How many open {domain} a citizen may have at once.\"\"\"
""",
    "src/{package}/models.py": '''"""The tables of {name}, in its own schema `{schema}`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("{schema}")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)


def load_all() -> None:
    """Import every domain's tables so `Base.metadata` is complete (migrations, tests)."""
    from {package}.{domain} import models as _{domain}  # noqa: F401
''',
    "src/{package}/resources.py": '''"""What {name} holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from kit.runtime import Runtime
from kit.service import Context, EventContext
from {package}.settings import Settings


@dataclass(frozen=True)
class Resources:
    """The service's long-lived clients and policies (clients of other services' APIs with their
    timeouts, signing keys, rules read from the settings), built once in `build_resources`."""

    max_open_{domain}: int


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    return Resources(max_open_{domain}=runtime.settings.max_open_{domain})


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
''',
    "src/{package}/texts.py": '''"""{name}'s problem texts, in Arabic and English (registered by its manifest)."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {{
    "problem.{entity_snake}_not_found.title": {{"ar": "الطلب غير موجود", "en": "Request not found"}},
    "problem.{entity_snake}_not_found.detail": {{
        "ar": "لا يوجد طلب بهذا المعرّف يخصك.",
        "en": "There is no request with this id for you.",
    }},
    "problem.too_many_open_{domain}.title": {{"ar": "طلبات مفتوحة كثيرة", "en": "Too many open requests"}},
    "problem.too_many_open_{domain}.detail": {{
        "ar": "لديك {{limit}} من الطلبات المفتوحة؛ انتظر حتى يُنجز أحدها.",
        "en": "You have {{limit}} open requests; wait until one is done.",
    }},
}}
''',
    "src/{package}/deps.py": '''"""The dependencies {name}'s routes share: the service's context and who is calling."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from kit.auth import CurrentCitizen
from kit.errors import ProblemError
from kit.service import Now, context
from {package}.resources import ServiceContext


async def _citizen_id(caller: CurrentCitizen) -> uuid.UUID:
    try:
        return uuid.UUID(caller.subject)
    except ValueError as exc:
        raise ProblemError("forbidden", status=403) from exc


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
CitizenId = Annotated[uuid.UUID, Depends(_citizen_id)]

__all__ = ["CitizenId", "Ctx", "Now"]
''',
    "src/{package}/handlers.py": '''"""Events {name} consumes (each handler idempotent through the inbox). A domain with
handlers has its own `handlers.py` with a `register(handlers)` called here."""

from kit.messaging.consumer import Handlers
from {package}.resources import Resources
from {package}.settings import Settings

handlers: Handlers[Settings, Resources] = Handlers()
''',
    "src/{package}/manifest.py": '''"""{name}, declared once: what kit builds and runs."""

from kit.service import Manifest
from {package}.{domain} import routes as {domain}_routes
from {package}.handlers import handlers
from {package}.models import Base, load_all
from {package}.resources import Resources, build_resources
from {package}.settings import Settings
from {package}.texts import TEXTS

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="{title}",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[{domain}_routes.router],
    handlers=handlers,
    texts=TEXTS,
)
''',
    "src/{package}/main.py": '''"""`create_app`: {name}'s FastAPI app (uvicorn --factory {package}.main:create_app)."""

from fastapi import FastAPI

from kit.clock import Clock
from {package}.manifest import manifest
from {package}.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return manifest.create_app(settings, clock=clock)
''',
    "src/{package}/{domain}/__init__.py": "",
    "src/{package}/{domain}/models.py": '''"""The `{domain}` table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from {package}.models import Base


class {entity}(Base):
    __tablename__ = "{domain}"
    __table_args__ = (Index("ix_{domain}_citizen_id_created_at", "citizen_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
''',
    "src/{package}/{domain}/schemas.py": '''"""What the `{domain}` routes take and return."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class {entity}In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200, description="What the request is about.")


class {entity}Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject: str
    status: str
    created_at: datetime


class {entity}Page(BaseModel):
    items: list[{entity}Out]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")
''',
    "src/{package}/{domain}/repository.py": '''"""All SQL of the `{domain}` domain."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text

from kit.repository import Page, Repository
from {package}.{domain}.models import {entity}


class {entity}Repository(Repository[{entity}]):
    model = {entity}
    order = ({entity}.created_at, {entity}.id)

    async def lock_citizen(self, citizen_id: uuid.UUID) -> None:
        """Serialise one citizen's writes, so a limit checked before an insert holds."""
        key = f"{schema}.{domain}:{{citizen_id}}"
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {{"k": key}})

    async def open_count(self, citizen_id: uuid.UUID) -> int:
        query = select(func.count()).where({entity}.citizen_id == citizen_id, {entity}.status == "open")
        return int(await self.session.scalar(query) or 0)

    async def page_for(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[{entity}]:
        query = select({entity}).where({entity}.citizen_id == citizen_id)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)
''',
    "src/{package}/{domain}/service.py": '''"""The rules of the `{domain}` domain: no HTTP, no SQL (repository.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import NotFound, ProblemError
from kit.repository import Page
from {package}.{domain}.models import {entity}
from {package}.{domain}.repository import {entity}Repository


async def create(
    session: AsyncSession, *, citizen_id: uuid.UUID, subject: str, max_open: int, now: datetime
) -> {entity}:
    repo = {entity}Repository(session)
    await repo.lock_citizen(citizen_id)
    if await repo.open_count(citizen_id) >= max_open:
        raise ProblemError("too_many_open_{domain}", status=409, params={{"limit": max_open}})
    row = {entity}(id=uuid.uuid4(), citizen_id=citizen_id, subject=subject, status="open", created_at=now)
    return await repo.add(row)


async def get(session: AsyncSession, *, {entity_snake}_id: uuid.UUID, citizen_id: uuid.UUID) -> {entity}:
    """The citizen's own; anyone else's answers as if it did not exist."""
    found = await {entity}Repository(session).get({entity_snake}_id)
    if found is None or found.citizen_id != citizen_id:
        raise NotFound("{entity_snake}_not_found")
    return found


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[{entity}]:
    return await {entity}Repository(session).page_for(citizen_id, limit=limit, cursor=cursor)
''',
    "src/{package}/{domain}/routes.py": '''"""The `{domain}` routes: parse, call the service, map the result."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.app import Session
from kit.errors import responses
from {package}.deps import CitizenId, Ctx, Now
from {package}.{domain} import service
from {package}.{domain}.schemas import {entity}In, {entity}Out, {entity}Page

router = APIRouter(prefix="/v1/{url}", tags=["{url}"])


@router.post("", status_code=201, response_model={entity}Out, responses=responses(401, 403, 409, 422))
async def create(
    body: {entity}In, citizen_id: CitizenId, session: Session, ctx: Ctx, now: Now
) -> {entity}Out:
    """Open a request (at most `max_open_{domain}` open at once)."""
    limit = ctx.resources.max_open_{domain}
    created = await service.create(session, citizen_id=citizen_id, subject=body.subject, max_open=limit, now=now)
    return {entity}Out.model_validate(created)


@router.get("", response_model={entity}Page, responses=responses(401, 403, 422))
async def list_mine(
    citizen_id: CitizenId,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> {entity}Page:
    """The caller's requests, newest first."""
    page = await service.page_for(session, citizen_id=citizen_id, limit=limit, cursor=cursor)
    items = [{entity}Out.model_validate(x) for x in page.items]
    return {entity}Page(items=items, next_cursor=page.next_cursor)


@router.get("/{{{entity_snake}_id}}", response_model={entity}Out, responses=responses(401, 403, 404, 422))
async def get_one({entity_snake}_id: uuid.UUID, citizen_id: CitizenId, session: Session) -> {entity}Out:
    found = await service.get(session, {entity_snake}_id={entity_snake}_id, citizen_id=citizen_id)
    return {entity}Out.model_validate(found)
''',
    "migrations/versions/0002_{domain}.py": '''"""The {domain} table.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "{schema}"


def upgrade() -> None:
    op.create_table(
        "{domain}",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_{domain}"),
        schema=SCHEMA,
    )
    op.create_index("ix_{domain}_citizen_id_created_at", "{domain}", ["citizen_id", "created_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("{domain}", schema=SCHEMA)
''',
    "tests/conftest.py": '''from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kit.clock import ManualClock
from kit.testing import TokenIssuer, migrated_database, running, trust
from {package}.main import create_app
from {package}.settings import Settings


@pytest.fixture(scope="module")
def identity() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
async def client(pg_server: Any, nats_server: Any, identity: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The service on a migrated database of its own (one per test module), with a clock that
    tests can move."""
    async with migrated_database(pg_server, Path(__file__).parents[1], "{schema}") as url:
        settings = Settings(database_url=url, nats_url=nats_server.url, environment="test", log_json=False)
        app = create_app(settings, clock=ManualClock())
        async with running(app) as http:
            trust(app, identity.verifier())
            yield http
''',
    "tests/test_{package}_service.py": """from pathlib import Path

from kit.conformance import ServiceConformance
from {package}.main import create_app
from {package}.settings import Settings


class Test{camel}Service(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
""",
    "tests/test_{domain}.py": '''"""The `{domain}` routes: a citizen's own only, a limit that holds, clear errors."""

from __future__ import annotations

import asyncio

import httpx

from kit.testing import TokenIssuer

URL = "/v1/{url}"


class TestCreate:
    async def test_created_then_listed_and_read_by_its_owner_only(
        self, client: httpx.AsyncClient, identity: TokenIssuer
    ) -> None:
        me, other = identity.citizen(), identity.citizen()
        created = await client.post(URL, json={{"subject": "شهادة"}}, headers=me)
        assert created.status_code == 201
        mine = (await client.get(URL, headers=me)).json()
        assert [x["id"] for x in mine["items"]] == [created.json()["id"]]
        assert (await client.get(f"{{URL}}/{{created.json()['id']}}", headers=other)).status_code == 404

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient, identity: TokenIssuer) -> None:
        headers = {{**identity.citizen(), "Accept-Language": "en"}}
        refused = await client.post(URL, json={{"subject": ""}}, headers=headers)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == "body.subject"

    async def test_the_open_limit_holds_under_concurrency(
        self, client: httpx.AsyncClient, identity: TokenIssuer
    ) -> None:
        me = identity.citizen()
        posts = (client.post(URL, json={{"subject": f"n{{i}}"}}, headers=me) for i in range(30))
        answers = await asyncio.gather(*posts)
        assert sorted({{a.status_code for a in answers}}) == [201, 409]
        assert sum(a.status_code == 201 for a in answers) == 20
''',
}


def scaffold(name: str, *, port: int, title: str, root: Path, domain: str = "cases", entity: str = "Case") -> Path:
    """Write the service's folder (files that exist are kept) and register it in platform.toml."""
    folder = root / f"{name}-svc"
    package = name.replace("-", "_")
    values = {
        "name": f"{name}-svc",
        "package": package,
        "schema": package,
        "prefix": package.upper() + "_",
        "port": port,
        "title": title,
        "camel": "".join(part.capitalize() for part in package.split("_")),
        "domain": domain,
        "entity": entity,
        "entity_snake": _snake(entity),
        "url": f"{name}/{domain}".replace("_", "-"),
    }
    for relative, template in FILES.items():
        path = folder / relative.format(**values)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    _register(root / "platform.toml", values)
    _first_party(root / "pyproject.toml", package)
    _make_package(root / "Makefile", f"{name}-svc")
    _tidy(folder)
    return folder


def _tidy(folder: Path) -> None:
    """Format the new files as the project does (line breaks depend on the names chosen)."""
    for args in (["check", "--fix", "--quiet", "--select", "I"], ["format", "--quiet"]):
        try:
            subprocess.run([sys.executable, "-m", "ruff", *args, str(folder)], check=False, capture_output=True)
        except OSError:
            return


def _first_party(pyproject: Path, package: str) -> None:
    """Sort the new package's imports as the project's own (ruff's isort settings)."""
    if not pyproject.exists():
        return
    text = pyproject.read_text(encoding="utf-8")
    start = text.find("known-first-party = [")
    if start < 0 or f'"{package}"' in text[start : text.find("]", start)]:
        return
    end = text.index("]", start)
    pyproject.write_text(text[:end] + f', "{package}"' + text[end:], encoding="utf-8")


def _make_package(makefile: Path, folder: str) -> None:
    """List the folder in the Makefile's PACKAGES, so `make install`, `make test` and `make lint` take it."""
    if not makefile.exists():
        return
    lines = makefile.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("PACKAGES :=") and folder not in line.split():
            lines[i] = line.rstrip("\n") + f" {folder}\n"
    makefile.write_text("".join(lines), encoding="utf-8")


def _snake(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(camel))


def _register(platform: Path, values: dict[str, object]) -> None:
    text = platform.read_text(encoding="utf-8")
    header = f"[services.{values['package']}]"
    if header in text:
        return
    block = (
        f'\n{header}\nfolder = "{values["name"]}"\npackage = "{values["package"]}"\n'
        f'env_prefix = "{values["prefix"]}"\nport = {values["port"]}\nroutes = ["/v1/{values["url"]}"]\n'
    )
    marker = "\n[gateway]"
    platform.write_text(text.replace(marker, block + marker, 1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="short name, e.g. traffic (the folder becomes traffic-svc)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--title", default=None)
    parser.add_argument("--domain", default="cases", help="the first domain folder (plural, snake_case)")
    parser.add_argument("--entity", default="Case", help="its entity (CamelCase)")
    args = parser.parse_args(argv)
    folder = scaffold(
        args.name,
        port=args.port,
        title=args.title or f"Shubbak {args.name} service",
        root=repo_root(),
        domain=args.domain,
        entity=args.entity,
    )
    print(f"created {folder} (registered in platform.toml, the Makefile and ruff's settings); next: make install")
    return 0


if __name__ == "__main__":
    sys.exit(main())
