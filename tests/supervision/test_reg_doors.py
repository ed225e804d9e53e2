"""The graph, task and instrument invariants through every door: API, web UI, CLI report, and the
exchange outbox (the hook exchange keeps on `supervision_changed`)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from sanxiang.core import clock
from sanxiang.exchange.models import OutboxMessage
from sanxiang.records.models import Entry
from sanxiang.supervision.models.instruments import Instrument, InstrumentStatus
from sanxiang.supervision.services import instruments as inst_svc
from sanxiang.supervision.services import tasks as task_svc
from tests.factories import PASSWORD
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return Graph()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


BODY = {
    "kind": "opinion",
    "title": "监督意见",
    "facts": "发现问题",
    "requirements": "限期纠正",
    "legal_basis": "《行政执法监督条例》",
}


def test_api_instrument_workflow_and_refusals(g):
    client = api(g.city_sup)
    refused = client.post("/api/supervision-instruments/", {**BODY, "target": g.vertical.code}, format="json")
    assert (
        refused.status_code == 409
        and refused.json()["code"] == "supervision.graph.vertical_notification_only"
    )
    refused = client.post(
        "/api/supervision-instruments/",
        {**BODY, "target": g.county_dept.code, "time_limit": "2026-03-01"},
        format="json",
    )
    assert refused.status_code == 422 and refused.json()["code"] == "supervision.instrument.time_limit_past"
    refused = client.post("/api/supervision-instruments/", {**BODY, "target": g.outside.code}, format="json")
    assert refused.json()["code"] == "supervision.graph.out_of_scope"
    office = api(g.office_sup).post(
        "/api/supervision-instruments/", {**BODY, "target": g.county_dept.code}, format="json"
    )
    assert office.status_code == 403 and office.json()["code"] == "supervision.graph.office_cannot_issue"
    assert Instrument.objects.count() == 0

    made = client.post("/api/supervision-instruments/", {**BODY, "target": g.county_dept.code}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert client.post(f"/api/supervision-instruments/{pk}/serve/", {"method": "直接送达"}).status_code == 200
    head = api(g.county_head)
    assert head.post(f"/api/supervision-instruments/{pk}/report/", {"text": "已整改"}).status_code == 200
    assert (
        client.post(
            f"/api/supervision-instruments/{pk}/verify/", {"accepted": True}, format="json"
        ).status_code
        == 200
    )
    closed = client.post(f"/api/supervision-instruments/{pk}/close/", {})
    assert closed.json()["status"] == "closed"
    late = head.post(f"/api/supervision-instruments/{pk}/report/", {"text": "补充"})
    assert late.status_code == 409 and late.json()["code"] == "supervision.instrument.closed"
    # scope: an unrelated agency's staff get 404; the target's head sees it; reads are logged
    assert api(g.dept_sup).get(f"/api/supervision-instruments/{pk}/").status_code == 404
    assert head.get(f"/api/supervision-instruments/{pk}/").status_code == 200
    assert Entry.objects.filter(kind="supervision.read", actor=g.county_head).exists()
    # exchange: every act went to the outbox in its transaction
    topics = list(
        OutboxMessage.objects.filter(topic__startswith="supervision.instrument").values_list(
            "topic", flat=True
        )
    )
    assert topics[-1] == "supervision.instrument.closed" and len(topics) == 5


def test_api_invited_supervisor_scope_and_expiry(g):
    task = task_svc.create_task(
        actor=g.county_sup,
        kind="daily",
        title="日常监督",
        scope=[g.county_dept],
        window_start=dt.date(2026, 3, 10),
        window_end=dt.date(2026, 3, 20),
    )
    client = api(g.county_sup)
    added = client.post(
        f"/api/supervision-tasks/{task.pk}/members/",
        {"user": g.invited.username, "role": "invited", "access_until": "2026-03-15"},
        format="json",
    )
    assert added.status_code == 200, added.json()
    invited = api(g.invited)
    assert (
        invited.get(f"/api/supervision-tasks/{task.pk}/").json()["code"] == "supervision.invited.ack_required"
    )
    assert invited.post(f"/api/supervision-tasks/{task.pk}/acknowledge/").status_code == 200
    assert invited.get(f"/api/supervision-tasks/{task.pk}/").status_code == 200
    assert invited.post(f"/api/supervision-tasks/{task.pk}/start/").status_code == 403  # read-mostly
    with clock.frozen(dt.datetime(2026, 3, 16, 9)):
        expired = invited.get(f"/api/supervision-tasks/{task.pk}/")
        assert expired.status_code == 403 and expired.json()["code"] == "supervision.invited.expired"
        assert invited.get("/api/supervision-tasks/").json()["count"] == 0
    reads = Entry.objects.filter(stream=task.stream, kind="supervision.read", actor=g.invited).count()
    assert reads == 1


def test_api_oversight_and_graph(g):
    task_svc.create_task(
        actor=g.county_sup,
        kind="daily",
        title="到期任务",
        scope=[g.county_dept],
        window_start=dt.date(2026, 3, 10),
        window_end=dt.date(2026, 3, 11),
    )
    with clock.frozen(dt.datetime(2026, 3, 13, 9)):
        rows = {r["bureau"]: r for r in api(g.city_sup).get("/api/supervision-oversight/").json()}
        assert rows[g.county_bureau.code]["total"] == 1
        assert api(g.county_head).get("/api/supervision-oversight/").json() == []
    graph = {r["agency"]: r for r in api(g.city_sup).get("/api/supervision-graph/").json()}
    assert graph[g.vertical.code]["allowed"] == ["upper_notification"]
    assert graph[g.county_dept.code]["relation"] == "government"
    pushed = api(g.city_sup).post("/api/supervision-registers/push/").json()
    assert pushed["subjects"] >= 7 and pushed["officers"] >= 1
    assert OutboxMessage.objects.filter(topic="supervision.register.officer").exists()


def test_web_issue_refusal_and_workflow(client, g):
    web(client, g.city_sup)
    response = client.post(
        "/supervision/instruments/new/", {**BODY, "target": g.vertical.pk, "kind": "decision"}, follow=True
    )
    assert "垂直管理机关" in response.content.decode() and Instrument.objects.count() == 0
    response = client.post(
        "/supervision/instruments/new/",
        {**BODY, "target": g.county_dept.pk, "time_limit": "2026-03-10"},
        follow=True,
    )
    assert "期限须晚于今天" in response.content.decode() and Instrument.objects.count() == 0
    response = client.post("/supervision/instruments/new/", {**BODY, "target": g.county_dept.pk})
    inst = Instrument.objects.get()
    assert response.status_code == 302
    page = client.get(f"/supervision/instruments/{inst.pk}/").content.decode()
    assert inst.number in page and "登记送达" in page
    client.post(f"/supervision/instruments/{inst.pk}/serve/", {"method": "直接送达"})
    client.post(f"/supervision/instruments/{inst.pk}/escalate/", {"reason": "逾期未整改"})
    assert Instrument.objects.get().status == InstrumentStatus.ESCALATED
    for url in (
        "/supervision/graph/",
        "/supervision/tasks/",
        "/supervision/instruments/",
        "/supervision/oversight/",
        "/supervision/report/",
        "/supervision/tasks/new/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/supervision/report/?format=pdf").content.startswith(b"%PDF")
    assert client.get("/supervision/report/?format=xlsx").content.startswith(b"PK")
    web(client, g.dept_sup)
    assert client.get(f"/supervision/instruments/{inst.pk}/").status_code == 404


def test_web_invited_supervisor_expired_is_refused(client, g):
    task = task_svc.create_task(
        actor=g.county_sup,
        kind="daily",
        title="日常监督",
        scope=[g.county_dept],
        window_start=dt.date(2026, 3, 10),
        window_end=dt.date(2026, 3, 20),
    )
    task_svc.add_member(
        task, actor=g.county_sup, user=g.invited, role="invited", access_until=dt.date(2026, 3, 12)
    )
    web(client, g.invited)
    page = client.get(f"/supervision/tasks/{task.pk}/")
    assert page.status_code == 403 and "保密承诺" in page.content.decode()
    client.post(f"/supervision/tasks/{task.pk}/ack/", {"agree": "on"})
    assert client.get(f"/supervision/tasks/{task.pk}/").status_code == 200
    with clock.frozen(dt.datetime(2026, 3, 13, 9)):
        page = client.get(f"/supervision/tasks/{task.pk}/")
        assert page.status_code == 403 and "授权已过期" in page.content.decode()


def test_cli_report(tmp_path, g):
    inst_svc.issue(actor=g.city_sup, target=g.county_dept, **BODY)
    for fmt, magic in (("html", b"<!doctype html>"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        out = tmp_path / f"r.{fmt}"
        stdout = io.StringIO()
        options = ["--from", "2026-01-01", "--to", "2026-03-31", "--format", fmt, "-o", str(out)]
        call_command("report", "supervision", *options, "--bureau", g.city_bureau.code, stdout=stdout)
        assert out.read_bytes().startswith(magic), fmt
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "行政执法监督意见书" in html and g.county_dept.name in html


def test_admin_is_read_only_and_scoped(client, g):
    from sanxiang.org.models import User

    inst = inst_svc.issue(actor=g.city_sup, target=g.county_dept, **BODY)
    admin = User.objects.create_superuser("sup-admin", password=PASSWORD, agency=g.city_bureau)
    client.login(username=admin.username, password=PASSWORD)
    assert client.get("/admin/supervision/instrument/").status_code == 200
    assert client.post(f"/admin/supervision/instrument/{inst.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Instrument.objects.filter(pk=inst.pk).exists()
