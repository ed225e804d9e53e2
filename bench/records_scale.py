"""The record at province scale: build N valid entries (default 10⁷) and verify them all.

    PYTHONPATH=src:. python -m bench.records_scale                  # 10⁷ entries, SQLite
    RECORDS_SCALE_N=1000000 PYTHONPATH=src:. python -m bench.records_scale postgres

Not part of `make bench` (a 10⁷ run takes the better part of an hour on the project's VM). Entries
are built by `records.bulk.bulk_append` — the same canonical bodies, chains and stored Merkle
nodes as `services.append` one by one — ten per case stream, so the log holds 10⁶ case streams at
10⁷ entries. Then a signed checkpoint, and `sanxiang verify`'s entry pass as the command runs it
(two workers) and in one process, for its CPU cost. Prints figures, the database's size on disk
and the peak memory of the verifying process.
"""

from __future__ import annotations

import os
import resource
import sys
import time

from bench import harness
from bench.bench_records import _payload
from bench.figures import Figure

ENTRIES_PER_CASE = 10
CHUNK = 500_000


def _specs(start: int, stop: int):
    from sanxiang.records.bulk import Spec

    for i in range(start, stop):
        yield Spec(
            stream=f"case:SCALE-{i // ENTRIES_PER_CASE:08d}",
            kind="case.transition",
            payload=_payload(i),
            step="investigation",
        )


def _database_bytes(engine: str) -> int:
    from django.db import connection

    if engine == "sqlite":
        name = connection.settings_dict["NAME"]
        return sum(os.path.getsize(p) for p in (name, f"{name}-wal") if os.path.exists(p))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(engine: str, full: bool) -> list[Figure]:
    from sanxiang.records.bulk import bulk_append
    from sanxiang.records.checkpoints import make_checkpoint
    from sanxiang.records.verify import verify

    n = int(os.environ.get("RECORDS_SCALE_N", 10_000_000))
    started = time.perf_counter()
    for start in range(0, n, CHUNK):
        bulk_append(_specs(start, min(n, start + CHUNK)))
        done = min(n, start + CHUNK)
        rate = done / (time.perf_counter() - started)
        print(
            f"# built {done:,} entries, {rate:,.0f}/s, load {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
            flush=True,
        )
    make_checkpoint()
    built = time.perf_counter() - started
    size = _database_bytes(engine)

    wall, cpu, child_cpu = time.perf_counter(), time.process_time(), _children_cpu()
    report = verify(files=False)  # as `sanxiang verify` runs it: two workers past 200 000 entries
    elapsed = time.perf_counter() - wall
    verify_cpu = time.process_time() - cpu + _children_cpu() - child_cpu
    assert report.ok and report.entries == n, report.problems

    wall, cpu = time.perf_counter(), time.process_time()
    report = verify(files=False, jobs=1)
    single, single_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert report.ok and report.entries == n, report.problems
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    return [
        Figure(f"records_scale.entries.{engine}", n, "entries"),
        Figure(f"records_scale.build_per_s.{engine}", n / built, "entries/s"),
        Figure(f"records_scale.build_seconds.{engine}", built, "s"),
        Figure(f"records_scale.database_gib.{engine}", size / 2**30, "GiB"),
        Figure(f"records_scale.verify_seconds.{engine}", elapsed, "s"),
        Figure(f"records_scale.verify_cpu_seconds.{engine}", verify_cpu, "cpu-s"),
        Figure(f"records_scale.verify_1proc_seconds.{engine}", single, "s"),
        Figure(f"records_scale.verify_1proc_cpu_seconds.{engine}", single_cpu, "cpu-s"),
        Figure(f"records_scale.verify_per_s.{engine}", n / elapsed, "entries/s"),
        Figure(f"records_scale.peak_rss_mib.{engine}", peak_mib, "MiB"),
        Figure(f"records_scale.load_average_after.{engine}", load, "load"),
    ]


if __name__ == "__main__":
    engine = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    for figure in harness.in_subprocess("bench.records_scale", engine, full=True, live_stderr=True):
        print(figure.line())
