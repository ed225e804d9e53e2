"""Appending to the record (DESIGN.md I2). Call `append()` inside the transaction of the change
it records: the entry and the change commit together or not at all."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from sanxiang.core import clock
from sanxiang.records import canonical, merkle
from sanxiang.records.models import GENESIS, Entry, LogHead

FORMAT_VERSION = 1


def case_stream(case) -> str:
    return f"case:{case.number}"


def _lock_head() -> LogHead:
    head = LogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # first append of a fresh database; the row is created once, then locked
        LogHead.objects.get_or_create(pk=1)
        head = LogHead.objects.select_for_update().get(pk=1)
    return head


def append(
    *,
    kind: str,
    payload: dict[str, Any],
    actor=None,
    case=None,
    stream: str | None = None,
    agency=None,
    step: str = "",
    corrects: Entry | None = None,
) -> Entry:
    """Append one entry to `stream` (the case's, by default) and to the global Merkle log."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("records.append() must run inside the transaction of the change it records")
    stream = stream or case_stream(case)
    agency = agency or (case.agency if case is not None else getattr(actor, "agency", None))
    head = _lock_head()
    last = (
        Entry.objects.filter(stream=stream).order_by("-stream_seq").values_list("stream_seq", "hash").first()
    )
    stream_seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = clock.now()
    body = canonical.dumps(
        {
            "v": FORMAT_VERSION,
            "seq": head.size + 1,
            "stream": stream,
            "stream_seq": stream_seq,
            "case": case.number if case is not None else None,
            "kind": kind,
            "step": step or "",
            "actor": actor.username if actor is not None else None,
            "agency": agency.code if agency is not None else None,
            "at": at,
            "corrects": corrects.seq if corrects is not None else None,
            "payload": payload,
            "prev": prev_hash,
        }
    )
    data = body.encode("utf-8")
    entry = Entry.objects.create(
        seq=head.size + 1,
        stream=stream,
        stream_seq=stream_seq,
        case=case,
        kind=kind,
        step=step or "",
        actor=actor,
        agency=agency,
        at=at,
        corrects=corrects,
        body=body,
        prev_hash=prev_hash,
        hash=hashlib.sha256(data).hexdigest(),
    )
    frontier = merkle.append(merkle.decode_frontier(head.frontier), merkle.leaf_hash(data))
    head.size += 1
    head.frontier = merkle.encode_frontier(frontier)
    head.root = merkle.root(frontier).hex()
    head.save(update_fields=["size", "frontier", "root", "updated_at"])
    return entry
