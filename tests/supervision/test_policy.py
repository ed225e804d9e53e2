"""Policy task tracker (O1) with the supporting rules (O3), training (O4) and AV devices (O5)."""

from __future__ import annotations

import datetime as dt

import pytest

from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.org.models import DivisionLevel
from sanxiang.records.models import Entry
from sanxiang.supervision.models import PolicyTask, TaskReport
from sanxiang.supervision.services import policy
from tests.supervision.helpers_dash import city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def task(number: int) -> PolicyTask:
    return PolicyTask.objects.get(number=number)


def test_the_24_tasks_are_data_with_their_deadlines():
    assert policy.load_tasks() == 24
    assert PolicyTask.objects.count() == 24
    assert task(1).due_on == dt.date(2019, 10, 31)
    assert task(4).due_on is None and task(4).ongoing
    assert task(16).due_on == dt.date(2020, 1, 31) and task(17).due_on == dt.date(2020, 12, 31)
    assert task(20).due_on == dt.date(2019, 8, 31) and "配套制度" in task(20).requirements
    assert "5%" in task(11).requirements


def test_county_agencies_have_the_later_deadline_of_task_2():
    _bureau, _supervisor, a, _b = city()
    assert a.agency.division.level == DivisionLevel.COUNTY
    assert task(2).due_for(a.agency) == dt.date(2019, 11, 30)


def test_report_progress_with_evidence_and_status_against_deadline():
    _bureau, _supervisor, a, b = city()
    done = policy.report_progress(
        a.agency,
        task(1),
        actor=a.head,
        status="done",
        progress=100,
        note="已完成",
        evidence="甲发〔2019〕1号",
        completed_on=dt.date(2019, 10, 20),
    )
    assert Entry.objects.filter(kind="policy.progress_reported", agency=a.agency).count() == 1
    with pytest.raises(InvalidInput, match="佐证材料"):
        policy.report_progress(a.agency, task(3), actor=a.head, status="done", progress=100, note="完成")
    with pytest.raises(InvalidInput):
        policy.report_progress(a.agency, task(3), actor=a.head, status="in_progress", progress=120, note="x")
    with pytest.raises(Forbidden):
        policy.report_progress(b.agency, task(1), actor=a.head, status="in_progress", progress=10, note="x")
    with pytest.raises(Forbidden):
        policy.report_progress(
            a.agency, task(1), actor=a.officer, status="in_progress", progress=10, note="x"
        )
    policy.report_progress(
        a.agency,
        task(6),
        actor=a.head,
        status="done",
        progress=100,
        note="完成",
        evidence="文号",
        completed_on=dt.date(2019, 12, 1),
    )
    _tasks, rows = policy.matrix([a.agency, b.agency])
    cells = {(ag.code, c.task.number): c for ag, cs in rows for c in cs}
    assert cells[("aa", 1)].report == done and cells[("aa", 1)].css == "ok" and not cells[("aa", 1)].overdue
    assert cells[("aa", 6)].overdue and cells[("aa", 6)].label.endswith("（逾期完成）")
    assert cells[("bb", 1)].overdue and cells[("bb", 1)].css == "bad"  # never reported, deadline passed
    assert not cells[("bb", 4)].overdue  # 持续推进: no deadline
    counts = policy.summary(rows)
    assert counts["done"] == 2 and counts["total"] == 48


def test_reports_are_history_a_new_one_supersedes():
    _bureau, _supervisor, a, _b = city()
    policy.report_progress(a.agency, task(7), actor=a.head, status="in_progress", progress=30, note="配备中")
    policy.report_progress(
        a.agency, task(7), actor=a.head, status="in_progress", progress=60, note="继续配备"
    )
    assert TaskReport.objects.filter(agency=a.agency, task=task(7)).count() == 2
    _tasks, rows = policy.matrix([a.agency])
    assert next(c for c in rows[0][1] if c.task.number == 7).report.progress == 60


def test_rules_and_devices():
    _bureau, _supervisor, a, b = city()
    rule = policy.add_rule(
        a.agency, actor=a.head, title="行政执法公示办法", adopted_on=dt.date(2019, 8, 20), task=task(20)
    )
    assert rule.task.number == 20
    with pytest.raises(InvalidInput):
        policy.add_rule(a.agency, actor=a.head, title="未来制度", adopted_on=dt.date(2030, 1, 1))
    policy.add_device(a.agency, actor=a.head, number="DSJ-1", kind="bodycam")
    with pytest.raises(InvalidInput, match="已登记"):
        policy.add_device(a.agency, actor=a.head, number="DSJ-1", kind="bodycam")
    with pytest.raises(Forbidden):
        policy.add_device(b.agency, actor=a.head, number="DSJ-2", kind="bodycam")


def test_web_overview_agency_page_and_report_form(client):
    from sanxiang.org import services as org

    _bureau, supervisor, a, _b = city()
    org.record_training(
        user=a.officer,
        actor=a.head,
        kind="training",
        title="三项制度专题培训",
        date=dt.date(2026, 1, 5),
        hours=4,
    )
    client.force_login(supervisor)
    overview = client.get("/supervision/policy/").content.decode()
    assert "甲局" in overview and "乙局" in overview and "联席会议办公室" in overview
    # a head reports through the form
    client.force_login(a.head)
    assert "乙局" not in client.get("/supervision/policy/").content.decode()
    assert client.get("/supervision/policy/bb/").status_code == 404
    response = client.post(
        "/supervision/policy/aa/tasks/9/",
        {"status": "in_progress", "progress": "40", "note": "建立调阅监督制度"},
    )
    assert response.status_code == 302
    assert TaskReport.objects.get(agency=a.agency, task__number=9).progress == 40
    refused = client.post(
        "/supervision/policy/aa/tasks/9/", {"status": "done", "progress": "100", "note": "完成"}
    )
    assert refused.status_code == 200 and "佐证材料" in refused.content.decode()
    client.post(
        "/supervision/policy/aa/", {"what": "device", "number": "DV-9", "kind": "bodycam", "status": "in_use"}
    )
    client.post(
        "/supervision/policy/aa/", {"what": "rule", "title": "音像记录管理规定", "adopted_on": "2019-09-01"}
    )
    page = client.get("/supervision/policy/aa/").content.decode()
    assert "DV-9" in page and "音像记录管理规定" in page and "三项制度专题培训" not in page  # shown as totals
    assert "4" in page and a.officer.full_name in page
    # the supervisor reads but cannot report for the agency
    client.force_login(supervisor)
    assert (
        client.post(
            "/supervision/policy/aa/tasks/9/", {"status": "in_progress", "progress": "50", "note": "x"}
        ).status_code
        == 404
    )
    assert "建立调阅监督制度" in client.get("/supervision/policy/aa/tasks/9/").content.decode()
