"""Historical-case import at province scale, measured rather than extrapolated (issue 8 goal:
10⁶ cases imported in under 10 minutes on this machine).

    PYTHONPATH=src:. python -m bench.import_scale [sqlite|postgres]        # IMPORT_ROWS=10⁶ by default
    IMPORT_ROWS=200000 PYTHONPATH=src:. python -m bench.import_scale postgres
    IMPORT_ROWS=5000 IMPORT_PROFILE=1 PYTHONPATH=src:. python -m bench.import_scale   # cProfile top 30

Not part of `make bench` (10⁶ rows take minutes). A fresh database per run (bench.harness), the
same generated CSV as bench/bench_exchange.py (two thirds organisations, one third persons with
valid ID numbers, 700 distinct parties), imported by `run_import("cases", …)` exactly as the CLI
does it: reading, validation of every row, then the all-or-nothing commit with its record entries.
Then the counts are checked and `sanxiang verify`'s entry pass runs over the record the import
wrote. Prints cases/s, total seconds, CPU seconds, peak memory and the load average.
"""

from __future__ import annotations

import os
import resource
import sys
import time

from bench import harness
from bench.figures import Figure


def _profiled(fn):
    import cProfile
    import pstats

    profile = cProfile.Profile(time.process_time)  # CPU: the machine is shared
    result = profile.runcall(fn)
    stats = pstats.Stats(profile, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(30)
    return result


def measure(engine: str, full: bool) -> list[Figure]:
    from bench.bench_exchange import _case_csv
    from sanxiang.cases.models import Case, CaseEvent
    from sanxiang.core.roles import Role
    from sanxiang.exchange.importers import run_import
    from sanxiang.records.verify import verify
    from tests.factories import World, staff

    n = int(os.environ.get("IMPORT_ROWS", 1_000_000))
    world = World()
    boss = staff(world.agency, Role.ADMIN, certified=False)
    data = _case_csv(world, n)
    print(f"# {n:,} rows, {len(data) / 2**20:.0f} MiB of CSV, load {os.getloadavg()}", file=sys.stderr)

    def once():
        return run_import("cases", data, filename="scale.csv", actor=boss)

    wall, cpu = time.perf_counter(), time.process_time()
    result = _profiled(once) if os.environ.get("IMPORT_PROFILE") else once()
    elapsed, cpu_used = time.perf_counter() - wall, time.process_time() - cpu
    load = os.getloadavg()
    assert result.status == "committed", result.errors[:3]
    assert Case.objects.count() == n and CaseEvent.objects.count() == n
    print(f"# imported in {elapsed:.1f} s, load {load}; verifying the record", file=sys.stderr, flush=True)
    report = verify(files=False)
    assert report.ok, report.problems[:3]
    return [
        Figure(f"import_scale.rows.{engine}", n, "cases"),
        Figure(f"import_scale.cases_per_s.{engine}", n / elapsed, "cases/s"),
        Figure(f"import_scale.seconds.{engine}", elapsed, "s"),
        Figure(f"import_scale.cpu_seconds.{engine}", cpu_used, "cpu-s"),
        Figure(f"import_scale.minutes_for_1e6.{engine}", 1_000_000 / (n / elapsed) / 60, "min"),
        Figure(
            f"import_scale.peak_rss_mib.{engine}",
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "MiB",
        ),
        Figure(f"import_scale.load_average_1min_after.{engine}", load[0], "load"),
        Figure(f"import_scale.record_entries_verified.{engine}", report.entries, "entries"),
    ]


if __name__ == "__main__":
    engine = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    for figure in harness.in_subprocess("bench.import_scale", engine, full=True, live_stderr=True):
        print(figure.line(), flush=True)
