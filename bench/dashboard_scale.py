"""The supervisor dashboard and the scorecard at scale (issue 7: each page < 500 ms at 10^6 cases
on SQLite and PostgreSQL; the annual scorecard of all agencies < 5 s).

    PYTHONPATH=src:. /work/venv/bin/python -m bench.dashboard_scale          # quick: 50,000 cases
    FULL=1 PYTHONPATH=src:. /work/venv/bin/python -m bench.dashboard_scale   # 10^6 cases
    DASHBOARD_BENCH_CASES=200000 DASHBOARD_BENCH_ENGINES=sqlite …             # any size / engine

Each engine runs in a fresh database (bench.harness): a small demo (size 0.05) for the reference
data and the `supervisor` account (the city justice bureau, whose scope is the whole city), then N
bare cases inserted in bulk — copies of the demo cases' columns with new numbers and dates spread
over three years (closed ones keep a closing date) — by COPY on PostgreSQL and executemany batches
of 20,000 on SQLite. Only `cases_case` grows: deadlines, reviews, publications, documents and AV
acts stay at demo size, so the figures isolate what scales with the number of cases.

A bulk insert goes around the services, as an import would: the daily summary is then rebuilt
(`supervision.services.summary.rebuild`, what `sanxiang summary rebuild` runs), timed, and so is
the rebuild of yesterday and today that `sanxiang tick` does.

Figures (median of 3 after a warm-up, full requests through view and template, as `supervisor`):
each page against the 500 ms budget, the annual scorecard of all agencies against 5 s, and with
each the 1-minute load average of the machine (`<name>_load1`, from os.getloadavg()).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import time

from bench import harness
from bench.figures import Figure

PAGES = (
    ("dashboard_month", "/supervision/dashboard/?period=month"),
    ("dashboard_quarter", "/supervision/dashboard/?period=quarter"),
    ("dashboard_year", "/supervision/dashboard/?period=year"),
    ("dashboard_rolling12", "/supervision/dashboard/?period=rolling12"),
    ("drill_opened_year", "/supervision/dashboard/cases/?chart=kpi&key=opened&period=year"),
    ("drill_closed_year", "/supervision/dashboard/cases/?chart=kpi&key=closed&period=year"),
    ("drill_open_now", "/supervision/dashboard/cases/?chart=kpi&key=open&period=year"),
    ("download_weekly_csv", "/supervision/dashboard/data/weekly.csv?period=year"),
    ("download_procedure_csv", "/supervision/dashboard/data/procedure.csv?period=rolling12"),
    ("scorecard_page_year", "/supervision/scorecard/?period=year"),
)
SQLITE_BATCH = 20_000
YEARS = 3


def run(full: bool) -> list[Figure]:
    engines = tuple(os.environ.get("DASHBOARD_BENCH_ENGINES", "sqlite,postgres").split(","))
    return harness.each_database("bench.dashboard_scale", full, engines=engines)


def _load1() -> float:
    return os.getloadavg()[0]


def _copies(n: int):
    """(fields, template values, i, opened_at, closed_on) for `n` copies of the demo cases. The
    templates are read before the first row is asked for: the connection is busy once a COPY runs."""
    from sanxiang.cases.models import Case
    from sanxiang.core import clock

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    templates = list(Case.objects.order_by("pk").values(*[f.attname for f in fields]))
    return _copy_rows(n, fields, templates, clock.now())


def _copy_rows(n: int, fields, templates, now: dt.datetime):
    rng = random.Random(7)
    today = now.date()
    for i in range(n):
        template = templates[i % len(templates)]
        opened = now - dt.timedelta(days=rng.randint(0, YEARS * 365), minutes=rng.randint(0, 600))
        closed = None
        if template["closed_on"] is not None:
            closed = min(opened.date() + dt.timedelta(days=rng.randint(1, 120)), today)
        yield fields, template, i, opened, closed


def _row(template: dict, i: int, opened: dt.datetime, closed) -> dict:
    row = dict(template)
    row.update(
        number=f"BENCH-{i:08d}", year=opened.year, serial=100_000_000 + i, opened_at=opened, closed_on=closed
    )
    return row


def _bulk_cases(n: int) -> float:
    """Insert `n` bare copies of the demo cases around the services; returns cases per second."""
    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _copy_postgres(n)
    else:
        _insert_sqlite(n)
    return n / (time.perf_counter() - started)


def _copy_postgres(n: int) -> None:
    from django.db import connection, transaction

    from sanxiang.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = _copies(n)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: COPY … FROM STDIN
        with raw.copy(f"COPY {Case._meta.db_table} ({columns}) FROM STDIN") as copy:
            for fields_, template, i, opened, closed in rows:
                row = _row(template, i, opened, closed)
                values = []
                for f in fields_:
                    value = row[f.attname]
                    if f.get_internal_type() == "JSONField":
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def _insert_sqlite(n: int) -> None:
    from django.db import connection, transaction

    from sanxiang.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {Case._meta.db_table} ({columns}) VALUES ({marks})"
    prepared: dict[int, list] = {}
    at = {f.attname: k for k, f in enumerate(fields)}
    rows = []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        rows.clear()

    for fields_, template, i, opened, closed in _copies(n):
        key = id(template)
        if key not in prepared:  # the template's columns prepared once, then only five change
            prepared[key] = [f.get_db_prep_save(template[f.attname], connection) for f in fields_]
        row = list(prepared[key])
        row[at["number"]] = f"BENCH-{i:08d}"
        row[at["year"]] = opened.year
        row[at["serial"]] = 100_000_000 + i
        row[at["opened_at"]] = connection.ops.adapt_datetimefield_value(opened)
        row[at["closed_on"]] = connection.ops.adapt_datefield_value(closed)
        rows.append(row)
        if len(rows) >= SQLITE_BATCH:
            flush()
    if rows:
        flush()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(engine: str, full: bool) -> list[Figure]:
    from sanxiang.cases import tally
    from sanxiang.cases.models import Case
    from sanxiang.core import clock
    from sanxiang.demo import loader
    from sanxiang.supervision.models import DailyCaseCount
    from sanxiang.supervision.services import scorecard, summary

    n = int(os.environ.get("DASHBOARD_BENCH_CASES", 1_000_000 if full else 50_000))
    loader.load(stdout=io.StringIO(), size=0.05)
    rate = _bulk_cases(n)
    tally.recount()  # the raw inserts went around the ORM's tally upkeep
    _analyze()
    total = Case.objects.count()
    figures = [
        Figure(f"dashboard.cases.{engine}", total, "cases"),
        Figure(f"dashboard.insert_cases_per_s.{engine}", rate, "cases/s"),
    ]
    started = time.perf_counter()
    summary.rebuild()
    figures.append(Figure(f"dashboard.summary_rebuild_all_s.{engine}", time.perf_counter() - started, "s"))
    figures.append(Figure(f"dashboard.summary_rebuild_all_load1.{engine}", _load1(), "load"))
    figures.append(Figure(f"dashboard.summary_rows.{engine}", DailyCaseCount.objects.count(), "rows"))
    _analyze()
    started = time.perf_counter()
    summary.rebuild_recent()
    figures.append(Figure(f"dashboard.summary_rebuild_tick_s.{engine}", time.perf_counter() - started, "s"))
    client = harness.staff_client("supervisor")

    for name, url in PAGES:

        def fetch(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)

        ms = harness.median_seconds(fetch) * 1000
        figures.append(Figure(f"dashboard.{name}_ms.{engine}", ms, "ms", "budget_ms", 500))
        figures.append(Figure(f"dashboard.{name}_load1.{engine}", _load1(), "load"))
    agencies = scorecard.assessed_agencies(None)
    year = clock.today().year
    seconds = harness.median_seconds(lambda: scorecard.compute(agencies, *scorecard.year_bounds(year)))
    figures.append(Figure(f"dashboard.annual_scorecard_all_s.{engine}", seconds, "s", "budget_s", 5))
    figures.append(Figure(f"dashboard.annual_scorecard_all_load1.{engine}", _load1(), "load"))
    return figures


if __name__ == "__main__":
    for figure in run(full=os.environ.get("FULL") == "1"):
        print(figure.line(), flush=True)
