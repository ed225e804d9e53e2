"""Dashboards: periods, scoping (another agency's user cannot see), drill-down lists, downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from sanxiang.core.errors import InvalidInput
from sanxiang.core.roles import Role
from sanxiang.supervision.services import dashboard
from tests.factories import staff
from tests.supervision.helpers_dash import city, deadline, publication, set_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("kind", "anchor", "start", "end"),
    [
        ("month", "2026-02-14", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("quarter", "2026-05-02", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("year", "2025-07-01", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("rolling12", "2026-03-10", dt.date(2025, 4, 1), dt.date(2026, 3, 10)),
    ],
)
def test_periods(kind, anchor, start, end):
    p = dashboard.period(kind, anchor)
    assert (p.start, p.end) == (start, end)
    assert p.shifted(-1).end < p.start or kind == "rolling12"


@pytest.mark.parametrize(
    ("kind", "anchor"), [("decade", None), ("month", "2026-13-01"), ("month", "1900-01-01")]
)
def test_bad_periods_are_refused_clearly(kind, anchor):
    with pytest.raises(InvalidInput):
        dashboard.period(kind, anchor)


@pytest.fixture
def scene():
    bureau, supervisor, a, b = city()
    ca = a.case(title="甲局案件")
    cb = b.case(title="乙局案件")
    deadline(ca, "decision", "overdue", dt.date(2026, 3, 1), overdue_since=dt.date(2026, 3, 2))
    deadline(cb, "decision", "overdue", dt.date(2026, 3, 2), overdue_since=dt.date(2026, 3, 3))
    publication(a.agency, decided=dt.date(2026, 3, 6), due=dt.date(2026, 3, 16), status="draft", case=ca)
    return bureau, supervisor, a, b, ca, cb


def test_head_sees_only_their_agency(client, scene):
    _bureau, _supervisor, a, _b, ca, cb = scene
    client.force_login(a.head)
    page = client.get("/supervision/dashboard/?period=month&at=2026-03-10")
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲局" in body and "乙局" not in body
    assert cb.number not in body
    # asking for the other agency explicitly: not found, not an empty page
    assert client.get("/supervision/dashboard/?agency=bb").status_code == 404
    assert client.get("/supervision/dashboard/cases/?chart=kpi&key=opened&agency=bb").status_code == 404
    listing = client.get("/supervision/dashboard/cases/?chart=kpi&key=opened&period=month&at=2026-03-10")
    assert ca.number in listing.content.decode() and cb.number not in listing.content.decode()


def test_officers_have_no_dashboard(client, scene):
    _bureau, _supervisor, a, _b, _ca, _cb = scene
    client.force_login(a.officer)
    assert client.get("/supervision/dashboard/").status_code == 404
    assert client.get("/supervision/dashboard/data/weekly.csv").status_code == 404


def test_supervisor_sees_every_agency_and_charts_are_csp_safe(client, scene):
    _bureau, supervisor, _a, _b, ca, cb = scene
    client.force_login(supervisor)
    body = client.get("/supervision/dashboard/?period=month&at=2026-03-10").content.decode()
    for chart in dashboard.CHARTS:
        assert f'id="{chart}"' in body
    assert 'data-chart="chart-weekly"' in body and 'type="application/json"' in body
    assert "<script>" not in body and "onclick" not in body
    assert ca.number in body and cb.number in body  # overdue list, newly overdue first
    assert body.index(cb.number) < body.index(ca.number)


def test_drill_down_lists_the_cases_behind_each_figure(client, scene):
    _bureau, supervisor, _a, _b, ca, cb = scene
    set_case(ca, closed_on=dt.date(2026, 3, 3))
    client.force_login(supervisor)
    p = dashboard.period("month", "2026-03-10")
    data = dashboard.build(supervisor, p)
    weekly = next(c for c in data["charts"] if c.id == "weekly")
    urls = [d["url"] for s in weekly.option["series"] for d in s["data"] if d["value"]]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200
    closed = client.get(dashboard.drill_url("weekly", "closed:2026-03-02", p)).content.decode()
    assert ca.number in closed and cb.number not in closed
    overdue = client.get(dashboard.drill_url("deadlines", "overdue", p, "aa")).content.decode()
    assert ca.number in overdue and cb.number not in overdue
    pending = client.get(dashboard.drill_url("publication", "pending:2026-03", p)).content.decode()
    assert ca.number in pending
    procedure = next(c for c in data["charts"] if c.id == "procedure")
    step_url = next(d["url"] for s in procedure.option["series"] for d in s["data"] if isinstance(d, dict))
    assert ca.number in client.get(step_url).content.decode()
    bad = client.get("/supervision/dashboard/cases/?chart=weekly&key=new:notadate")
    assert bad.status_code == 400 and "无法识别" in bad.content.decode()


def test_downloads_hold_the_numbers_behind_each_chart(client, scene):
    _bureau, supervisor, *_rest = scene
    client.force_login(supervisor)
    for chart in dashboard.CHARTS:
        csv = client.get(f"/supervision/dashboard/data/{chart}.csv?period=month&at=2026-03-10")
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        text = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[0]
    deadlines = b"".join(
        client.get("/supervision/dashboard/data/deadlines.csv?period=month&at=2026-03-10").streaming_content
    ).decode("utf-8-sig")
    assert "甲局" in deadlines and "乙局" in deadlines
    xlsx = client.get("/supervision/dashboard/data/procedure.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    listing = client.get("/supervision/dashboard/cases/?chart=kpi&key=open&format=csv")
    assert listing.status_code == 200
    assert client.get("/supervision/dashboard/data/nothing.csv").status_code == 404


def test_empty_period_says_so(client, scene):
    _bureau, supervisor, *_rest = scene
    client.force_login(supervisor)
    body = client.get("/supervision/dashboard/?period=year&at=2019-06-01").content.decode()
    assert "本期无数据" in body


def test_another_supervisor_outside_the_division_sees_nothing_of_it(client, scene):
    from tests.factories import AgencyFactory

    other = AgencyFactory(is_justice_bureau=True)
    outsider = staff(other, Role.SUPERVISOR, certified=False)
    client.force_login(outsider)
    body = client.get("/supervision/dashboard/?period=month&at=2026-03-10").content.decode()
    assert "甲局" not in body and "乙局" not in body
