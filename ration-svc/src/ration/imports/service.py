"""Bulk imports from the governorates: stream the file into PostgreSQL with COPY, check every row
set-based, merge the good rows, record each bad one (line, field, reason), and record a durable
evaluation job for the households the good rows concern, all in the caller's one transaction.
The service's job worker (`ration.scheduler`) decides those households afterwards, in chunks;
the import shows its progress (`evaluation_status`, `households_reevaluated`). The same file
(same checksum, kind and governorate) imported again is a no-op that returns the first import."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.errors import FieldError, ProblemError
from ration import scheduler
from ration.audit import repository as audit
from ration.eligibility import service as eligibility
from ration.eligibility import sql as targets
from ration.imports import repository
from ration.imports.kinds import KINDS, Kind
from ration.imports.models import Import

i18n.register(
    {
        "problem.unknown_import_kind.title": {"en": "Unknown file kind", "ar": "نوع ملف غير معروف"},
        "problem.unknown_import_kind.detail": {
            "en": "Known kinds: {kinds}.",
            "ar": "الأنواع المعروفة: {kinds}.",
        },
        "problem.bad_header.title": {"en": "Unexpected header row", "ar": "سطر العناوين غير متوقع"},
        "problem.bad_header.detail": {
            "en": "The first line must be: {expected}",
            "ar": "يجب أن يكون السطر الأول: {expected}",
        },
        "problem.empty_file.title": {"en": "The file is empty", "ar": "الملف فارغ"},
        "problem.empty_file.detail": {
            "en": "The file has no lines; send the header line and the rows.",
            "ar": "لا يحتوي الملف على أي سطر؛ أرسل سطر العناوين ثم السطور.",
        },
        "import.reject.wrong_column_count": {"en": "Wrong number of columns", "ar": "عدد الأعمدة غير صحيح"},
        "import.reject.invalid_national_id": {"en": "Not a 14-digit national ID", "ar": "ليس رقمًا قوميًا من ١٤ رقمًا"},
        "import.reject.invalid_number": {"en": "Not a number in the allowed range", "ar": "ليس رقمًا في النطاق المسموح"},
        "import.reject.invalid_date": {"en": "Not a date (YYYY-MM-DD)", "ar": "ليس تاريخًا بصيغة YYYY-MM-DD"},
        "import.reject.invalid_id": {"en": "Not a valid identifier", "ar": "معرف غير صالح"},
        "import.reject.invalid_text": {
            "en": "Empty, too long or wrong format",
            "ar": "فارغ أو طويل جدًا أو بصيغة خاطئة",
        },
        "import.reject.not_allowed_value": {"en": "Not one of the allowed values", "ar": "ليست من القيم المسموح بها"},
        "import.reject.duplicate_in_file": {
            "en": "Repeats an earlier line of the same file",
            "ar": "مكرر لسطر سابق في الملف نفسه",
        },
        "import.reject.card_without_single_holder": {
            "en": "The card must have exactly one holder",
            "ar": "يجب أن يكون للبطاقة صاحب واحد فقط",
        },
        "import.reject.member_on_other_card": {
            "en": "This person is already on another card",
            "ar": "هذا الشخص مقيد على بطاقة أخرى",
        },
        "import.reject.card_number_no_longer_valid": {
            "en": "This card number was replaced or cancelled; use the card's current number",
            "ar": "رقم البطاقة هذا استُبدل أو أُلغي؛ استخدم رقم البطاقة الحالي",
        },
        "import.reject.card_in_other_governorate": {
            "en": "The card belongs to another governorate",
            "ar": "البطاقة تابعة لمحافظة أخرى",
        },
    }
)

Progress = Callable[[int], None]


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
    progress: Progress | None = None,
) -> Outcome:
    spec = kind_named(kind)
    started = datetime.now(UTC)
    hashing = _Hashing(chunks, progress)
    lines = await repository.stage_lines(session, hashing)
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
    session.add(record)
    await session.flush()
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
    if households == 0:
        record.evaluation_status, record.evaluated_at = "done", datetime.now(UTC)
    record.finished_at = datetime.now(UTC)
    await session.flush()
    scheduler.wake_jobs_after_commit(session)
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
