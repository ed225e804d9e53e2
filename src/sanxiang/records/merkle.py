"""RFC 6962 / RFC 9162 Merkle tree hashing: leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right).

The log keeps only its *frontier* — the roots of the perfect subtrees that make up the tree, at
most log₂(n) of them — so an append costs O(1) amortised hashes and never rebuilds the tree.
Perfect subtrees whose height is a positive multiple of `STRIDE` are stored (`records.Node`) when
they complete; with the leaf hashes (each entry's `hash`) they let any proof be computed from
O(log n) reads and at most 2^(STRIDE-1)·log n hashes (records/log.py).

This module is pure: no database, no Django. Proofs are expressed over *ranges* of leaves so that
the caller decides how to get each range's hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

STRIDE = 4  # stored node heights: 4, 8, 12, …  (one stored node per 16 leaves, amortised)
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()

Frontier = list[tuple[int, bytes]]
Range = tuple[int, int]  # leaves [lo, hi)


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def push(frontier: Frontier, leaf: bytes) -> tuple[Frontier, list[tuple[int, bytes]]]:
    """Append one leaf: returns the new frontier and the perfect subtrees it completed, as
    (height, hash), lowest first. The completed subtree of height h has index (n-1) >> h, where n
    is the new size."""
    frontier = [*frontier, (0, leaf)]
    made: list[tuple[int, bytes]] = []
    while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
        (height, left), (_, right) = frontier[-2], frontier[-1]
        merged = (height + 1, node_hash(left, right))
        frontier[-2:] = [merged]
        made.append(merged)
    return frontier, made


def append(frontier: Frontier, leaf: bytes) -> Frontier:
    """The frontier after appending one leaf: merge equal-height subtrees from the right."""
    return push(frontier, leaf)[0]


def root(frontier: Frontier) -> bytes:
    """MTH of the whole tree: the subtree roots folded right to left (RFC 6962 §2.1)."""
    if not frontier:
        return hashlib.sha256(b"").digest()
    acc = frontier[-1][1]
    for _, subtree in reversed(frontier[:-1]):
        acc = node_hash(subtree, acc)
    return acc


def size_of(frontier: Frontier) -> int:
    return sum(1 << h for h, _ in frontier)


def encode_frontier(frontier: Frontier) -> list[list]:
    return [[h, d.hex()] for h, d in frontier]


def decode_frontier(raw: list[list]) -> Frontier:
    return [(int(h), bytes.fromhex(d)) for h, d in raw]


# --- ranges and proofs (RFC 6962 §2.1.1, §2.1.2) ---------------------------------------------


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect aligned subtrees (height, index) whose right fold is MTH(D[lo:hi]), left to right.
    `lo` must be a multiple of the enclosing subtree size, as it is in every RFC 6962 recursion."""
    pieces = []
    while hi - lo > 0:
        n = hi - lo
        if n & (n - 1) == 0:
            height = n.bit_length() - 1
            pieces.append((height, lo >> height))
            break
        k = _split(n)
        height = k.bit_length() - 1
        pieces.append((height, lo >> height))
        lo += k
    return pieces


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[0:size]): the ranges whose hashes form the audit path, leaf level first."""
    path: list[Range] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append((lo + k, hi))
            hi = lo + k
        else:
            path.append((lo, lo + k))
            lo, m = lo + k, m - k
    return list(reversed(path))


def consistency_ranges(old: int, new: int) -> list[Range]:
    """PROOF(old, D[0:new]) = SUBPROOF(old, D[0:new], true): ranges, in proof order."""
    if not 0 < old <= new:
        raise ValueError("need 0 < old ≤ new")
    proof: list[Range] = []
    lo, hi, m, whole = 0, new, old, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                proof.append((lo, hi))
            break
        k = _split(n)
        if m <= k:
            proof.append((lo + k, hi))
            hi = lo + k
        else:
            proof.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    return list(reversed(proof))


def range_hash(lo: int, hi: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[lo:hi]) from the hashes of its perfect pieces, `perfect(height, index)`."""
    hashes = [perfect(h, i) for h, i in perfect_pieces(lo, hi)]
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = node_hash(left, acc)
    return acc


# --- verification (RFC 9162 §2.1.3.2, §2.1.4.2) -----------------------------------------------


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    if old == new:
        return old_root == new_root and not proof
    if old == 0 or old > new or not proof:
        return old == 0 and not proof
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first node implicitly
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
