"""Clues, follow-up items and findings push to the exchange outbox on their own state changes
(Art. 37 ¶2), in the transaction of the change, with the complainant kept local."""

import pytest
from rest_framework.test import APIClient

from sanxiang.exchange.models import OutboxMessage
from sanxiang.supervision.models import Finding
from sanxiang.supervision.services import clues, findings
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return Graph()


def topics(key):
    return list(OutboxMessage.objects.filter(key=key).order_by("pk").values_list("topic", flat=True))


def test_clue_workflow_pushes_each_state(g):
    clue = clues.register_clue(
        actor=g.county_sup,
        channel="hotline",
        title="反映重复检查",
        content="张三 13800000000 反映一个月内检查4次",
        hotline_order_no="20260310004599",
        complainant_name="张三",
        complainant_phone="13800000000",
        agencies=[g.county_dept],
    )
    clue = clues.assess(clue, actor=g.county_sup, assessment="研判", decision="handle", reason="")
    clue = clues.close_clue(clue, actor=g.county_sup, result="已督促整改")
    clues.reply(clue, actor=g.county_sup, text="已处理")
    key = f"supervision-clue:{clue.number}"
    assert topics(key) == [
        "supervision.clue.registered",
        "supervision.clue.handle",
        "supervision.clue.closed",
        "supervision.clue.replied",
    ]
    last = OutboxMessage.objects.filter(key=key).order_by("pk").last()
    text = str(last.payload)
    assert "13800000000" not in text and "张三" not in text  # the complainant stays local
    assert last.payload["status"] == "closed" and last.payload["hotline_order_no"] == "20260310004599"
    assert last.payload["agencies"] == [g.county_dept.code] and last.payload["replied_at"]
    assert last.agency_id == g.county_bureau.pk
    follow_up = clue.follow_ups.get()
    assert topics(f"supervision-followup:{follow_up.number}") == ["supervision.followup.opened"]


def test_escalated_clue_pushes_the_clue_and_its_key_task(g):
    clue = clues.register_clue(
        actor=g.city_sup, channel="hotline", title="反映", content="内容",
        hotline_order_no="20260310004598", agencies=[g.county_dept],
    )  # fmt: skip
    clues.assess(clue, actor=g.city_sup, assessment="研判", decision="escalate", reason="典型")
    assert "supervision.clue.escalate" in topics(f"supervision-clue:{clue.number}")
    task = clue.key_tasks.get()
    assert topics(f"supervision-task:{task.number}") == ["supervision.task.created"]


def test_finding_record_and_amendment_push_through_the_api(g):
    api = APIClient()
    api.force_authenticate(g.county_sup)
    created = api.post(
        "/api/findings/",
        {
            "kind": "arbitrary_fine",
            "agency": g.county_dept.code,
            "title": "超出裁量幅度罚款",
            "description": "罚款超出裁量基准且未说明理由。",
            "evidence": [{"type": "case", "ref": "X-1", "text": "决定书"}],
            "rule_code": "行政处罚法 Art. 34",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    finding = Finding.objects.get(number=number)
    findings.amend_finding(finding, actor=g.county_sup, reason="复核后认定", changes={"status": "confirmed"})
    key = f"supervision-finding:{number}"
    assert topics(key) == ["supervision.finding.recorded", "supervision.finding.amended"]
    last = OutboxMessage.objects.filter(key=key).order_by("pk").last()
    assert last.payload["status"] == "confirmed" and last.payload["kind"] == "arbitrary_fine"
    assert last.payload["version"] == 2 and last.payload["agency"] == g.county_dept.code
