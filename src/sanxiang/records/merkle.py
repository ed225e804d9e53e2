"""RFC 6962 Merkle tree hashing: leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right).

The log keeps only its *frontier* — the roots of the perfect subtrees that make up the tree, at
most log₂(n) of them — so an append costs O(log n) hashes and never rebuilds the tree.
"""

from __future__ import annotations

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def append(frontier: list[tuple[int, bytes]], leaf: bytes) -> list[tuple[int, bytes]]:
    """The frontier after appending one leaf: merge equal-height subtrees from the right."""
    frontier = [*frontier, (0, leaf)]
    while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
        (height, left), (_, right) = frontier[-2], frontier[-1]
        frontier[-2:] = [(height + 1, node_hash(left, right))]
    return frontier


def root(frontier: list[tuple[int, bytes]]) -> bytes:
    """MTH of the whole tree: the subtree roots folded right to left (RFC 6962 §2.1)."""
    if not frontier:
        return hashlib.sha256(b"").digest()
    acc = frontier[-1][1]
    for _, subtree in reversed(frontier[:-1]):
        acc = node_hash(subtree, acc)
    return acc


def encode_frontier(frontier: list[tuple[int, bytes]]) -> list[list]:
    return [[h, d.hex()] for h, d in frontier]


def decode_frontier(raw: list[list]) -> list[tuple[int, bytes]]:
    return [(int(h), bytes.fromhex(d)) for h, d in raw]
