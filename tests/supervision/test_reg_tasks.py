"""Supervision tasks: graph-scoped creation, recusal before start, invited supervisors' scope and
expiry, special tasks from provincial templates reported back, key tasks from clues, and the
overdue board of the upper-level justice bureau (Art. 39)."""

import datetime as dt

import pytest

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.records.models import Entry
from sanxiang.supervision.models.tasks import SupervisionTask, TaskStatus
from sanxiang.supervision.services import instruments as inst_svc
from sanxiang.supervision.services import selectors
from sanxiang.supervision.services import tasks as svc
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "code": "prov-2026-inspection",
    "title": "2026年涉企行政检查专项监督",
    "source": "某省司法厅",
    "methods": ["evaluation", "random_sampling"],
    "checklist": ["检查是否列入年度计划", "检查频次是否超过上限", "是否亮证执法"],
    "report_due": "2026-06-30",
}


@pytest.fixture
def g():
    return Graph()


def new_task(g, **kw):
    args = dict(
        actor=g.county_sup,
        kind="daily",
        title="行政检查日常监督",
        scope=[g.county_dept],
        window_start=dt.date(2026, 3, 10),
        window_end=dt.date(2026, 3, 31),
        checklist=["检查计划", "亮证执法"],
        methods=["site_inspection"],
    )
    args.update(kw)
    return svc.create_task(**args)


def test_task_scope_follows_the_graph(g):
    task = new_task(g)
    assert task.number == "监县司督〔2026〕1号" and task.members.get().role == "lead"
    for actor, scope, code in [
        (g.county_sup, [g.city_dept], "supervision.graph.out_of_scope"),
        (g.office_sup, [g.county_dept], "supervision.graph.office_cannot_issue"),
    ]:
        with pytest.raises(DomainError) as refused:
            new_task(g, actor=actor, scope=scope)
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        new_task(g, due_on=dt.date(2026, 3, 1))
    assert refused.value.code == "supervision.task.due_past"
    assert SupervisionTask.objects.count() == 1


def test_recusal_before_start_and_conflict_withdraws(g):
    task = new_task(g)
    svc.add_member(task, actor=g.county_sup, user=g.office_sup)  # 司法所 does assigned checks
    with pytest.raises(DomainError) as refused:
        svc.start_task(task, actor=g.county_sup)
    assert refused.value.code == "supervision.recusal.missing"
    svc.declare_recusal(task, user=g.county_sup, has_conflict=False)
    svc.declare_recusal(task, user=g.office_sup, has_conflict=True, statement="其配偶在被检查企业任职")
    task = svc.start_task(task, actor=g.county_sup)
    assert task.status == TaskStatus.ACTIVE
    with pytest.raises(DomainError):
        svc.check_item(task, actor=g.office_sup, index=0, result="ok")  # withdrawn
    svc.check_item(task, actor=g.county_sup, index=1, result="problem", note="2名执法人员未亮证")
    assert SupervisionTask.objects.get(pk=task.pk).checklist[1]["result"] == "problem"


def test_invited_supervisor_scope_and_expiry(g):
    task, other = new_task(g), new_task(g, title="另一任务")
    with pytest.raises(DomainError) as refused:
        svc.add_member(
            task, actor=g.county_sup, user=g.invited, role="invited", access_until=dt.date(2026, 3, 9)
        )
    assert refused.value.code == "supervision.invited.access_until"
    with pytest.raises(DomainError) as refused:
        svc.add_member(
            task, actor=g.county_sup, user=g.invited, role="invited", access_until=dt.date(2026, 12, 31)
        )
    assert refused.value.code == "supervision.invited.access_too_long"  # SX-SUP-12: 90 days
    svc.add_member(
        task,
        actor=g.county_sup,
        user=g.invited,
        role="invited",
        affiliation="县人大代表",
        access_until=dt.date(2026, 3, 20),
    )
    assert list(selectors.tasks_visible_to(g.invited)) == [task]  # only its own task
    with pytest.raises(DomainError) as refused:
        selectors.task_for(g.invited, task.pk)
    assert refused.value.code == "supervision.invited.ack_required"
    svc.acknowledge_confidentiality(task, user=g.invited)
    assert selectors.task_for(g.invited, task.pk) == task
    with pytest.raises(DomainError) as refused:
        selectors.task_for(g.invited, other.pk)
    assert refused.value.code == "not_found"
    with pytest.raises(DomainError):
        svc.check_item(task, actor=g.invited, index=0, result="ok")  # read-mostly: no checklist
    with clock.frozen(dt.datetime(2026, 3, 21, 9)):
        assert list(selectors.tasks_visible_to(g.invited)) == []
        with pytest.raises(DomainError) as refused:
            selectors.task_for(g.invited, task.pk)
        assert refused.value.code == "supervision.invited.expired"


def test_special_task_from_template_reported_back(g):
    template = svc.import_template(TEMPLATE, actor=g.city_sup)
    task = new_task(
        g, actor=g.city_sup, kind="special", template=template, checklist=(), scope=[g.county_dept]
    )
    assert [c["item"] for c in task.checklist] == TEMPLATE["checklist"]
    svc.declare_recusal(task, user=g.city_sup, has_conflict=False)
    svc.start_task(task, actor=g.city_sup)
    with pytest.raises(DomainError):
        svc.report_back(task, actor=g.city_sup)
    svc.close_task(task, actor=g.city_sup, outcome="抽查案卷20件，发现问题3个，已制发意见书1份。")
    task = svc.report_back(task, actor=g.city_sup)
    assert task.reported_at
    assert Entry.objects.filter(stream=task.stream, kind="supervision.task.reported").exists()
    with pytest.raises(DomainError) as refused:
        svc.import_template({"code": "x", "title": "y", "methods": ["telepathy"]}, actor=g.city_sup)
    assert refused.value.code == "supervision.task.method"


def test_overdue_items_are_visible_upward(g):
    task = new_task(g, window_end=dt.date(2026, 3, 12))
    inst = inst_svc.issue(
        actor=g.county_sup,
        kind="notice",
        target=g.county_dept,
        title="监督通知",
        facts="f",
        requirements="r",
        legal_basis="b",
        time_limit=dt.date(2026, 3, 13),
    )
    with clock.frozen(dt.datetime(2026, 3, 20, 9)):
        city = {row.bureau.pk: row for row in selectors.overdue_by_bureau(g.city_sup)}
        assert city[g.county_bureau.pk].tasks == [task]
        assert city[g.county_bureau.pk].instruments == [inst]
        county = {row.bureau.pk: row for row in selectors.overdue_by_bureau(g.county_sup)}
        assert g.city_bureau.pk not in county and county[g.county_bureau.pk].total == 2
        assert selectors.overdue_by_bureau(g.county_head) == []
        # drill down: the upper bureau may open the item
        assert selectors.task_for(g.city_sup, task.pk) == task
        assert selectors.instrument_for(g.city_sup, inst.pk) == inst
    with clock.frozen(dt.datetime(2026, 3, 11, 9)):
        assert selectors.overdue_by_bureau(g.city_sup)[0].total == 0


def _escalated_clue(g):
    from sanxiang.supervision.services import clues

    clue = clues.register_clue(
        actor=g.city_sup,
        channel="hotline",
        title="反映重复检查",
        content="一个月内检查4次",
        hotline_order_no="20260310004512",
        agencies=[g.county_dept],
    )
    return clues.assess(
        clue, actor=g.city_sup, assessment="群众反映强烈", decision="escalate", reason="典型问题"
    )


def test_a_12345_clue_escalated_opens_its_key_task(g):
    clue = _escalated_clue(g)  # assess → escalate opens the task itself (same transaction)
    task = clue.key_tasks.get()
    assert task.kind == "key" and task.source_clue == clue and list(task.scope.all()) == [g.county_dept]
    assert task.window_end == clue.step_due_on  # the key step's due date (SX-SUP-01.key)
    with pytest.raises(DomainError) as refused:
        svc.open_key_supervision(clue, actor=g.city_sup, window_end=dt.date(2026, 4, 10))
    assert refused.value.code == "supervision.task.clue_has_task"


def test_escalating_a_clue_that_names_no_agency_leaves_it_for_the_tasks_page(client, g):
    from sanxiang.supervision.services import clues
    from tests.factories import PASSWORD

    clue = clues.register_clue(
        actor=g.city_sup, channel="hotline", title="反映重复检查", content="一个月内检查4次",
        hotline_order_no="20260310004513",
    )  # fmt: skip
    clue = clues.assess(clue, actor=g.city_sup, assessment="研判", decision="escalate", reason="典型问题")
    assert not clue.key_tasks.exists()
    client.login(username=g.city_sup.username, password=PASSWORD)
    assert clue.number in client.get("/supervision/tasks/").content.decode()  # 待立项
    clues.link(clue, actor=g.city_sup, agencies=[g.county_dept])
    response = client.post(f"/supervision/tasks/from-clue/{clue.pk}/", {"window_end": "2026-04-10"})
    task = SupervisionTask.objects.get(source_clue=clue)
    assert response.status_code == 302 and task.kind == "key"
    assert clue.number in client.get(f"/supervision/tasks/{task.pk}/").content.decode()


def test_escalating_to_an_agency_outside_the_graph_saves_nothing(g):
    from sanxiang.supervision.services import clues

    clue = clues.register_clue(
        actor=g.county_sup, channel="hotline", title="反映重复检查", content="一个月内检查4次",
        hotline_order_no="20260310004514", agencies=[g.city_dept],
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        clues.assess(clue, actor=g.county_sup, assessment="研判", decision="escalate", reason="典型问题")
    assert refused.value.code == "supervision.graph.out_of_scope"
    clue.refresh_from_db()
    assert clue.status == "registered" and not clue.is_key and not clue.key_tasks.exists()


def test_web_escalate_links_clue_and_key_task_both_ways(client, g):
    from sanxiang.supervision.services import clues
    from tests.factories import PASSWORD

    clue = clues.register_clue(
        actor=g.city_sup, channel="hotline", title="反映重复检查", content="一个月内检查4次",
        hotline_order_no="20260310004515", agencies=[g.county_dept],
    )  # fmt: skip
    client.login(username=g.city_sup.username, password=PASSWORD)
    response = client.post(
        f"/supervision/clues/{clue.pk}/assess/",
        {"assessment": "群众反映强烈", "decision": "escalate", "reason": "典型问题",
         "key_window_end": "2026-12-31", "listed": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    task = SupervisionTask.objects.get(source_clue=clue)
    assert task.listed and task.window_end == dt.date(2026, 12, 31)
    assert task.number in client.get(f"/supervision/clues/{clue.pk}/").content.decode()
    assert clue.number in client.get(f"/supervision/tasks/{task.pk}/").content.decode()


def test_api_escalate_returns_the_key_task(g):
    from rest_framework.test import APIClient

    from sanxiang.supervision.services import clues

    clue = clues.register_clue(
        actor=g.city_sup, channel="hotline", title="反映重复检查", content="一个月内检查4次",
        hotline_order_no="20260310004516", agencies=[g.county_dept],
    )  # fmt: skip
    api = APIClient()
    api.force_authenticate(g.city_sup)
    body = api.post(
        f"/api/clues/{clue.pk}/assess/",
        {"assessment": "研判", "decision": "escalate", "reason": "典型问题"},
        format="json",
    ).json()
    task = SupervisionTask.objects.get(source_clue=clue)
    assert body["status"] == "escalated" and body["key_tasks"] == [task.number]
    assert api.get(f"/api/supervision-tasks/{task.pk}/").json()["source_clue"] == clue.number
