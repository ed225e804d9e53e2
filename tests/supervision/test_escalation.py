"""Automatic escalation on `sanxiang tick` (Arts. 39, 41): an instrument the target did not report
on by its time limit is escalated and the upper organ alerted; an overdue clue step raises an alert.
Grace periods are SX-SUP-14 (confidence U), shown as 待核实 with their source."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from sanxiang.catalog import rules
from sanxiang.catalog.models import RuleParameter
from sanxiang.core import clock
from sanxiang.records.models import Entry
from sanxiang.supervision.models import SupervisionAlert
from sanxiang.supervision.models.instruments import Instrument, InstrumentStatus
from sanxiang.supervision.services import clues
from sanxiang.supervision.services import instruments as svc
from sanxiang.supervision.signals import supervision_changed
from tests.factories import PASSWORD
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return Graph()


def served_notice(g, limit=dt.date(2026, 3, 20)):
    inst = svc.issue(
        actor=g.county_sup,
        kind="notice",
        target=g.county_dept,
        title="关于报送检查台账的通知",
        facts="未按要求报送检查台账。",
        requirements="限期报送。",
        legal_basis="《行政执法监督条例》",
        time_limit=limit,
    )
    return svc.serve(inst, actor=g.county_sup, method="直接送达")


def tick_on(day):
    with clock.frozen(dt.datetime.combine(day, dt.time(6, 0))):
        call_command("tick")


def test_unanswered_instrument_is_escalated_once_and_the_upper_bureau_is_told(g):
    inst = served_notice(g)
    answered = served_notice(g)
    svc.submit_report(answered, actor=g.county_head, text="已报送")
    topics = []
    supervision_changed.connect(
        lambda sender, **kw: topics.append(kw["topic"]), weak=False, dispatch_uid="esc"
    )
    try:
        tick_on(dt.date(2026, 3, 20))  # the last day of the time limit: nothing yet
        assert Instrument.objects.get(pk=inst.pk).status == InstrumentStatus.SERVED
        tick_on(dt.date(2026, 3, 23))
        tick_on(dt.date(2026, 3, 24))  # idempotent
    finally:
        supervision_changed.disconnect(dispatch_uid="esc")
    inst.refresh_from_db()
    assert inst.status == InstrumentStatus.ESCALATED and "第41条" in inst.escalation_reason
    assert Instrument.objects.get(pk=answered.pk).status == InstrumentStatus.REPORTED  # answered: untouched
    assert topics.count("supervision.instrument.escalated") == 1
    entry = Entry.objects.filter(stream=inst.stream, kind="supervision.instrument.escalated").get()
    assert entry.payload["automatic"] is True and entry.payload["rule"] == "SX-SUP-14.instrument_grace"
    alert = SupervisionAlert.objects.get(instrument=inst)
    assert alert.agency == g.county_bureau and alert.notified == g.city_bureau and alert.provisional
    assert "SX-SUP-14" in alert.rule


def test_grace_period_is_a_rule_parameter(g):
    inst = served_notice(g)
    RuleParameter.objects.filter(code="SX-SUP-14.instrument_grace").update(value={"value": 5})
    rules.cache.invalidate()
    try:
        tick_on(dt.date(2026, 3, 23))  # 1 working day late, grace 5
        assert Instrument.objects.get(pk=inst.pk).status == InstrumentStatus.SERVED
        tick_on(dt.date(2026, 3, 30))  # 6 working days late
        assert Instrument.objects.get(pk=inst.pk).status == InstrumentStatus.ESCALATED
    finally:
        rules.cache.invalidate()


def test_overdue_clue_raises_one_alert_per_step(g):
    clue = clues.register_clue(
        actor=g.county_sup,
        channel="letters_visits",
        title="反映推诿",
        content="多次反映无人处理",
        agencies=[g.county_dept],
    )
    due = clue.step_due_on
    tick_on(due)
    assert not SupervisionAlert.objects.filter(clue=clue).exists()
    tick_on(due + dt.timedelta(days=1))
    tick_on(due + dt.timedelta(days=2))
    alert = SupervisionAlert.objects.get(clue=clue)
    assert alert.kind == "clue_overdue" and alert.notified == g.city_bureau and alert.due_on == due
    assert Entry.objects.filter(stream=clue.stream, kind="clue.overdue_alert").count() == 1


def test_alerts_through_the_doors(g):
    inst = served_notice(g)
    tick_on(dt.date(2026, 3, 23))
    with clock.frozen(dt.datetime(2026, 3, 23, 10)):
        api = APIClient()
        api.force_authenticate(g.city_sup)  # the upper bureau
        body = api.get("/api/supervision-alerts/").json()
        assert [a["instrument"] for a in body] == [inst.number] and body[0]["provisional"] is True
        outside = APIClient()
        outside.force_authenticate(g.dept_sup)
        assert outside.get("/api/supervision-alerts/").json() == []
        page = Client()
        page.login(username=g.city_sup.username, password=PASSWORD)
        html = page.get("/supervision/oversight/").content.decode()
        assert inst.number in html and "待核实" in html and "SX-SUP-14" in html
        page.login(username=g.county_sup.username, password=PASSWORD)
        html = page.get(f"/supervision/instruments/{inst.pk}/").content.decode()
        assert "督办预警" in html and "已升级处理" in html


def test_rule_badge_marks_provisional_defaults(g):
    from sanxiang.supervision.templatetags.supervision_rules import rule_badge

    badge = rule_badge("SX-SUP-01.assess（5个工作日）")
    assert "待核实" in badge and "SX-SUP-01.assess" in badge and "可信度U" in badge
    assert rule_badge("no rule here") == ""
    page = Client()
    page.login(username=g.city_sup.username, password=PASSWORD)
    clue = clues.register_clue(actor=g.city_sup, channel="letters_visits", title="反映", content="内容")
    assert "待核实" in page.get(f"/supervision/clues/{clue.pk}/").content.decode()
    assert "待核实" in page.get("/supervision/instruments/new/").content.decode()


def test_badges_where_defaults_are_used(g):
    from sanxiang.supervision.services import tasks

    page = Client()
    page.login(username=g.city_sup.username, password=PASSWORD)
    for url, code in (
        ("/supervision/clues/", "SX-SUP-01.assess"),
        ("/supervision/report/", "SX-SUP-13.period"),
        ("/supervision/evaluations/", "待核实"),
    ):
        html = page.get(url).content.decode()
        assert "待核实" in html and code in html, url
    task = tasks.create_task(
        actor=g.city_sup, kind="daily", title="日常监督", scope=[g.county_dept],
        window_start=dt.date(2026, 3, 10), window_end=dt.date(2026, 4, 10),
    )  # fmt: skip
    assert "SX-SUP-12.max_access" in page.get(f"/supervision/tasks/{task.pk}/").content.decode()
