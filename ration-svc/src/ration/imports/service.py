"""Bulk imports from the governorates: stream the file into PostgreSQL with COPY, check every row
set-based, merge the good rows, record each bad one (line, field, reason), and record a durable
evaluation job for the households the good rows concern, all in the caller's one transaction.
The service's job worker (`ration.scheduler`) decides those households afterwards, in chunks;
the import shows its progress (`evaluation_status`, `households_reevaluated`). The same file
(same checksum, kind and governorate) imported again is a no-op that returns the first import."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.auth import Caller, Role
from kit.clock import Clock
from kit.db import after_commit
from kit.errors import FieldError, ProblemError
from ration.audit import repository as audit
from ration.eligibility import service as eligibility
from ration.eligibility import sql as targets
from ration.imports import repository
from ration.imports.kinds import KINDS, Kind
from ration.imports.models import Import, ImportReject

Progress = Callable[[int], None]
IMPORT_SCOPE = "ration.import"
"""The integrator scope that may send a governorate's bulk files."""


@dataclass
class Outcome:
    record: Import
    repeated: bool
    job_id: uuid.UUID | None = None
    """The evaluation job deciding the import's households (None for a repeated file)."""


def kind_named(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise ProblemError("unknown_import_kind", status=422, params={"kinds": ", ".join(KINDS)})
    return kind


class _Hashing:
    """Passes chunks through to COPY while hashing them and reporting bytes read."""

    def __init__(self, chunks: AsyncIterable[bytes], progress: Progress | None) -> None:
        self.chunks = chunks
        self.progress = progress
        self.sha = hashlib.sha256()
        self.size = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            if not chunk:
                continue
            self.sha.update(chunk)
            self.size += len(chunk)
            if self.progress is not None:
                self.progress(len(chunk))
            yield chunk


async def run(
    session: AsyncSession,
    *,
    kind: str,
    governorate: str,
    chunks: AsyncIterable[bytes],
    filename: str | None,
    actor: str,
    clock: Clock,
    progress: Progress | None = None,
    wake: asyncio.Event | None = None,
) -> Outcome:
    """Import one file in the caller's transaction (`clock`: when it started and finished, minutes
    apart for a big file). `wake` is set once the transaction commits (the service's job runner)."""
    spec = kind_named(kind)
    started = clock.now()
    hashing = _Hashing(chunks, progress)
    try:
        lines = await repository.stage_lines(session, hashing)
    except repository.UnreadableFile as exc:  # a whole file refused: 422, never a server error
        line = exc.line if exc.line is not None else "?"
        raise ProblemError(
            exc.code,
            status=422,
            params={"line": line},
            errors=[
                FieldError(
                    field=f"line {line}", reason=i18n.text(f"problem.{exc.code}.detail", line=line), code=exc.code
                )
            ],
        ) from exc
    checksum = hashing.sha.hexdigest()
    previous = await repository.existing(session, kind=spec.name, governorate=governorate, checksum=checksum)
    if previous is not None:
        return Outcome(previous, repeated=True)
    if lines == 0:
        raise ProblemError("empty_file", status=422)
    expected = ",".join(spec.header)
    first = (await repository.header(session) or "").lstrip("\ufeff").rstrip("\r").strip()
    if first != expected:
        raise ProblemError(
            "bad_header",
            status=422,
            params={"expected": expected},
            errors=[FieldError(field="line 1", reason=expected, code="bad_header")],
        )
    await repository.tune(session)
    record = Import(
        kind=spec.name,
        governorate=governorate,
        checksum=checksum,
        filename=(filename or "")[:255] or None,
        rows_total=lines - 1,
        rows_accepted=0,
        rows_rejected=0,
        households_reevaluated=0,
        evaluation_status="pending",
        imported_by=actor,
        started_at=started,
    )
    await repository.add(session, record)
    await repository.split(session, spec)
    await repository.reject(session, spec, import_id=record.id, governorate=governorate)
    record.rows_accepted = await repository.keep_good(session, spec, import_id=record.id)
    record.rows_rejected = await repository.rejected_lines(session, record.id)
    await repository.merge(session, spec, governorate=governorate, good=record.rows_accepted)
    if spec.people:
        target = targets.persons_in("good", spec.people)
    else:
        target = targets.Target("h.card_number IN (SELECT card_number FROM good)", {}, "import")
    job_id, households = await eligibility.enqueue(
        session, target=target, trigger=f"import:{record.id}", import_id=record.id
    )
    record.households_to_evaluate = households
    finished = clock.now()
    if households == 0:
        record.evaluation_status, record.evaluated_at = "done", finished
    record.finished_at = finished
    await repository.flush(session)
    if wake is not None:
        after_commit(session, wake.set)
    await audit.append(
        session,
        actor=actor,
        action="import.completed",
        target_type="import",
        target_id=str(record.id),
        details={
            "kind": spec.name,
            "governorate": governorate,
            "checksum": checksum,
            "bytes": hashing.size,
            "rows": record.rows_total,
            "accepted": record.rows_accepted,
            "rejected": record.rows_rejected,
            "evaluation_job": str(job_id),
            "households_to_evaluate": households,
        },
    )
    return Outcome(record, repeated=False, job_id=job_id)


def reject_reason(code: str, language: i18n.Language | None = None) -> str:
    return i18n.text(f"import.reject.{code}", language) if i18n.has(f"import.reject.{code}") else code


def _may_see(caller: Caller, record: Import) -> bool:
    """An integrator with the import scope; a ration officer of the file's governorate."""
    return (caller.kind == "integrator" and IMPORT_SCOPE in caller.scopes) or (
        caller.has_role(Role.RATION_OFFICER)
        and (Role.ADMIN in caller.roles or caller.governorate == record.governorate)
    )


async def visible(session: AsyncSession, *, caller: Caller, import_id: uuid.UUID) -> Import:
    record = await repository.get(session, import_id)
    if record is None or not _may_see(caller, record):
        raise ProblemError("not_found", status=404)
    return record


async def rejects(session: AsyncSession, *, record: Import) -> list[ImportReject]:
    return await repository.rejects(session, record.id)
