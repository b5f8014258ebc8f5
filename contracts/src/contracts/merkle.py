"""Merkle trees in RFC 9162's shape (Certificate Transparency 2.0, 2.1): a leaf is
``SHA-256(0x00 ‖ data)``, a node ``SHA-256(0x01 ‖ left ‖ right)``, a tree of n leaves splits at the
largest power of two below n. Used for events signed in a batch (``contracts.signing``) and for the
archive's seals (``contracts.evidence``). Hashes are the 32 raw bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleTree:
    """The tree over ``leaves`` (leaf hashes), every level kept: each level pairs the one below,
    left to right, and a last node without a partner rises as it is, which is the tree RFC 9162
    defines by splitting at the largest power of two below the size."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        if not leaves:
            raise ValueError("a Merkle tree needs at least one leaf")
        self.levels = [list(leaves)]
        while len(level := self.levels[-1]) > 1:
            up = [node(level[at], level[at + 1]) for at in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                up.append(level[-1])
            self.levels.append(up)

    def root(self) -> bytes:
        return self.levels[-1][0]

    def proof(self, index: int) -> list[bytes]:
        """The audit path of leaf ``index``, leaf to root (RFC 9162, 2.1.3.1)."""
        path = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            index >>= 1
        return path


def root_from_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` leads ``leaf_hash`` to (RFC 9162, 2.1.3.2), or None if it cannot
    (an index outside the tree, a path too short or too long for it)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(sibling, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, sibling)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None
