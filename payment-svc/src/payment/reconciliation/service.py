"""Importing a provider's settlement file and matching it to our captures.

Each line is one capture the provider says it settled into the treasury's account:
`transaction_id,reference,amount_piastres,currency,captured_at`. Every line ends up as one of
- `matched`: a capture of ours, same amount and currency, settled now (a ledger entry moves it
  from the provider's account to the treasury's);
- `amount_mismatch`: ours, but the amount or currency differs (nothing posted);
- `extra`: no capture of ours has this transaction;
- `duplicate`: the transaction appears twice in the file, or was settled by an earlier file;
- `invalid`: the line cannot be read.
Captures of ours up to `through` that the file does not list are reported `missing`.
Importing the same file again (same bytes) changes nothing and returns the first report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.errors import FieldError, NotFound, ProblemError
from payment.ledger import service as ledger
from payment.reconciliation.models import SettlementFile
from payment.reconciliation.repository import SettlementRepository

COLUMNS = ("transaction_id", "reference", "amount_piastres", "currency", "captured_at")
MAX_LINES = 100_000

i18n.register(
    {
        "problem.invalid_settlement_file.title": {
            "en": "The settlement file cannot be read",
            "ar": "تعذرت قراءة ملف التسوية",
        },
        "problem.invalid_settlement_file.detail": {
            "en": "Send UTF-8 CSV with the columns {columns} (at most {max_lines} lines).",
            "ar": i18n.plural(
                "max_lines",
                one="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى سطر واحد).",
                two="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى سطرين).",
                few="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} أسطر).",
                many="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} سطرًا).",
                other="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} سطر).",
            ),
        },
        "problem.settlement_not_found.title": {"en": "Settlement file not found", "ar": "ملف التسوية غير موجود"},
        "problem.settlement_not_found.detail": {
            "en": "There is no settlement file with this id.",
            "ar": "لا يوجد ملف تسوية بهذا المعرف.",
        },
    }
)


def _unreadable() -> ProblemError:
    return ProblemError(
        "invalid_settlement_file",
        status=422,
        params={"columns": ", ".join(COLUMNS), "max_lines": MAX_LINES},
        errors=[
            FieldError(field="body", reason=i18n.text("problem.invalid_settlement_file.title"), code="invalid_csv")
        ],
    )


def parse(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unreadable() from exc
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not set(COLUMNS) <= {f.strip() for f in reader.fieldnames}:
        raise _unreadable()
    rows: list[dict[str, str]] = []
    for row in reader:
        if len(rows) >= MAX_LINES:
            raise _unreadable()
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)})
    return rows


async def import_file(
    session: AsyncSession,
    *,
    provider: str,
    content: bytes,
    filename: str | None,
    through: datetime,
    imported_by: str,
    now: datetime,
) -> tuple[SettlementFile, bool]:
    repo = SettlementRepository(session)
    sha256 = hashlib.sha256(content).hexdigest()
    existing = await repo.by_hash(provider, sha256)
    if existing is not None:
        return existing, False
    rows = parse(content)
    file_id = uuid.uuid4()
    values = {
        "id": file_id, "provider": provider, "sha256": sha256, "filename": filename, "through": through,
        "summary": {}, "imported_by": imported_by, "imported_at": now,
    }  # fmt: skip
    if not await repo.insert_file(values):
        existing = await repo.by_hash(provider, sha256)
        assert existing is not None
        return existing, False
    captures = await repo.lock_captures(provider, sorted({r.get("transaction_id", "") for r in rows}))
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()
    settled = 0
    for line_no, row in enumerate(rows, start=2):
        line = {"file_id": file_id, "line_no": line_no, "transaction_id": row.get("transaction_id") or None}
        txn = line["transaction_id"]
        try:
            amount = int(row.get("amount_piastres", ""))
        except ValueError:
            lines.append({**line, "outcome": "invalid", "detail": "amount_piastres is not a whole number"})
            continue
        line["amount_piastres"] = amount
        if not txn:
            lines.append({**line, "outcome": "invalid", "detail": "transaction_id is empty"})
            continue
        capture = captures.get(txn)
        if txn in seen:
            lines.append({**line, "outcome": "duplicate", "detail": "listed twice in this file"})
            continue
        seen.add(txn)
        if capture is None:
            lines.append({**line, "outcome": "extra", "detail": "no capture of ours has this transaction"})
            continue
        line.update(payment_id=capture.payment_id, expected_piastres=capture.amount_piastres)
        if capture.settlement_file_id is not None:
            lines.append({**line, "outcome": "duplicate", "detail": f"settled by file {capture.settlement_file_id}"})
            continue
        if amount != capture.amount_piastres or row.get("currency") != capture.currency:
            lines.append(
                {**line, "outcome": "amount_mismatch", "detail": f"{row.get('currency')} vs {capture.currency}"}
            )
            continue
        capture.settlement_file_id = file_id
        settled += amount
        await ledger.post(
            session,
            kind="settlement",
            reference=str(capture.id),
            provider=provider,
            debit=ledger.TREASURY,
            credit=ledger.provider_account(provider),
            amount_piastres=amount,
            now=now,
            memo=f"settled {txn} by file {file_id}",
            payment_id=capture.payment_id,
        )
        lines.append({**line, "outcome": "matched", "detail": None})
    await session.flush()
    for capture in await repo.unsettled_through(provider, through):
        if capture.transaction_id not in seen:
            lines.append(
                {"file_id": file_id, "line_no": None, "transaction_id": capture.transaction_id,
                 "amount_piastres": None, "expected_piastres": capture.amount_piastres, "outcome": "missing",
                 "payment_id": capture.payment_id, "detail": "captured by us, not in the file"}
            )  # fmt: skip
    await repo.add_lines([{"expected_piastres": None, "payment_id": None, "amount_piastres": None, **x} for x in lines])
    counts = Counter(x["outcome"] for x in lines)
    summary = {
        "lines": len(rows),
        **{k: counts.get(k, 0) for k in ("matched", "amount_mismatch", "extra", "duplicate", "missing", "invalid")},
        "settled_piastres": settled,
    }
    file = await repo.get(file_id)
    assert file is not None
    file.summary = summary
    return file, True


async def report(session: AsyncSession, *, file_id: uuid.UUID) -> tuple[SettlementFile, list[Any]]:
    repo = SettlementRepository(session)
    file = await repo.get(file_id)
    if file is None:
        raise NotFound("settlement_not_found")
    return file, list(await repo.discrepancies(file_id))
