"""Building many valid entries at once — for the demo/bench data generator and for tests.

`build_entries()` is pure (no database): give it what each entry says and the log's state, and it
returns the rows exactly as `services.append` would have written them one by one — same canonical
bodies, leaf hashes, chains, stored Merkle nodes — plus the log's new state. `bulk_append()`
writes them in batches under the log head's lock. `sanxiang verify` accepts the result as if the
entries had been appended singly (tests/records/test_bulk.py).

    from sanxiang.records.bulk import Spec, bulk_append
    bulk_append(Spec(stream=f"case:{case.number}", kind="case.transition", payload={...},
                     case=case, actor=officer, step="investigation", at=when) for …)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.tablewrite import write_rows
from sanxiang.records import merkle, services
from sanxiang.records.models import GENESIS, Entry, LogHead


@dataclass
class Spec:
    """What one entry says. `case`, `actor`, `agency` may be model instances or None; `ids` lets a
    generator that has no instances give (case_id, case_number, actor_id, username, agency_id,
    agency_code) directly."""

    stream: str
    kind: str
    payload: dict[str, Any]
    case: Any = None
    actor: Any = None
    agency: Any = None
    step: str = ""
    at: dt.datetime | None = None
    ids: tuple | None = None


@dataclass
class State:
    size: int = 0
    frontier: merkle.Frontier = field(default_factory=list)
    tails: dict[str, tuple[int, str]] = field(default_factory=dict)  # stream → (stream_seq, hash)
    # the log was empty when this build began: a stream not in `tails` has no entry yet
    started_empty: bool = False


def _refs(spec: Spec) -> tuple:
    if spec.ids is not None:
        return spec.ids
    case, actor = spec.case, spec.actor
    agency = spec.agency or (case.agency if case is not None else getattr(actor, "agency", None))
    return (
        case.pk if case is not None else None,
        case.number if case is not None else None,
        actor.pk if actor is not None else None,
        actor.username if actor is not None else None,
        agency.pk if agency is not None else None,
        agency.code if agency is not None else None,
    )


def build_entries(
    specs: Iterable[Spec], state: State
) -> Iterator[tuple[dict[str, Any], list[tuple[int, int, str]]]]:
    """Yield (entry row as column → value, stored nodes it completed) and advance `state`."""
    for spec in specs:
        case_id, case_number, actor_id, username, agency_id, agency_code = _refs(spec)
        last = state.tails.get(spec.stream, (0, GENESIS))
        seq, stream_seq = state.size + 1, last[0] + 1
        at = spec.at or clock.now()
        body = services.body_of(
            seq=seq,
            stream=spec.stream,
            stream_seq=stream_seq,
            case_number=case_number,
            kind=spec.kind,
            step=spec.step,
            actor=username,
            agency=agency_code,
            at=at,
            corrects=None,
            payload=spec.payload,
            prev=last[1],
        )
        leaf = merkle.leaf_hash(body.encode("utf-8"))
        state.frontier, made = merkle.push(state.frontier, leaf)
        nodes = [(h, (seq - 1) >> h, d.hex()) for h, d in made if h % merkle.STRIDE == 0]
        state.size = seq
        state.tails[spec.stream] = (stream_seq, leaf.hex())
        row = {
            "seq": seq,
            "stream": spec.stream,
            "stream_seq": stream_seq,
            "case_id": case_id,
            "kind": spec.kind,
            "step": spec.step,
            "actor_id": actor_id,
            "agency_id": agency_id,
            "at": at,
            "corrects_id": None,
            "body": body,
            "prev_hash": last[1],
            "hash": leaf.hex(),
        }
        yield row, nodes


_COLUMNS = (
    "seq",
    "stream",
    "stream_seq",
    "case_id",
    "kind",
    "step",
    "actor_id",
    "agency_id",
    "at",
    "corrects_id",
    "body",
    "prev_hash",
    "hash",
)


def _batches(specs: Iterable[Spec], size: int) -> Iterator[list[Spec]]:
    batch: list[Spec] = []
    for spec in specs:
        batch.append(spec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_tails(state: State, streams: set[str]) -> None:
    """The last entry of each stream not seen yet, in two queries per batch."""

    if state.started_empty:
        return  # nothing to look up (and on PostgreSQL, stale statistics of a table filled inside
        # this transaction make each lookup a scan of everything written so far)
    unseen = [s for s in streams if s not in state.tails]
    if not unseen:
        return
    with _index_lookups():
        _fetch_tails(state, unseen)


@contextmanager
def _index_lookups():
    """PostgreSQL plans from statistics that lag behind a table growing by 10⁵ rows per build, and
    then scans the whole table per batch; these lookups are always a few keys of the (stream,
    stream_seq) index, so the scan is switched off for them."""
    conn = transaction.get_connection()
    if conn.vendor != "postgresql":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def _fetch_tails(state: State, unseen: list[str]) -> None:
    from django.db.models import Max

    for start in range(0, len(unseen), 500):
        chunk = unseen[start : start + 500]
        last = dict(
            Entry.objects.filter(stream__in=chunk)
            .values("stream")
            .annotate(m=Max("stream_seq"))
            .values_list("stream", "m")
        )
        if last:
            rows = Entry.objects.filter(stream__in=list(last)).values_list("stream", "stream_seq", "hash")
            state.tails.update({s: (n, h) for s, n, h in rows if last[s] == n})


def bulk_append(specs: Iterable[Spec], *, batch: int = 5000) -> int:
    """Append all `specs` in one transaction holding the log head; returns the new log size."""
    with transaction.atomic():
        head = LogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            LogHead.objects.get_or_create(pk=1)
            head = LogHead.objects.select_for_update().get(pk=1)
        state = State(head.size, merkle.decode_frontier(head.frontier), started_empty=head.size == 0)
        conn = transaction.get_connection()
        with conn.cursor() as cursor:
            for specs_batch in _batches(specs, batch):
                _load_tails(state, {s.stream for s in specs_batch})
                rows, nodes = [], []
                for row, made in build_entries(specs_batch, state):
                    row["at"] = conn.ops.adapt_datetimefield_value(row["at"])
                    rows.append([row[c] for c in _COLUMNS])
                    nodes += made
                write_rows(cursor, "records_entry", _COLUMNS, rows)
                if nodes:
                    write_rows(cursor, "records_node", ("height", '"index"', "hash"), nodes)
        head.size = state.size
        head.frontier = merkle.encode_frontier(state.frontier)
        head.save(update_fields=["size", "frontier", "updated_at"])
    return state.size
