"""Appending to the record (DESIGN.md I2). Call `append()` inside the transaction of the change
it records: the entry and the change commit together or not at all.

An append locks the one `LogHead` row (so appends are totally ordered and no stream can fork),
reads the tail of the entry's stream, inserts the entry, stores any perfect Merkle subtree of a
stored height that the new leaf completed, and moves the head. That is four short statements and
O(1) amortised hashing — the tree is never rebuilt. The hot path is plain SQL on purpose: it runs
for every transition, upload and page view, and the ORM's per-query overhead would dominate it.
"""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput, NotFound
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.records import canonical, merkle
from sanxiang.records.models import GENESIS, Entry, LogHead

FORMAT_VERSION = 1


def case_stream(case) -> str:
    return f"case:{case.number}"


def access_stream(case) -> str:
    """Reads of a case (I7) chain in their own stream, so the case's own chain holds only what
    happened in the case; both are leaves of the one log."""
    return f"access:{case.number}"


_SQL = {
    "lock": "SELECT size, frontier FROM records_loghead WHERE id = 1",
    "tail": "SELECT stream_seq, hash FROM records_entry WHERE stream = %s ORDER BY stream_seq DESC LIMIT 1",
    "insert": (
        "INSERT INTO records_entry (seq, stream, stream_seq, case_id, kind, step, actor_id, agency_id, at,"
        " corrects_id, body, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " RETURNING id"
    ),
    "node": 'INSERT INTO records_node (height, "index", hash) VALUES (%s, %s, %s)',
    "head": "UPDATE records_loghead SET size = %s, frontier = %s, updated_at = %s WHERE id = 1",
}
# The statements as each driver takes them: PostgreSQL locks the head row; SQLite's IMMEDIATE
# transactions already hold the database's write lock, and sqlite3 wants "?" placeholders.
_STATEMENTS = {
    "postgresql": {**_SQL, "lock": _SQL["lock"] + " FOR UPDATE"},
    "sqlite": {k: v.replace("%s", "?") for k, v in _SQL.items()},
}


def _lock_head(cursor, sql) -> tuple[int, list]:
    cursor.execute(sql["lock"])
    row = cursor.fetchone()
    if row is None:  # first append of a fresh database; the row is created once, then locked
        LogHead.objects.get_or_create(pk=1)
        cursor.execute(sql["lock"])
        row = cursor.fetchone()
    size, raw = row
    return int(size), json.loads(raw) if isinstance(raw, (str, bytes)) else raw


def body_of(
    *,
    seq: int,
    stream: str,
    stream_seq: int,
    case_number: str | None,
    kind: str,
    step: str,
    actor: str | None,
    agency: str | None,
    at,
    corrects: int | None,
    payload: dict[str, Any],
    prev: str,
) -> str:
    """The canonical body of an entry (docs/record-format.md) — also used by records.bulk."""
    return canonical.dumps(
        {
            "v": FORMAT_VERSION,
            "seq": seq,
            "stream": stream,
            "stream_seq": stream_seq,
            "case": case_number,
            "kind": kind,
            "step": step,
            "actor": actor,
            "agency": agency,
            "at": at,
            "corrects": corrects,
            "payload": payload,
            "prev": prev,
        }
    )


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
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("records.append() must run inside the transaction of the change it records")
    if not isinstance(payload, dict):
        raise TypeError("payload must be a dict")
    stream = stream or case_stream(case)
    agency = agency or (case.agency if case is not None else getattr(actor, "agency", None))
    at = clock.now()
    stamp = conn.ops.adapt_datetimefield_value(at)
    sql = _STATEMENTS[conn.vendor]
    # The driver's own cursor: this runs for every change and read of the platform, and Django's
    # cursor wrapper costs more than the statements themselves (docs/performance.md).
    with conn.wrap_database_errors, closing(conn.connection.cursor()) as cursor:
        size, raw_frontier = _lock_head(cursor, sql)
        cursor.execute(sql["tail"], [stream])
        last = cursor.fetchone()
        stream_seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        seq = size + 1
        body = body_of(
            seq=seq,
            stream=stream,
            stream_seq=stream_seq,
            case_number=case.number if case is not None else None,
            kind=kind,
            step=step or "",
            actor=actor.username if actor is not None else None,
            agency=agency.code if agency is not None else None,
            at=at,
            corrects=corrects.seq if corrects is not None else None,
            payload=payload,
            prev=prev_hash,
        )
        leaf = merkle.leaf_hash(body.encode("utf-8"))
        cursor.execute(
            sql["insert"],
            [
                seq,
                stream,
                stream_seq,
                case.pk if case is not None else None,
                kind,
                step or "",
                actor.pk if actor is not None else None,
                agency.pk if agency is not None else None,
                stamp,
                corrects.pk if corrects is not None else None,
                body,
                prev_hash,
                leaf.hex(),
            ],
        )
        entry_id = cursor.fetchone()[0]
        frontier, made = merkle.push(merkle.decode_frontier(raw_frontier), leaf)
        for height, digest in made:
            if height % merkle.STRIDE == 0:
                cursor.execute(sql["node"], [height, (seq - 1) >> height, digest.hex()])
        cursor.execute(sql["head"], [seq, _frontier_param(conn, merkle.encode_frontier(frontier)), stamp])
    entry = Entry(
        id=entry_id,
        seq=seq,
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
        hash=leaf.hex(),
    )
    entry._state.adding = False
    entry._state.db = conn.alias
    return entry


def _frontier_param(conn, value: list) -> Any:
    return LogHead._meta.get_field("frontier").get_db_prep_save(value, conn)


def add_note(case, *, actor, text: str, corrects_seq: int | None = None) -> Entry:
    """记录说明 / 更正 — a note on the case's record; with `corrects_seq` it corrects that entry
    (which stays as it was: the record is append-only, I2)."""
    if not agency_in_scope(actor, case.agency):
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    if not agency_in_scope(actor, case.agency, CHANGE) or not actor.roles & {Role.OFFICER, Role.HEAD}:
        raise Forbidden("records.note.forbidden", _("只有本机关执法人员或负责人可以添加记录说明。"))
    text = (text or "").strip()
    if not text:
        raise InvalidInput("records.note.empty", _("请填写说明内容。"), field="text")
    if len(text) > 5000:
        raise InvalidInput("records.note.too_long", _("说明内容过长。"), field="text")
    corrected = None
    if corrects_seq is not None:
        corrected = Entry.objects.filter(seq=corrects_seq, stream=case_stream(case)).first()
        if corrected is None:
            raise InvalidInput(
                "records.note.corrects_unknown", _("要更正的记录条目不属于本案。"), field="corrects"
            )
    with transaction.atomic():
        locked = type(case).objects.select_for_update().get(pk=case.pk)
        return append(
            kind="note.correction" if corrected is not None else "note",
            case=locked,
            actor=actor,
            step=str(locked.step),
            corrects=corrected,
            payload={"text": text},
        )
