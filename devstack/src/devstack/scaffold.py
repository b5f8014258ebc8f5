"""`python -m devstack.scaffold NAME --port N`: a new service folder with everything a
Shubbak service has (settings, app, migrations with the messaging tables, conformance
tests), registered in platform.toml. The generated files are small because the shared
library holds the plumbing."""

from __future__ import annotations

import argparse
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
    "migrations/env.py": """from {package}.models import Base
from {package}.settings import Settings

from kit.migrations import run_env

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
    "migrations/versions/0001_messaging.py": '''"""The outbox and inbox tables, and the audit of dead-letter replays.

Revision ID: 0001
Revises:
"""

from kit.migrations import (
    create_dead_letter_replays_v1,
    create_messaging_tables_v1,
    drop_dead_letter_replays_v1,
    drop_messaging_tables_v1,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "{schema}"


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
    drop_messaging_tables_v1(SCHEMA)
''',
    "src/{package}/__init__.py": '''"""{title}"""
''',
    "src/{package}/__main__.py": '''"""`python -m {package}`: serve the API, with the outbox relay and consumers."""

import uvicorn

from {package}.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("{package}.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
''',
    "src/{package}/settings.py": """from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("{prefix}")

    service_name: str = "{name}"
    db_schema: str = "{schema}"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/{schema}"
    host: str = "127.0.0.1"
    port: int = {port}
""",
    "src/{package}/models.py": '''"""The tables of {name}, in its own schema `{schema}`."""

from sqlalchemy.orm import DeclarativeBase

from kit import db
from kit.messaging import messaging_tables


class Base(DeclarativeBase):
    metadata = db.metadata("{schema}")
    type_annotation_map = db.TYPE_ANNOTATION_MAP


messaging = messaging_tables(Base.metadata)
''',
    "src/{package}/handlers.py": '''"""Events {name} consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers

handlers = Handlers()
''',
    "src/{package}/main.py": """from fastapi import FastAPI

from kit.app import create_service_app
from {package}.handlers import handlers
from {package}.models import Base
from {package}.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        metadata=Base.metadata,
        routers=[],
        handlers=handlers,
        title="{title}",
    )
""",
    "tests/test_{package}_service.py": """from pathlib import Path

from {package}.main import create_app
from {package}.settings import Settings

from kit.conformance import ServiceConformance


class Test{camel}Service(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
""",
}


def scaffold(name: str, *, port: int, title: str, root: Path) -> Path:
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
    }
    for relative, template in FILES.items():
        path = folder / relative.format(**values)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    _register(root / "platform.toml", values)
    return folder


def _register(platform: Path, values: dict[str, object]) -> None:
    text = platform.read_text(encoding="utf-8")
    header = f"[services.{values['package']}]"
    if header in text:
        return
    block = (
        f'\n{header}\nfolder = "{values["name"]}"\npackage = "{values["package"]}"\n'
        f'env_prefix = "{values["prefix"]}"\nport = {values["port"]}\nroutes = []\n'
    )
    marker = "\n[gateway]"
    platform.write_text(text.replace(marker, block + marker, 1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="short name, e.g. traffic (the folder becomes traffic-svc)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--title", default=None)
    args = parser.parse_args(argv)
    folder = scaffold(
        args.name,
        port=args.port,
        title=args.title or f"Shubbak {args.name} service",
        root=repo_root(),
    )
    print(f"created {folder}; next: add it to the Makefile's SERVICES and run `make install`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
