"""All SQL of imports: COPY into a staging table, set-based checks and merge, all on the
request's connection and inside its transaction (a failure anywhere leaves nothing behind)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterable
from typing import Any, cast

import asyncpg
from sqlalchemy import CursorResult, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ration.imports.kinds import INVISIBLE, Field, Kind
from ration.imports.models import Import, ImportReject

UNIQUE_VIOLATION = "23505"


def _copy_fault(exc: asyncpg.exceptions.DataError) -> str:
    """Why PostgreSQL's COPY refused the whole file: bytes that are not UTF-8 (or a NUL); a carriage
    return where the first line has none, or none where it has one; else a line it cannot read as
    one field (it holds the control characters standing for the delimiter or the quote)."""
    if exc.sqlstate == "22021":
        return "file_not_utf8"
    if exc.sqlstate == "22P04" and ("carriage return" in str(exc) or "newline" in str(exc)):
        return "file_mixed_line_ends"
    return "file_unreadable"


class UnreadableFile(Exception):
    """COPY could not read the file as lines of text: `code` says why, `line` where (1 = header)."""

    def __init__(self, code: str, line: int | None) -> None:
        super().__init__(code)
        self.code = code
        self.line = line


async def _asyncpg(session: AsyncSession) -> Any:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def stage_lines(session: AsyncSession, chunks: AsyncIterable[bytes]) -> int:
    """COPY the file, line by line and untouched, into `stage_raw(line, raw)`; returns the line count.
    Each line is one field (a delimiter and quote that never occur in text), so a malformed row
    cannot stop the COPY: it is checked, and rejected, in SQL. A file that is not lines of UTF-8
    text stops it: `UnreadableFile`."""
    await session.execute(
        text("CREATE TEMP TABLE stage_raw (line bigint GENERATED ALWAYS AS IDENTITY, raw text) ON COMMIT DROP")
    )
    conn = await _asyncpg(session)
    try:
        await conn.copy_to_table(
            "stage_raw", source=chunks, columns=["raw"], format="csv", delimiter="\x01", quote="\x02"
        )
    except asyncpg.exceptions.DataError as exc:  # the transaction is aborted: nothing of the file stays
        where = re.search(r"line (\d+)", getattr(exc, "context", None) or "")
        raise UnreadableFile(_copy_fault(exc), where and int(where[1])) from exc
    return int((await session.execute(text("SELECT count(*) FROM stage_raw"))).scalar_one())


async def add(session: AsyncSession, record: Import) -> None:
    session.add(record)
    await session.flush()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def get(session: AsyncSession, import_id: uuid.UUID) -> Import | None:
    return await session.get(Import, import_id, populate_existing=True)


async def header(session: AsyncSession) -> str | None:
    return (await session.execute(text("SELECT raw FROM stage_raw WHERE line = 1"))).scalar()


async def existing(session: AsyncSession, *, kind: str, governorate: str, checksum: str) -> Import | None:
    return await session.scalar(
        select(Import).where(Import.kind == kind, Import.governorate == governorate, Import.checksum == checksum)
    )


async def split(session: AsyncSession, kind: Kind) -> None:
    """`stage(line, n, <the kind's columns>)`: each line cut at its commas, `n` the number of
    fields (0 for an empty line), a missing field ''. `split_part` a field; a line has exactly the
    kind's fields when their bytes and the commas between them are all its bytes (`octet_length`
    reads a value's stored size, no scan), and only a line without them is counted comma by comma
    (`length` walks every character, `replace` copies the line: half the split's time when every
    line was counted so). `OFFSET 0` keeps the fields computed once, not again inside the check."""
    width = len(kind.header)
    fields = ", ".join(f"split_part(r, ',', {i + 1}) AS {name}" for i, name in enumerate(kind.header))
    lengths = " + ".join(f"octet_length({name})" for name in kind.header)
    counted = "CASE WHEN r = '' THEN 0 ELSE octet_length(r) - octet_length(replace(r, ',', '')) + 1 END"
    await session.execute(
        text(
            f"CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT line,"
            f" CASE WHEN {lengths} + {width - 1} = octet_length(r) THEN {width} ELSE {counted} END AS n,"
            f" {', '.join(kind.header)} FROM (SELECT line, r, {fields} FROM"
            " (SELECT line, rtrim(coalesce(raw, ''), E'\\r') AS r FROM stage_raw WHERE line > 1) s OFFSET 0) f"
        )
    )


async def reject(session: AsyncSession, kind: Kind, *, import_id: uuid.UUID, governorate: str) -> int:
    width = len(kind.fields)
    checks = ",\n".join(f"('{f.name}', {_reason(f, width)}, s.{f.name})" for f in kind.fields)
    # Only rows failing a check meet the per-field reasons (five rows a line otherwise): a quarter
    # of the time when (nearly) every row is good.
    fine = " AND ".join([f"s.n = {width}", *(_fine(f) for f in kind.fields)])
    # Byte order (COLLATE "C") for the duplicates' sort: the same groups (equality is byte equality
    # either way), sorted on abbreviated keys, which the database's default collation does not use.
    key = ", ".join(f'{column} COLLATE "C"' for column in kind.key)
    rows = f"""
  SELECT s.line, v.field, v.reason, v.value FROM (SELECT * FROM stage s WHERE NOT coalesce({fine}, false)) s,
  LATERAL (VALUES
    ('row', CASE WHEN s.n <> {width} THEN 'wrong_column_count' END, s.n::text),
    {checks}) AS v(field, reason, value)
  WHERE v.reason IS NOT NULL
  UNION ALL
  SELECT line, '{kind.key[0]}', 'duplicate_in_file', {kind.key[0]} FROM (
    SELECT line, {kind.key[0]}, row_number() OVER (PARTITION BY {key} ORDER BY line) AS nth FROM stage WHERE n = {width}
  ) d WHERE nth > 1
  {"UNION ALL " + kind.cross_checks if kind.cross_checks else ""}
"""
    params = {"id": import_id, "gov": governorate, "invisible": INVISIBLE}
    rejected = await _record_rejects(session, rows, params)
    if kind.after_rejects:  # e.g. a card's members, once its holder's line is refused
        rejected += await _record_rejects(session, kind.after_rejects, {"id": import_id})
    return rejected


async def _record_rejects(session: AsyncSession, rows: str, params: dict[str, Any]) -> int:
    """Record the (line, field, reason, value) `rows` yields as the import's (:id) rejects."""
    sql = f"""
INSERT INTO ration.import_rejects (import_id, line, field, reason, value)
SELECT CAST(:id AS uuid), line, field, reason, left(value, 200) FROM ({rows}) r (line, field, reason, value)
ON CONFLICT DO NOTHING"""
    result = cast(CursorResult[Any], await session.execute(text(sql), params))
    return int(result.rowcount or 0)


def _fine(field: Field) -> str:
    """SQL true when a staged row's value of `field` has nothing `_reason` would refuse."""
    fine = f"coalesce({field.check}, false)"
    return f"({fine} AND NOT s.{field.name} ~ :invisible)" if field.free_text else fine


def _reason(field: Field, width: int) -> str:
    """SQL giving why a staged row's value of `field` is refused, or NULL."""
    reason = f"CASE WHEN s.n = {width} AND NOT coalesce({field.check}, false) THEN '{field.reason}' END"
    if not field.free_text:
        return reason
    return f"CASE WHEN s.n = {width} AND s.{field.name} ~ :invisible THEN 'invisible_character' ELSE {reason} END"


async def keep_good(session: AsyncSession, kind: Kind, *, import_id: uuid.UUID) -> int:
    columns = ", ".join(f"{f.cast} AS {f.name}" for f in kind.fields)
    await session.execute(
        text(
            f"CREATE TEMP TABLE good ON COMMIT DROP AS SELECT s.line, {columns} FROM stage s"
            " WHERE NOT EXISTS (SELECT 1 FROM ration.import_rejects r"
            " WHERE r.import_id = CAST(:id AS uuid) AND r.line = s.line)"
        ),
        {"id": import_id},
    )
    await session.execute(text("ANALYZE good"))
    return int((await session.execute(text("SELECT count(*) FROM good"))).scalar_one())


async def tune(session: AsyncSession) -> None:
    """Memory for the import's sorts and hashes (grouping a million cards spills at the default
    4 MB), for this transaction only: the server's memory, not the importing process's."""
    await session.execute(text("SET LOCAL work_mem = '128MB'"))


async def _run(session: AsyncSession, sql: str, governorate: str) -> list[CursorResult[Any]]:
    results: list[CursorResult[Any]] = []
    for statement in sql.split(";"):
        if statement.strip():
            results.append(cast(CursorResult[Any], await session.execute(text(statement), {"gov": governorate})))
    return results


async def merge(session: AsyncSession, kind: Kind, *, governorate: str, good: int) -> None:
    """Run the kind's merge (`merge_if_racing` instead if another transaction inserted one of its
    keys meanwhile); for households, make sure every touched card's members count is right."""
    if not kind.merge_if_racing:
        results = await _run(session, kind.merge, governorate)
    else:
        try:
            async with session.begin_nested():
                results = await _run(session, kind.merge, governorate)
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
            results = await _run(session, kind.merge_if_racing, governorate)
    if kind.members_count:
        created = int(results[0].scalar_one())
        members_added = int(results[2].rowcount or 0)
        cards = (await session.execute(text("SELECT count(DISTINCT card_number) FROM good"))).scalar_one()
        if created != cards or members_added != good:
            await session.execute(text(kind.members_count))
        return  # households and members are analysed by the evaluation job before its first chunk
    for table in kind.tables:  # the evaluation joins facts by these tables' statistics
        await session.execute(text(f"ANALYZE {table}"))


async def rejected_lines(session: AsyncSession, import_id: uuid.UUID) -> int:
    return int(
        (
            await session.execute(
                text("SELECT count(DISTINCT line) FROM ration.import_rejects WHERE import_id = :id"), {"id": import_id}
            )
        ).scalar_one()
    )


async def rejects(session: AsyncSession, import_id: uuid.UUID, *, limit: int = 100_000) -> list[ImportReject]:
    query = (
        select(ImportReject)
        .where(ImportReject.import_id == import_id)
        .order_by(ImportReject.line, ImportReject.field)
        .limit(limit)
    )
    return list(await session.scalars(query))
