"""Consistency checks the demo and the bulk generator (bench/generate.py) must both pass.

* the record: delegated to the records app's own verification (`sanxiang verify`,
  records/verify.py) — hashes, chains, sequence, stored Merkle nodes, signed checkpoints, the log
  head, triggers and stored files. There is no second implementation of the record format here;
* case numbers: per agency and year, serials 1…n without gaps, the number spelled from them, and
  the numbering sequence standing at n;
* the workflow history: per case, events 1…n, opening first, each event starting where the
  previous ended, the last one ending in the case's stage.

Each returns a list of problems (empty when consistent), at most `limit` of them. They read in
chunks, so they run over millions of rows in bounded memory.
"""

from __future__ import annotations

from collections import defaultdict

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.core.models import Sequence

CHUNK = 5000


def record_problems(limit: int = 20) -> list[str]:
    """What `sanxiang verify` finds wrong with the record (it names the first bad entry and file)."""
    from sanxiang.records.verify import verify

    return [str(problem) for problem in verify().problems][:limit]


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
