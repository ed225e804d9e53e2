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

import binascii
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field

from django.db import connection

from sanxiang.records import checkpoints, conf, merkle
from sanxiang.records.maintenance import missing_triggers
from sanxiang.records.models import GENESIS, Blob, Checkpoint, Evidence, LogHead


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


def _case_of(stream: str) -> str | None:
    return stream.split(":", 1)[1] if stream.startswith(("case:", "access:")) else None


def verify(
    *,
    since: int | None = None,
    files: bool = True,
    deep: bool = False,
    jobs: int | None = None,
    chunk_height: int = 16,
) -> Report:
    """`jobs` worker processes scan chunks of 2^chunk_height entries (default: up to 2 when the
    log has over 200 000 entries; 1 otherwise)."""
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
    if jobs is None:
        head = LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0
        jobs = min(2, os.cpu_count() or 1) if head - (start.size if start else 0) > 200_000 else 1
    _scan(report, points, start, deep=deep, jobs=jobs, chunk_height=chunk_height)
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


# --- the entry pass ------------------------------------------------------------------------------
#
# The log is cut into aligned chunks of 2^CHUNK_HEIGHT entries. Each chunk is scanned on its own
# (`scan_range`) — in this process, or in worker processes with `jobs` > 1 — giving its local
# Merkle frontier, the first and last entry of every stream it touches, and its first problem.
# Because chunks are aligned, a chunk's local frontier is exactly the part of the global frontier
# its leaves form, so `_merge` can fold chunks in order, link each stream across chunk borders and
# check the roots at checkpoint sizes as if the log had been read in one pass.


@dataclass
class RangeResult:
    lo: int
    count: int = 0
    problem: Problem | None = None
    streams: dict[bytes, tuple[int, bytes, int, bytes]] = field(default_factory=dict)
    frontier: list[tuple[int, bytes]] = field(default_factory=list)
    snapshots: dict[int, list[tuple[int, bytes]]] = field(default_factory=dict)


def _select(vendor: str) -> str:
    # Bytes straight from the database: no UTF-8 decode and re-encode per entry.
    if vendor == "postgresql":
        cols = (
            "seq, convert_to(stream, 'UTF8'), stream_seq, convert_to(body, 'UTF8'),"
            " convert_to(prev_hash, 'UTF8'), convert_to(hash, 'UTF8'), convert_to(step, 'UTF8')"
        )
    else:
        cols = (
            "seq, CAST(stream AS BLOB), stream_seq, CAST(body AS BLOB), CAST(prev_hash AS BLOB),"
            " CAST(hash AS BLOB), CAST(step AS BLOB)"
        )
    return f"SELECT {cols} FROM records_entry WHERE seq >= %s AND seq <= %s ORDER BY seq"  # noqa: S608


def scan_range(
    lo: int, hi: int, sizes: frozenset[int] = frozenset(), deep: bool = False, frontier: list | None = None
) -> RangeResult:
    """Check entries lo..hi (sequence numbers). `frontier` is the Merkle frontier before `lo` when
    known; otherwise `lo - 1` must be a multiple of the chunk size the caller merges by."""
    result = RangeResult(lo)
    frontier = list(frontier or [])
    streams = result.streams
    stream_json: dict[bytes, bytes] = {}
    sha256, hexlify, stride = hashlib.sha256, binascii.hexlify, merkle.STRIDE
    deep_maps = _deep_maps(lo, hi) if deep else None
    expected = lo
    with connection.cursor() as cursor:
        nodes = _stored_nodes(cursor, lo - 1, hi)
        cursor.execute(_select(connection.vendor), [lo, hi])
        try:
            while rows := cursor.fetchmany(20_000):
                for seq, stream, stream_seq, body, prev, stored_hash, step in rows:
                    if seq != expected:
                        raise _Fail(
                            Problem("entry", f"entry #{expected} is missing (next is #{seq})", expected)
                        )
                    body, stream, prev, stored_hash, step = (
                        (bytes(body), bytes(stream), bytes(prev), bytes(stored_hash), bytes(step))
                        if not isinstance(body, bytes)
                        else (body, stream, prev, stored_hash, step)
                    )
                    leaf = sha256(b"\x00" + body).digest()
                    if hexlify(leaf) != stored_hash:
                        raise _Fail(
                            _entry(seq, stream, stream_seq, "body does not match its hash (entry altered)")
                        )
                    known = streams.get(stream)
                    if known is None:
                        streams[stream] = (stream_seq, prev, stream_seq, stored_hash)
                        js = stream_json[stream] = json.dumps(stream.decode(), ensure_ascii=False).encode()
                    else:
                        if stream_seq != known[2] + 1:
                            raise _Fail(
                                _entry(
                                    seq,
                                    stream,
                                    stream_seq,
                                    f"expected no. {known[2] + 1} of its stream (entry missing or reordered)",
                                )
                            )
                        if prev != known[3]:
                            raise _Fail(
                                _entry(
                                    seq,
                                    stream,
                                    stream_seq,
                                    "prev_hash is not the hash of the entry before it (chain broken)",
                                )
                            )
                        streams[stream] = (known[0], known[1], stream_seq, stored_hash)
                        js = stream_json[stream]
                    if not body.endswith(
                        b'"prev":"%s","seq":%d,"step":"%s","stream":%s,"stream_seq":%d,"v":1}'
                        % (prev, seq, step, js, stream_seq)
                    ):
                        raise _Fail(
                            _entry(
                                seq, stream, stream_seq, "columns differ from the hashed body (row altered)"
                            )
                        )
                    if deep_maps is not None:
                        _deep_check(seq, stream, stream_seq, body, deep_maps)
                    height, acc = 0, leaf
                    while frontier and frontier[-1][0] == height:
                        acc = sha256(b"\x01" + frontier.pop()[1] + acc).digest()
                        height += 1
                        if height % stride == 0:
                            stored = nodes.get((height, (seq - 1) >> height))
                            if stored != acc.hex():
                                raise _Fail(_node_problem(stored, height, seq))
                    frontier.append((height, acc))
                    if seq in sizes:
                        result.snapshots[seq] = list(frontier)
                    expected = seq + 1
        except _Fail as failed:
            result.problem = failed.problem
    result.count = expected - lo
    if result.problem is None and expected <= hi:
        result.problem = Problem("entry", f"entry #{expected} is missing", expected)
        result.count = expected - lo
    result.frontier = frontier
    return result


def _scan(report, points, start, *, deep, jobs, chunk_height) -> None:
    roots = {p.size: p for p in points}
    head = LogHead.objects.filter(pk=1).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM records_entry")
        last = max(cursor.fetchone()[0] or 0, head.size if head else 0)
    seed: list[tuple[int, bytes]] = []
    first = 1
    if start is not None:
        seed = merkle.decode_frontier(start.frontier)
        if merkle.size_of(seed) != start.size or merkle.root(seed).hex() != start.root:
            report.problems.append(
                Problem(
                    "checkpoint", f"checkpoint #{start.number}: stored frontier does not give its signed root"
                )
            )
            return
        first = start.size + 1
    report.started_at = first - 1
    size = 1 << chunk_height
    aligned = min(last + 1, ((first - 1 + size - 1) // size) * size + 1)
    results: list[RangeResult] = []
    head_segment = aligned > first  # after a --since checkpoint: scanned here, seeded with its frontier
    if head_segment:
        results.append(scan_range(first, aligned - 1, frozenset(roots), deep, seed))
    ranges = [
        (lo, hi, frozenset(s for s in roots if lo <= s <= hi), deep)
        for lo, hi in ((a, min(a + size - 1, last)) for a in range(aligned, last + 1, size))
    ]
    if jobs > 1 and len(ranges) > 1:
        results += _parallel(ranges, jobs)
    else:
        results += [scan_range(*args) for args in ranges]
    _merge(report, results, roots, points, start, seed, head_segment, chunk_height)


def _parallel(ranges, jobs: int) -> list[RangeResult]:
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each worker opens its own connection
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.starmap(scan_range, ranges, chunksize=1)


def _merge(report, results, roots, points, start, seed, head_segment, chunk_height) -> None:
    """Fold the ranges in order: link streams across borders, the Merkle frontier, signed roots."""
    frontier = [] if head_segment else list(seed)
    tails: dict[bytes, tuple[int, bytes]] = {}
    count, signed_before = 0, report.started_at
    upper_nodes = None
    for index, result in enumerate(results):
        is_head = head_segment and index == 0
        candidates = [result.problem] if result.problem else []
        for stream, (first_no, first_prev, last_no, last_hash) in result.streams.items():
            known = tails.get(stream)
            if known is None:
                known = _tail_before_bytes(stream, first_no, start)
            if first_no != known[0] + 1 or first_prev != known[1]:
                what = (
                    f"expected no. {known[0] + 1} of its stream (entry missing or reordered)"
                    if first_no != known[0] + 1
                    else "prev_hash is not the hash of the entry before it (chain broken)"
                )
                candidates.append(_entry(_seq_of(stream, first_no), stream, first_no, what))
            tails[stream] = (last_no, last_hash)
        base = [] if is_head else list(frontier)
        for size_at, snapshot in sorted(result.snapshots.items()):
            point = roots[size_at]
            if merkle.root(base + snapshot).hex() != point.root:
                candidates.append(
                    Problem(
                        "log",
                        f"the log's root at size {point.size} differs from signed checkpoint "
                        f"#{point.number}: one of entries #{signed_before + 1}–#{size_at} "
                        "was rewritten with a recomputed hash",
                        size_at,
                    )
                )
                break
            signed_before = size_at
        count += result.count
        if candidates:
            report.problems.append(min(candidates, key=lambda p: p.seq or 0))
            report.entries = count
            return
        if is_head:
            frontier = result.frontier
            continue
        for height, digest in result.frontier:
            frontier, made = _push_subtree(frontier, height, digest)
            for h, d in made:
                if h % merkle.STRIDE == 0 and h > chunk_height:
                    upper_nodes = _all_upper_nodes(chunk_height) if upper_nodes is None else upper_nodes
                    end = merkle.size_of(frontier)
                    stored = upper_nodes.get((h, (end - 1) >> h))
                    if stored != d.hex():
                        report.problems.append(_node_problem(stored, h, end))
                        report.entries = count
                        return
    report.entries = count
    report.streams = len(tails)
    _check_head(report, report.started_at + count, frontier, points)


def _push_subtree(frontier, height: int, digest: bytes):
    frontier = [*frontier, (height, digest)]
    made = []
    while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
        (h, left), (_, right) = frontier[-2], frontier[-1]
        frontier[-2:] = [(h + 1, merkle.node_hash(left, right))]
        made.append(frontier[-1])
    return frontier, made


def _all_upper_nodes(chunk_height: int) -> dict[tuple[int, int], str]:
    from sanxiang.records.models import Node

    rows = Node.objects.filter(height__gt=chunk_height).values_list("height", "index", "hash")
    return {(h, i): d for h, i, d in rows}


def _seq_of(stream: bytes, stream_seq: int) -> int | None:
    from sanxiang.records.models import Entry

    return (
        Entry.objects.filter(stream=stream.decode(), stream_seq=stream_seq)
        .values_list("seq", flat=True)
        .first()
    )


def _tail_before_bytes(stream: bytes, stream_seq: int, start) -> tuple[int, bytes]:
    if stream_seq == 1 or start is None:
        return 0, GENESIS.encode()
    with connection.cursor() as cursor:
        found = _tail_before(cursor, stream.decode(), stream_seq, start)
    return found[0], found[1].encode()


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


def _entry(seq: int | None, stream: str | bytes, stream_seq: int, message: str) -> Problem:
    stream = stream.decode() if isinstance(stream, bytes) else stream
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


def _deep_maps(lo: int, hi: int) -> dict[str, dict]:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Agency, User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, case_id, kind, actor_id, agency_id, at, corrects_id FROM records_entry"
            " WHERE seq >= %s AND seq <= %s",
            [lo, hi],
        )
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
