"""Sealing: each batch of pending entries gets a Merkle root, the chain head, the previous
seal's hash and the time, signed by the archive's timestamping key (RFC 3161's batch
timestamping as X-Road runs it, with the archive as its own time-stamping authority)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.evidence import GENESIS, MerkleTree, canonical, document_signed_by, make_seal, seal_hash
from contracts.signing import SigningKey
from evidence.archive.repository import ArchiveRepository
from evidence.archive.service import timestamp
from evidence.keys import TimestampingKeys
from evidence.seals.models import Seal
from evidence.seals.repository import SealRepository


async def seal_pending(session: AsyncSession, *, key: SigningKey, now: datetime, max_events: int) -> list[Seal]:
    """Seal every entry not sealed yet, in batches of at most `max_events`; the new seals."""
    archive = ArchiveRepository(session)
    await archive.lock_chain()  # no entry is appended while its batch is being sealed
    seals = SealRepository(session)
    last = await seals.last()
    sealed: list[Seal] = []
    while True:
        first = last.last_sequence + 1 if last else 1
        entries = await archive.hashes_after(first - 1, limit=max_events)
        if not entries:
            return sealed
        document = make_seal(
            key,
            number=last.number + 1 if last else 1,
            first_sequence=first,
            leaves=[leaf for _, leaf, _ in entries],
            chain_head=entries[-1][2],
            previous=last.hash if last else GENESIS,
            sealed_at=timestamp(now),
        )
        last = await seals.add(
            Seal(
                number=document["number"],
                first_sequence=first,
                last_sequence=document["last_sequence"],
                document=canonical(document).decode(),
                hash=seal_hash(document),
                sealed_at=now,
            )
        )
        sealed.append(last)


def check_seal(
    seal: Seal, previous: Seal | None, leaves: list[str], chain_head: str, keys: TimestampingKeys
) -> str | None:
    """None if the stored seal holds over the stored entries, else what does not."""
    document = json.loads(seal.document)
    if document_signed_by({key.kid: key for key in keys.published}, document):
        return "seal_signature"
    if seal_hash(document) != seal.hash or document["previous"] != (previous.hash if previous else GENESIS):
        return "seal_link"
    if len(leaves) != document["size"] or MerkleTree(leaves).root() != document["root"]:
        return "seal_root"
    if chain_head != document["chain_head"]:
        return "seal_chain_head"
    return None


async def verify_seals(
    session: AsyncSession, *, keys: TimestampingKeys, batch: int = 200
) -> tuple[int, int | None, str | None]:
    """Check every seal over the stored entries: (seals checked, first failing seal, what failed)."""
    seals, archive = SealRepository(session), ArchiveRepository(session)
    previous: Seal | None = None
    count = 0
    while rows := await seals.after(previous.number if previous else 0, limit=batch):
        for seal in rows:
            leaves = await archive.leaves(seal.first_sequence, seal.last_sequence)
            head = await archive.get(seal.last_sequence)
            problem = check_seal(seal, previous, leaves, head.chain if head else "", keys)
            if problem:
                return count, seal.number, problem
            previous, count = seal, count + 1
    return count, None, None
