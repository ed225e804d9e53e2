"""Proofs over the stored log: inclusion of an entry in a tree size, consistency between two sizes.

Hashes come from two stored sources, never from rehashing entry bodies: the leaf level is each
entry's `hash` column, and perfect subtrees of height 4, 8, 12, … are `Node` rows written when they
completed. A subtree of any other height h = 4q + r is rebuilt from its 2^r stored descendants at
height 4q, so one proof costs one query per distinct stored height (O(log n / 4) queries) and at
most 7 hashes per proof node (≤ a few hundred in all).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext

from sanxiang.core.errors import InvalidInput
from sanxiang.records import merkle
from sanxiang.records.models import Entry, LogHead, Node

STRIDE = merkle.STRIDE


def head() -> tuple[int, merkle.Frontier]:
    row = LogHead.objects.filter(pk=1).values_list("size", "frontier").first()
    if row is None:
        return 0, []
    return row[0], merkle.decode_frontier(row[1])


def current_root() -> tuple[int, bytes]:
    size, frontier = head()
    return size, merkle.root(frontier)


class _Hashes:
    """Fetches, in as few queries as possible, the stored hashes a set of perfect subtrees needs."""

    def __init__(self, pieces: set[tuple[int, int]]):
        wanted: dict[int, set[int]] = defaultdict(set)
        for height, index in pieces:
            base = (height // STRIDE) * STRIDE
            span = 1 << (height - base)
            wanted[base].update(range(index * span, (index + 1) * span))
        self.stored: dict[tuple[int, int], bytes] = {}
        for base, indexes in wanted.items():
            if base == 0:
                rows = Entry.objects.filter(seq__in=[i + 1 for i in indexes]).values_list("seq", "hash")
                self.stored.update(((0, seq - 1), bytes.fromhex(h)) for seq, h in rows)
            else:
                rows = Node.objects.filter(height=base, index__in=indexes).values_list("index", "hash")
                self.stored.update(((base, i), bytes.fromhex(h)) for i, h in rows)

    def perfect(self, height: int, index: int) -> bytes:
        base = (height // STRIDE) * STRIDE
        if height == base:
            try:
                return self.stored[(height, index)]
            except KeyError:
                raise LookupError(f"stored hash missing: height {height}, index {index}") from None
        return merkle.node_hash(self.perfect(height - 1, 2 * index), self.perfect(height - 1, 2 * index + 1))


def _hash_ranges(ranges: list[merkle.Range]) -> list[bytes]:
    pieces = {p for lo, hi in ranges for p in merkle.perfect_pieces(lo, hi)}
    hashes = _Hashes(pieces)
    return [merkle.range_hash(lo, hi, hashes.perfect) for lo, hi in ranges]


def _check_size(size: int) -> None:
    current, _ = head()
    if not 0 < size <= current:
        raise InvalidInput(
            "records.proof.size",
            gettext("树大小须在1至%(current)s之间。") % {"current": current},
            field="size",
        )


def inclusion_proof(seq: int, size: int) -> list[bytes]:
    """The audit path of entry `seq` (leaf seq-1) in the tree of the first `size` entries."""
    _check_size(size)
    if not 0 < seq <= size:
        raise InvalidInput("records.proof.seq", gettext("条目不在该树大小之内。"), field="seq")
    return _hash_ranges(merkle.inclusion_ranges(seq - 1, size))


def consistency_proof(old: int, new: int) -> list[bytes]:
    """Proof that the tree of `new` entries extends the tree of `old` entries."""
    _check_size(new)
    if not 0 < old <= new:
        raise InvalidInput("records.proof.sizes", gettext("须满足 0 < first ≤ second。"), field="first")
    return _hash_ranges(merkle.consistency_ranges(old, new))


def root_at(size: int) -> bytes:
    """MTH of the first `size` entries, from stored hashes."""
    _check_size(size)
    return _hash_ranges([(0, size)])[0]


def inclusion_proofs(seqs: list[int], size: int) -> dict[int, list[bytes]]:
    """Audit paths of many entries in one tree size, with one round of reads for all of them."""
    _check_size(size)
    ranges: dict[int, list[merkle.Range]] = {}
    for seq in seqs:
        if not 0 < seq <= size:
            raise InvalidInput("records.proof.seq", gettext("条目不在该树大小之内。"), field="seq")
        ranges[seq] = merkle.inclusion_ranges(seq - 1, size)
    flat = [r for rs in ranges.values() for r in rs]
    hashes = iter(_hash_ranges(sorted(set(flat))) if flat else [])
    by_range = dict(zip(sorted(set(flat)), hashes, strict=True))
    return {seq: [by_range[r] for r in rs] for seq, rs in ranges.items()}
