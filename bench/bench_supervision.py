"""Supervision dashboards and the compliance scorecard over generated cases: each page (a full
request through the view and template, as the supervisor who sees every agency of the city)
against the 500 ms budget, and the annual scorecard of all agencies against 5 s.

Quick mode loads a small demo (size 0.05) and generates 2,000 cases; FULL=1 loads the full demo
and generates 10^6 (`SUPERVISION_BENCH_CASES` overrides either). The generator copies demo cases
with their events and deadlines, not their publications, reviews or documents (bench/generate.py),
so those charts carry only the demo's own rows: the queries still run over the full tables.
The generator inserts in bulk around the services, so the dashboard's daily summary is rebuilt
afterwards (`sanxiang summary rebuild`).
Each figure is the median of 3 runs after one warm-up.
"""

from __future__ import annotations

import io
import os

from bench import harness
from bench.figures import Figure

PAGES = (
    ("dashboard_month", "/supervision/dashboard/?period=month"),
    ("dashboard_quarter", "/supervision/dashboard/?period=quarter"),
    ("dashboard_year", "/supervision/dashboard/?period=year"),
    ("dashboard_rolling12", "/supervision/dashboard/?period=rolling12"),
    ("drilldown_year_opened", "/supervision/dashboard/cases/?chart=kpi&key=opened&period=year"),
    ("download_weekly_csv", "/supervision/dashboard/data/weekly.csv?period=year"),
    ("scorecard_page_year", "/supervision/scorecard/?period=year"),
    ("policy_overview", "/supervision/policy/"),
)


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:

    from bench.generate import generate
    from sanxiang.cases.models import Case
    from sanxiang.core import clock
    from sanxiang.demo import loader
    from sanxiang.supervision.services import scorecard

    size, n = (1.0, 1_000_000) if full else (0.05, 2_000)
    n = int(os.environ.get("SUPERVISION_BENCH_CASES", n))
    loader.load(stdout=io.StringIO(), size=size)
    stats = generate(n, batch=5000 if full else 2000)
    from sanxiang.supervision.services import summary

    summary.rebuild()  # the generator inserts around the services, like a bulk load
    total = Case.objects.count()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as an operator would
    client = harness.staff_client("supervisor")
    figures = [
        Figure(f"supervision.cases.{engine}", total, "cases"),
        Figure(f"supervision.generate_cases_per_s.{engine}", stats.rate, "cases/s"),
    ]
    for name, url in PAGES:

        def fetch(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)

        seconds = harness.median_seconds(fetch)
        figures.append(Figure(f"supervision.{name}_ms.{engine}", seconds * 1000, "ms", "budget_ms", 500))
    year = clock.today().year
    agencies = scorecard.assessed_agencies(None)
    seconds = harness.median_seconds(lambda: scorecard.compute(agencies, *scorecard.year_bounds(year)))
    figures.append(Figure(f"supervision.annual_scorecard_s.{engine}", seconds, "s", "budget_s", 5))
    return figures
