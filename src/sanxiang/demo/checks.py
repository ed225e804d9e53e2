"""Consistency checks the demo and the bulk generator (bench/generate.py) must both pass.

* the record: every entry's hash covers its body, the body repeats its columns, each stream is a
  gapless chain from the genesis hash, the global sequence is gapless, and the Merkle head (size,
  frontier, root) equals a recomputation over all entries (RFC 6962, records/merkle.py);
* case numbers: per agency and year, serials 1…n without gaps, the number spelled from them, and
  the numbering sequence standing at n;
* the workflow history: per case, events 1…n, opening first, each event starting where the
  previous ended, the last one ending in the case's stage.

Each returns a list of problems (empty when consistent), at most `limit` of them. They read in
chunks, so they run over millions of rows in bounded memory.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.core.models import Sequence
from sanxiang.records import merkle
from sanxiang.records.models import GENESIS, Entry, LogHead

CHUNK = 5000


def record_problems(limit: int = 20) -> list[str]:
    problems: list[str] = []
    last: dict[str, tuple[int, str]] = {}  # stream → (stream_seq, hash)
    frontier: list[tuple[int, bytes]] = []
    expected_seq = 1
    rows = Entry.objects.order_by("seq").values_list(
        "seq", "stream", "stream_seq", "body", "prev_hash", "hash"
    )
    for seq, stream, stream_seq, body, prev_hash, digest in rows.iterator(chunk_size=CHUNK):
        if len(problems) >= limit:
            break
        data = body.encode("utf-8")
        if seq != expected_seq:
            problems.append(f"entry #{seq}: expected #{expected_seq} (gap or reordering)")
        expected_seq = seq + 1
        if hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"entry #{seq}: hash does not match its body")
        parsed = json.loads(body)
        if (parsed.get("seq"), parsed.get("stream"), parsed.get("stream_seq"), parsed.get("prev")) != (
            seq,
            stream,
            stream_seq,
            prev_hash,
        ):
            problems.append(f"entry #{seq}: body disagrees with its columns")
        previous_seq, previous_hash = last.get(stream, (0, GENESIS))
        if stream_seq != previous_seq + 1 or prev_hash != previous_hash:
            problems.append(f"entry #{seq}: breaks the chain of {stream} at {stream_seq}")
        last[stream] = (stream_seq, digest)
        frontier = merkle.append(frontier, merkle.leaf_hash(data))
    head = LogHead.objects.filter(pk=1).first()
    size = expected_seq - 1
    if not problems:
        if head is None:
            if size:
                problems.append("no log head although entries exist")
        elif head.size != size:
            problems.append(f"log head size {head.size} != {size} entries")
        elif head.root != merkle.root(frontier).hex():
            problems.append("log head root differs from the recomputed Merkle root")
        elif merkle.decode_frontier(head.frontier) != frontier:
            problems.append("log head frontier differs from the recomputed frontier")
    return problems[:limit]


def numbering_problems(limit: int = 20) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[int, int], list[int]] = defaultdict(list)
    codes: dict[int, str] = {}
    rows = Case.objects.order_by("agency_id", "year", "serial").values_list(
        "agency_id", "agency__code", "year", "serial", "number"
    )
    for agency_id, code, year, serial, number in rows.iterator(chunk_size=CHUNK):
        codes[agency_id] = code
        seen[(agency_id, year)].append(serial)
        if number != f"{code.upper()}-{year}-{serial:05d}":  # cases.services.case_number
            problems.append(f"{number}: not the number of serial {serial}")
    sequences = dict(Sequence.objects.filter(key__startswith="case:").values_list("key", "value"))
    for (agency_id, year), serials in seen.items():
        if serials != list(range(1, len(serials) + 1)):
            problems.append(f"{codes[agency_id]} {year}: serials are not 1…{len(serials)} without gaps")
        if sequences.get(f"case:{agency_id}:{year}") != len(serials):
            problems.append(f"{codes[agency_id]} {year}: numbering sequence is not at {len(serials)}")
    return problems[:limit]


def workflow_problems(limit: int = 20) -> list[str]:
    problems: list[str] = []
    stages = dict(Case.objects.values_list("pk", "stage").iterator(chunk_size=CHUNK))
    current: int | None = None
    expected, stage = 1, ""

    def finish(case_id: int | None, stage: str) -> None:
        if case_id is not None and stages.pop(case_id, None) != stage:
            problems.append(f"case {case_id}: last event does not end in the case's stage")

    rows = CaseEvent.objects.order_by("case_id", "seq").values_list(
        "case_id", "seq", "transition", "from_stage", "to_stage"
    )
    for case_id, seq, name, from_stage, to_stage in rows.iterator(chunk_size=CHUNK):
        if len(problems) >= limit:
            break
        if case_id != current:
            finish(current, stage)
            current, expected, stage = case_id, 1, ""
            if name != "open":
                problems.append(f"case {case_id}: first event is {name}, not open")
        if seq != expected:
            problems.append(f"case {case_id}: event {seq} where {expected} was due")
        if from_stage != stage:
            problems.append(f"case {case_id}: event {seq} starts in {from_stage}, previous ended in {stage}")
        expected, stage = seq + 1, to_stage
    finish(current, stage)
    if stages and len(problems) < limit:
        problems.append(f"{len(stages)} cases without events")
    return problems[:limit]


def all_problems(limit: int = 20) -> list[str]:
    return record_problems(limit) + numbering_problems(limit) + workflow_problems(limit)
