"""The supervisor dashboard at scale (issue 7: each page < 500 ms at 10^6 cases).

    PYTHONPATH=src:. /work/venv/bin/python -m bench.dashboard_scale          # quick: 50,000 cases
    FULL=1 PYTHONPATH=src:. /work/venv/bin/python -m bench.dashboard_scale   # 10^6 cases
    DASHBOARD_BENCH_CASES=200000 DASHBOARD_BENCH_ENGINES=sqlite …             # any size / engine

Each engine runs in a fresh database (bench.harness): a small demo (size 0.05) for the reference
data and the `supervisor` account (the city justice bureau, whose scope is the whole city), then N
bare cases inserted in bulk — copies of the demo cases' columns with new numbers and dates spread
over three years (closed ones keep a closing date). Only `cases_case` grows: deadlines, reviews,
publications and AV acts stay at demo size, so the figures isolate what scales with the number of
cases (KPIs, cases by procedure and stage, new/closed per week, drill-down lists).

Figures (median of 3 after a warm-up, full requests through view and template):
* `<page>_ms` with the indexes of the schema, ratio against the 500 ms budget;
* `<page>_noidx_ms` with `case_agency_closed_idx` (cases (agency, closed_on), migration
  cases 0004) dropped, ratio against the same page with it — what the index buys;
* the bulk insert rate.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time

from bench import harness
from bench.figures import Figure

PAGES = (
    ("dashboard_month", "/supervision/dashboard/?period=month"),
    ("dashboard_year", "/supervision/dashboard/?period=year"),
    ("dashboard_rolling12", "/supervision/dashboard/?period=rolling12"),
    ("drill_closed_year", "/supervision/dashboard/cases/?chart=kpi&key=closed&period=year"),
)
INDEX = "case_agency_closed_idx"


def run(full: bool) -> list[Figure]:
    engines = tuple(os.environ.get("DASHBOARD_BENCH_ENGINES", "sqlite,postgres").split(","))
    return harness.each_database("bench.dashboard_scale", full, engines=engines)


def _bulk_cases(n: int, batch: int = 5000) -> float:
    """Insert `n` bare copies of the demo cases; returns cases per second."""
    from django.db import connection, transaction

    from sanxiang.cases.models import Case
    from sanxiang.core import clock

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    templates = list(Case.objects.all().values(*[f.attname for f in fields]))
    rng = random.Random(7)
    now = clock.now()
    table = Case._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    started = time.perf_counter()
    done = 0
    while done < n:
        rows = []
        for i in range(done, min(n, done + batch)):
            row = dict(templates[i % len(templates)])
            opened = now - dt.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 600))
            row.update(number=f"BENCH-{i:08d}", year=opened.year, serial=100_000_000 + i, opened_at=opened)
            if row["closed_on"] is not None:
                row["closed_on"] = min(opened.date() + dt.timedelta(days=rng.randint(1, 120)), now.date())
            rows.append([f.get_db_prep_save(row[f.attname], connection) for f in fields])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += len(rows)
    return n / (time.perf_counter() - started)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(engine: str, full: bool) -> list[Figure]:
    from django.db import connection

    from sanxiang.cases.models import Case
    from sanxiang.demo import loader

    n = int(os.environ.get("DASHBOARD_BENCH_CASES", 1_000_000 if full else 50_000))
    loader.load(stdout=io.StringIO(), size=0.05)
    rate = _bulk_cases(n)
    _analyze()
    total = Case.objects.count()
    client = harness.staff_client("supervisor")

    def page(url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return harness.median_seconds(fetch)

    figures = [
        Figure(f"dashboard.cases.{engine}", total, "cases"),
        Figure(f"dashboard.insert_cases_per_s.{engine}", rate, "cases/s"),
    ]
    with_index = {}
    for name, url in PAGES:
        with_index[name] = page(url) * 1000
        figures.append(Figure(f"dashboard.{name}_ms.{engine}", with_index[name], "ms", "budget_ms", 500))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")
    _analyze()
    for name, url in PAGES:
        figures.append(
            Figure(
                f"dashboard.{name}_noidx_ms.{engine}",
                page(url) * 1000,
                "ms",
                f"{name}_ms (with {INDEX})",
                with_index[name],
            )
        )
    return figures


if __name__ == "__main__":
    for figure in run(full=os.environ.get("FULL") == "1"):
        print(figure.line(), flush=True)
