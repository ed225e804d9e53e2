"""The record's two throughput goals (issue 3), each beside its baseline in the same run:

* append: entries/s through `records.services.append` (chain + Merkle log + stored nodes), one
  transaction per entry, beside raw INSERTs of rows of the same size, one transaction each;
* verify: entries/s through `sanxiang verify`'s entry pass (hash, chain, columns, Merkle frontier,
  stored nodes, signed root) beside plain `hashlib.sha256` over the same bodies already in memory,
  and beside reading those bodies from the database and hashing them.

Quick mode is small; FULL=1 verifies 10⁶ entries (the issue's "< 10 s on this machine").
"""

from __future__ import annotations

import hashlib
import time

from bench import harness
from bench.figures import Figure


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def _payload(i: int) -> dict:
    return {
        "event": i,
        "transition": "inspect",
        "label": "现场检查",
        "data": {
            "officers": ["officer-a", "officer-b"],
            "findings": "现场发现过期食品12件，已拍照固定。" * 3,
        },
    }


def measure_append(engine: str, n: int) -> list[Figure]:
    from django.db import connection, transaction

    from sanxiang.records import services
    from sanxiang.records.models import Entry

    streams = [f"case:BENCH-{i:05d}" for i in range(50)]
    with transaction.atomic():  # warm up: create the head row, compile statements
        services.append(kind="bench", stream="warmup", payload=_payload(0))
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            services.append(
                kind="case.transition", stream=streams[i % 50], payload=_payload(i), step="investigation"
            )
    appended = n / (time.perf_counter() - started)
    sample = (
        Entry.objects.order_by("-seq")
        .values_list("body", "hash", "prev_hash", "stream", "kind", "at")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_raw (id integer primary key, stream varchar(60), body text,"
            " prev_hash varchar(64), hash varchar(64))"
        )
        _create_shaped_table(cursor, connection.vendor)
    raw = _raw_rate(
        n,
        "INSERT INTO bench_raw (id, stream, body, prev_hash, hash) VALUES (%s, %s, %s, %s, %s)",
        lambda i: [i, sample[3], sample[0], sample[2], sample[1]],
    )
    at = connection.ops.adapt_datetimefield_value(sample[5])
    shaped = _raw_rate(
        n,
        "INSERT INTO bench_shaped (id, seq, stream, stream_seq, kind, step, at, body, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        lambda i: [i, i, sample[3], i, sample[4], "investigation", at, sample[0], sample[2], sample[1]],
    )
    return [
        Figure(f"records.append_per_s.{engine}", appended, "entries/s", f"raw_insert_per_s.{engine}", raw),
        Figure(
            f"records.append_per_s.{engine}",
            appended,
            "entries/s",
            f"raw_insert_same_indexes_per_s.{engine}",
            shaped,
        ),
    ]


def _raw_rate(n: int, sql: str, params) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    for i in range(1, n + 1):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params(i))
    return n / (time.perf_counter() - started)


def _create_shaped_table(cursor, vendor: str) -> None:
    """A table like records_entry, with the same indexes, but no triggers and no logic."""
    if vendor == "postgresql":
        cursor.execute("CREATE TABLE bench_shaped (LIKE records_entry INCLUDING DEFAULTS INCLUDING INDEXES)")
        return
    cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'records_entry' AND sql IS NOT NULL")
    for (statement,) in cursor.fetchall():
        if statement.startswith(("CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX")):
            statement = statement.replace('"records_entry"', '"bench_shaped"').replace(
                "records_entry_", "bench_"
            )
            statement = statement.replace('INDEX "entry_', 'INDEX "bench_entry_')
            cursor.execute(statement)


def measure_verify(engine: str, n: int) -> list[Figure]:
    from django.db import connection

    from sanxiang.records.bulk import Spec, bulk_append
    from sanxiang.records.checkpoints import make_checkpoint
    from sanxiang.records.verify import verify

    built = time.perf_counter()
    step = 100_000
    for start in range(0, n, step):
        bulk_append(
            Spec(
                stream=f"case:BENCH-{i % 5000:05d}",
                kind="case.transition",
                payload=_payload(i),
                step="investigation",
            )
            for i in range(start, min(n, start + step))
        )
    n_built, n = n, make_checkpoint().size  # the append benchmark's entries are verified too
    built = time.perf_counter() - built
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM records_entry ORDER BY seq")
        bodies = [row[0].encode() for row in cursor.fetchall()]
    total_bytes = sum(map(len, bodies))
    sha256 = hashlib.sha256
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        sha256(body).digest()
    plain, plain_cpu = n / (time.perf_counter() - wall), n / (time.process_time() - cpu)
    del bodies
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM records_entry ORDER BY seq")
        while rows := cursor.fetchmany(50_000):
            for (body,) in rows:
                sha256(body.encode()).digest()
    read_and_hash, read_and_hash_cpu = n / (time.perf_counter() - wall), n / (time.process_time() - cpu)
    # one process: its CPU time is what verifying costs on this machine, whatever else runs on it
    wall, cpu = time.perf_counter(), time.process_time()
    report = verify(files=False, jobs=1)
    single, single_cpu = n / (time.perf_counter() - wall), n / (time.process_time() - cpu)
    assert report.ok and report.entries == n, report.problems
    wall = time.perf_counter()
    report = verify(files=False)  # as `sanxiang verify` runs it: two workers past 200 000 entries
    elapsed = time.perf_counter() - wall
    assert report.ok and report.entries == n, report.problems
    return [
        Figure(
            f"records.verify_per_s.{engine}",
            n / elapsed,
            "entries/s",
            "hashlib_sha256_in_memory_per_s",
            plain,
        ),
        Figure(
            f"records.verify_per_s.{engine}", n / elapsed, "entries/s", "read_and_hash_per_s", read_and_hash
        ),
        Figure(
            f"records.verify_1proc_per_cpu_s.{engine}",
            single_cpu,
            "entries/cpu-s",
            "hashlib_in_memory_per_cpu_s",
            plain_cpu,
        ),
        Figure(
            f"records.verify_1proc_per_cpu_s.{engine}",
            single_cpu,
            "entries/cpu-s",
            "read_and_hash_per_cpu_s",
            read_and_hash_cpu,
        ),
        Figure(f"records.verify_1proc_per_s.{engine}", single, "entries/s"),
        Figure(f"records.verify_seconds.{engine}.n{n}", elapsed, "s"),
        Figure(f"records.verify_cpu_seconds_1proc.{engine}.n{n}", n / single_cpu, "cpu-s"),
        Figure(f"records.verify_mean_body_bytes.{engine}", total_bytes / n, "bytes"),
        Figure(f"records.bulk_build_per_s.{engine}", n_built / built, "entries/s"),
    ]


def measure(engine: str, full: bool) -> list[Figure]:
    figures = measure_append(engine, 3000 if full else 300)
    figures += measure_verify(engine, 1_000_000 if full else 10_000)
    return figures
