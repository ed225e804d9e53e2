"""The supervision dashboard in English (issue 9): a supervisor whose language is English sees the
chart titles, series names, KPI labels and period label in English — on the page, in the ECharts
option passed through json_script and in the CSV download — while the default stays Chinese.

As in tests/core/test_english_messages.py, each test adds the English it uses to the loaded
catalog for its own duration (an entry already compiled in is used as it is), so the test proves
the marking whatever the state of the compiled .mo.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils.translation import trans_real

from tests.supervision.helpers_dash import city, deadline

pytestmark = pytest.mark.django_db

URL = "/supervision/dashboard/?period=month&at=2026-03-10"
ENGLISH = {
    "每周新增与结案": "New and closed cases per week",
    "办案时限：计时中与已逾期（当前）": "Case deadlines: running and overdue (now)",
    "新增": "New",
    "本期新增案件": "New cases in the period",
    "周（周一）": "Week (Monday)",
    "%(year)s年%(month)02d月": "%(year)s-%(month)02d",
}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """The English of ENGLISH in the loaded catalog for the test's duration; → msgid: English."""
    catalog = trans_real.translation("en")._catalog
    added = []
    for msgid, text in ENGLISH.items():
        if msgid not in catalog:
            catalog[msgid] = text
            added.append(msgid)
    yield {msgid: catalog[msgid] for msgid in ENGLISH}
    for msgid in added:
        del catalog._catalogs[0][msgid]


@pytest.fixture
def supervisor():
    _bureau, supervisor, a, _b = city()
    deadline(a.case(title="甲局案件"), "decision", "overdue", dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    return supervisor


def _option(body: str, dom_id: str) -> dict:
    match = re.search(rf'<script id="{dom_id}" type="application/json">(.*?)</script>', body, re.S)
    assert match, dom_id
    return json.loads(match.group(1))


def test_an_english_supervisor_sees_english_chart_titles(client, english, supervisor):
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    client.force_login(supervisor)

    body = client.get(URL).content.decode()

    assert f"<h2>{english['每周新增与结案']}</h2>" in body
    assert f"<h2>{english['办案时限：计时中与已逾期（当前）']}</h2>" in body
    assert english["本期新增案件"] in body
    assert "2026-03" in body and "2026年03月" not in body
    for chinese in ("每周新增与结案", "办案时限", "本期新增案件"):
        assert chinese not in body
    weekly = _option(body, "chart-weekly")
    assert english["新增"] in [s["name"] for s in weekly["series"]]
    csv = client.get("/supervision/dashboard/data/weekly.csv?period=month&at=2026-03-10")
    header = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    assert header.splitlines()[0].startswith(english["周（周一）"])


def test_the_default_dashboard_stays_chinese(client, english, supervisor):
    client.force_login(supervisor)

    body = client.get(URL).content.decode()

    assert "<h2>每周新增与结案</h2>" in body and "2026年03月" in body
    assert english["每周新增与结案"] not in body
    assert "新增" in [s["name"] for s in _option(body, "chart-weekly")["series"]]
