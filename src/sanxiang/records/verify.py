"""`sanxiang verify`: check the whole record (DESIGN.md I2; issue 3, point 9).

One pass over the entries in sequence order checks, for each entry:

* its sequence number follows the previous one (a deleted entry leaves a gap);
* its `hash` is the leaf hash of its body (an edited body no longer matches);
* its stream position and `prev_hash` continue its stream's chain (missing, swapped, reordered);
* the columns queries use (seq, stream, stream_seq, step, prev_hash) say what its body says;

and it feeds the leaf into the Merkle frontier, comparing every stored subtree node and the root
at every signed checkpoint's size (an entry rewritten *with* a recomputed hash and chain still
changes the root the key signed). Then the log head, every checkpoint's signature, the triggers,
and every stored evidence file's SHA-256. The first bad entry and the first bad file are named.

`--since N` starts from signed checkpoint N: its stored frontier is checked against its signed
root, and only later entries (and files stored since) are read. `--deep` also parses each body to
compare the remaining columns (case, kind, actor, agency, time, corrects).

The per-entry loop is plain Python over raw rows on purpose: it is the throughput-critical path
(bench/bench_records.py, docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

from sanxiang.records import checkpoints, conf, merkle
from sanxiang.records.maintenance import missing_triggers
from sanxiang.records.models import GENESIS, Blob, Checkpoint, Evidence, LogHead

CHUNK = 50_000


@dataclass
class Problem:
    what: str  # entry | file | checkpoint | log | triggers
    message: str
    seq: int | None = None
    case: str | None = None
    stream: str | None = None
    stream_seq: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.seq is not None:
            where = f"entry #{self.seq}"
            if self.case or self.stream:
                where += f" (case {self.case or '—'}, {self.stream} no. {self.stream_seq})"
            where += ": "
        return f"{where}{self.message}"


@dataclass
class Report:
    entries: int = 0
    streams: int = 0
    checkpoints: int = 0
    files: int = 0
    bytes: int = 0
    started_at: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self, what: str) -> Problem | None:
        return next((p for p in self.problems if p.what == what), None)


class _Stop(Exception):
    pass


def _case_of(stream: str) -> str | None:
    return stream.split(":", 1)[1] if stream.startswith(("case:", "access:")) else None


def verify(
    *,
    since: int | None = None,
    files: bool = True,
    deep: bool = False,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Report:
    report = Report()
    missing = missing_triggers(connection)
    if missing:
        report.problems.append(Problem("triggers", f"append-only triggers missing: {', '.join(missing)}"))
    points = _check_checkpoints(report)
    start = None
    if since is not None:
        start = next((c for c in points if c.number == since), None)
        if start is None:
            report.problems.append(Problem("checkpoint", f"no checkpoint #{since} to start from"))
            return report
    _scan(report, points, start, deep=deep, chunk=chunk, progress=progress)
    if files:
        _check_files(report, since_size=start.size if start else None)
    _check_evidence_rows(report, start)
    return report


def _check_checkpoints(report: Report) -> list[Checkpoint]:
    points = list(Checkpoint.objects.order_by("number"))
    report.checkpoints = len(points)
    previous = None
    for point in points:
        try:
            parsed = checkpoints.verify_note(point.note)
        except ValueError as error:
            report.problems.append(Problem("checkpoint", f"checkpoint #{point.number}: {error}"))
            continue
        if parsed.size != point.size or parsed.root.hex() != point.root:
            report.problems.append(
                Problem("checkpoint", f"checkpoint #{point.number}: columns differ from the signed note")
            )
        if previous is not None and (point.number != previous.number + 1 or point.size < previous.size):
            report.problems.append(
                Problem("checkpoint", f"checkpoint #{point.number}: does not follow #{previous.number}")
            )
        previous = point
    if not points:
        report.notes.append("no signed checkpoint yet: run `sanxiang tick` or `sanxiang manage checkpoint`")
    return points


def _tail(prev: str, seq: int, step: str, stream_json: str, stream_seq: int) -> str:
    return (
        f'"prev":"{prev}","seq":{seq},"step":"{step}","stream":{stream_json},'
        f'"stream_seq":{stream_seq},"v":1}}'
    )


def _scan(report, points, start, *, deep, chunk, progress) -> None:
    roots = {p.size: p for p in points}
    if start is not None:
        frontier = merkle.decode_frontier(start.frontier)
        if merkle.size_of(frontier) != start.size or merkle.root(frontier).hex() != start.root:
            report.problems.append(
                Problem(
                    "checkpoint", f"checkpoint #{start.number}: stored frontier does not give its signed root"
                )
            )
            return
        last_seq = start.size
    else:
        frontier, last_seq = [], 0
    report.started_at = last_seq
    signed_before = last_seq
    tails: dict[str, tuple[int, str]] = {}
    stream_json: dict[str, str] = {}
    sha256 = hashlib.sha256
    node = merkle.node_hash
    stride = merkle.STRIDE
    deep_maps = _deep_maps() if deep else None
    count = 0
    try:
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT seq, stream, stream_seq, body, prev_hash, hash, step FROM records_entry"
                    " WHERE seq > %s ORDER BY seq LIMIT %s",
                    [last_seq, chunk],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                nodes = _stored_nodes(cursor, last_seq, rows[-1][0])
                for seq, stream, stream_seq, body, prev, stored_hash, step in rows:
                    if seq != last_seq + 1:
                        raise _Fail(
                            Problem(
                                "entry", f"entry #{last_seq + 1} is missing (next is #{seq})", last_seq + 1
                            )
                        )
                    leaf = sha256(b"\x00" + body.encode()).digest()
                    if leaf.hex() != stored_hash:
                        raise _Fail(
                            _entry(seq, stream, stream_seq, "body does not match its hash (entry altered)")
                        )
                    tail = tails.get(stream)
                    if tail is None:
                        tail = _tail_before(cursor, stream, stream_seq, start)
                        js = stream_json[stream] = json.dumps(stream, ensure_ascii=False)
                    else:
                        js = stream_json[stream]
                    if stream_seq != tail[0] + 1:
                        raise _Fail(
                            _entry(
                                seq,
                                stream,
                                stream_seq,
                                f"expected no. {tail[0] + 1} of its stream (entry missing or reordered)",
                            )
                        )
                    if prev != tail[1]:
                        raise _Fail(
                            _entry(
                                seq,
                                stream,
                                stream_seq,
                                "prev_hash is not the hash of the entry before it (chain broken)",
                            )
                        )
                    if not body.endswith(_tail(prev, seq, step, js, stream_seq)):
                        raise _Fail(
                            _entry(
                                seq, stream, stream_seq, "columns differ from the hashed body (row altered)"
                            )
                        )
                    if deep_maps is not None:
                        _deep_check(seq, stream, stream_seq, body, deep_maps)
                    tails[stream] = (stream_seq, stored_hash)
                    # Merkle frontier, merged in place
                    height, acc = 0, leaf
                    while frontier and frontier[-1][0] == height:
                        acc = node(frontier.pop()[1], acc)
                        height += 1
                        if height % stride == 0:
                            stored = nodes.get((height, (seq - 1) >> height))
                            if stored != acc.hex():
                                raise _Fail(_node_problem(stored, height, seq))
                    frontier.append((height, acc))
                    last_seq = seq
                    if seq in roots:
                        _check_root(report, roots[seq], frontier, seq, stream, stream_seq, signed_before)
                        signed_before = seq
                count += len(rows)
                if progress:
                    progress(count)
    except _Fail as failed:
        report.problems.append(failed.problem)
        report.entries = count
        return
    report.entries = count
    report.streams = len(tails)
    _check_head(report, last_seq, frontier, points)


class _Fail(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _node_problem(stored: str | None, height: int, seq: int) -> Problem:
    first = seq - (1 << height) + 1
    if stored is None:
        message = f"stored Merkle node over entries #{first}–#{seq} is missing: proofs would not verify"
    else:
        message = (
            f"entries #{first}–#{seq} hash to a different subtree than was stored when they were appended: "
            "one of them was rewritten with a recomputed hash"
        )
    return Problem("log", message, seq)


def _entry(seq: int, stream: str, stream_seq: int, message: str) -> Problem:
    return Problem("entry", message, seq, _case_of(stream), stream, stream_seq)


def _tail_before(cursor, stream: str, stream_seq: int, start) -> tuple[int, str]:
    if start is None or stream_seq == 1:
        return 0, GENESIS
    cursor.execute(
        "SELECT stream_seq, hash FROM records_entry WHERE stream = %s AND stream_seq = %s AND seq <= %s",
        [stream, stream_seq - 1, start.size],
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def _stored_nodes(cursor, after: int, last: int) -> dict[tuple[int, int], str]:
    """Stored nodes completed by leaves after..last (1-based seq), keyed (height, index)."""
    clauses, params = [], []
    height = merkle.STRIDE
    while (1 << height) <= last:
        lo, hi = after >> height, (last >> height) - 1
        if hi >= lo:
            clauses.append('(height = %s AND "index" BETWEEN %s AND %s)')
            params += [height, lo, hi]
        height += merkle.STRIDE
    if not clauses:
        return {}
    where = " OR ".join(clauses)  # placeholders only; values go in params
    cursor.execute(f'SELECT height, "index", hash FROM records_node WHERE {where}', params)  # noqa: S608
    return {(h, i): d for h, i, d in cursor.fetchall()}


def _check_root(report, point, frontier, seq, stream, stream_seq, previous_size) -> None:
    if merkle.root(frontier).hex() != point.root:
        raise _Fail(
            Problem(
                "log",
                f"the log's root at size {point.size} differs from signed checkpoint #{point.number}: "
                f"one of entries #{previous_size + 1}–#{seq} was rewritten with a recomputed hash",
            )
        )


def _check_head(report, last_seq, frontier, points) -> None:
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    if size != last_seq:
        report.problems.append(
            Problem("log", f"log head says {size} entries, {last_seq} found (entries removed)")
        )
    elif head is not None and merkle.decode_frontier(head.frontier) != frontier:
        report.problems.append(Problem("log", "log head frontier differs from the entries"))
    if points and points[-1].size > last_seq:
        report.problems.append(
            Problem(
                "log",
                f"checkpoint #{points[-1].number} signed {points[-1].size} entries, only {last_seq} remain "
                "(entries removed at the end)",
                last_seq + 1,
            )
        )


def _check_files(report: Report, since_size: int | None) -> None:
    storage = conf.storage()
    blobs = Blob.objects.order_by("pk")
    if since_size is not None:  # the files recorded after the checkpoint
        blobs = blobs.filter(evidence__entry__seq__gt=since_size).distinct()
    for blob in blobs.iterator(chunk_size=2000):
        digest, size = hashlib.sha256(), 0
        try:
            with storage.open(blob.storage_name, "rb") as handle:
                while block := handle.read(1024 * 1024):
                    digest.update(block)
                    size += len(block)
        except (FileNotFoundError, OSError):
            report.problems.append(Problem("file", f"{_file_name(blob)}: stored file is missing"))
            continue
        report.files += 1
        report.bytes += size
        if digest.hexdigest() != blob.sha256 or size != blob.size:
            report.problems.append(
                Problem("file", f"{_file_name(blob)}: content no longer has its SHA-256 (file altered)")
            )


def _file_name(blob: Blob) -> str:
    items = [
        f"{e.case.number} “{e.title}”" for e in Evidence.objects.filter(blob=blob).select_related("case")[:3]
    ]
    return f"file {blob.storage_name} (sha256 {blob.sha256[:16]}…{', ' + ', '.join(items) if items else ''})"


def _check_evidence_rows(report: Report, start) -> None:
    """Each evidence row says what its entry recorded (file hash, case)."""
    rows = Evidence.objects.select_related("entry", "blob", "case")
    if start is not None:
        rows = rows.filter(entry__seq__gt=start.size)
    for item in rows.iterator(chunk_size=2000):
        body = json.loads(item.entry.body)
        if (
            item.entry.kind != "evidence.added"
            or body["payload"].get("sha256") != item.blob.sha256
            or body.get("case") != item.case.number
        ):
            report.problems.append(
                Problem(
                    "file",
                    f"evidence “{item.title}” of {item.case.number}: "
                    f"row differs from its entry #{item.entry.seq}",
                )
            )
            return


def _deep_maps() -> dict[str, dict]:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Agency, User

    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, case_id, kind, actor_id, agency_id, at, corrects_id FROM records_entry")
        columns = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT id, seq FROM records_entry WHERE id IN (SELECT corrects_id FROM records_entry)"
        )
        corrected = dict(cursor.fetchall())
    return {
        "columns": columns,
        "cases": dict(Case.objects.values_list("pk", "number")),
        "users": dict(User.objects.values_list("pk", "username")),
        "agencies": dict(Agency.objects.values_list("pk", "code")),
        "corrected": corrected,
    }


def _deep_check(seq, stream, stream_seq, body, maps) -> None:
    from django.utils.dateparse import parse_datetime

    data = json.loads(body)
    case_id, kind, actor_id, agency_id, at, corrects_id = maps["columns"][seq]
    if isinstance(at, str):
        at = parse_datetime(at)
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    expected = {
        "case": maps["cases"].get(case_id),
        "kind": kind,
        "actor": maps["users"].get(actor_id),
        "agency": maps["agencies"].get(agency_id),
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if at else None,
        "corrects": maps["corrected"].get(corrects_id),
    }
    for key, value in expected.items():
        if data.get(key) != value:
            raise _Fail(
                _entry(seq, stream, stream_seq, f"column {key!r} differs from the hashed body (row altered)")
            )
