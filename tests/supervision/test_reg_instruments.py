"""Correction instruments: issue → serve → report → verify → close, or escalate; refusals change
nothing; every act is a record entry and an exchange signal."""

import datetime as dt
import io

import pytest

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.records.evidence import store_blob
from sanxiang.records.models import Entry
from sanxiang.supervision.models.instruments import Instrument, InstrumentStatus
from sanxiang.supervision.services import instruments as svc
from sanxiang.supervision.signals import supervision_changed
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def g():
    return Graph()


def opinion(g, **kw):
    args = dict(
        actor=g.city_sup,
        kind="opinion",
        target=g.county_dept,
        title="关于规范行政检查的监督意见",
        facts="抽查发现对同一企业一年内检查5次且无检查计划。",
        requirements="清理检查事项，建立检查计划备案。",
        legal_basis="《行政执法监督条例》；《优化营商环境条例》第五十九条",
    )
    args.update(kw)
    return svc.issue(**args)


def test_issue_numbers_and_default_time_limit(g):
    first, second = opinion(g), opinion(g)
    assert first.number == "监司监意〔2026〕1号" and second.number == "监司监意〔2026〕2号"
    # SX-SUP-10.opinion: 30 calendar days from 2026-03-10, rolled to a working day
    assert first.time_limit == dt.date(2026, 4, 9)
    assert "SX-SUP-10" in first.time_limit_rule
    assert first.status == InstrumentStatus.ISSUED and first.due_party == "issuer"
    assert first.relation == "government" and first.addressee == g.county_dept.name


def test_workflow_to_closure(g):
    sent = []
    supervision_changed.connect(lambda sender, **kw: sent.append(kw["topic"]), weak=False, dispatch_uid="t1")
    try:
        inst = opinion(g, time_limit=dt.date(2026, 4, 1))
        inst = svc.serve(inst, actor=g.city_sup, method="直接送达")
        assert inst.due_on == dt.date(2026, 4, 1) and inst.due_party == "target"
        objection = svc.object_to(inst, actor=g.county_head, text="检查系投诉举报引起，不属重复检查。")
        svc.reply(inst, actor=g.city_sup, objection=objection, text="投诉引起的检查也应登记，维持意见。")
        blob = store_blob(io.BytesIO(PNG), filename="整改照片.png").blob
        svc.submit_report(
            inst, actor=g.county_head, text="已建立检查计划备案制度。", evidence=[(blob, "整改照片.png")]
        )
        inst = svc.verify(inst, actor=g.city_sup, accepted=True, note="材料齐全")
        inst = svc.close(inst, actor=g.city_sup)
    finally:
        supervision_changed.disconnect(dispatch_uid="t1")
    assert inst.status == InstrumentStatus.CLOSED and inst.closed_at
    assert inst.reports.get().accepted is True and inst.reports.get().evidence.count() == 1
    kinds = list(
        Entry.objects.filter(stream=inst.stream).order_by("stream_seq").values_list("kind", flat=True)
    )
    assert kinds == [
        "supervision.instrument.issued",
        "supervision.instrument.served",
        "supervision.instrument.objection",
        "supervision.instrument.reply",
        "supervision.instrument.reported",
        "supervision.instrument.verified",
        "supervision.instrument.closed",
    ]
    assert sent[-1] == "supervision.instrument.closed" and len(sent) == 7
    # a rectification report on a closed instrument is refused, nothing saved
    with pytest.raises(DomainError) as refused:
        svc.submit_report(inst, actor=g.county_head, text="补充")
    assert refused.value.code == "supervision.instrument.closed"
    assert inst.reports.count() == 1


def test_rejected_report_goes_back_with_a_new_time_limit_then_escalates(g):
    inst = svc.serve(opinion(g), actor=g.city_sup, method="电子送达")
    svc.submit_report(inst, actor=g.county_head, text="已整改")
    with pytest.raises(DomainError) as refused:
        svc.verify(
            inst, actor=g.city_sup, accepted=False, note="未见佐证", new_time_limit=dt.date(2026, 3, 1)
        )
    assert refused.value.code == "supervision.instrument.time_limit_past"
    assert Instrument.objects.get(pk=inst.pk).status == InstrumentStatus.REPORTED
    inst = svc.verify(
        inst, actor=g.city_sup, accepted=False, note="未见佐证", new_time_limit=dt.date(2026, 3, 20)
    )
    assert inst.status == InstrumentStatus.SERVED and inst.time_limit == dt.date(2026, 3, 20)
    with clock.frozen(dt.datetime(2026, 3, 25, 10)):
        assert Instrument.objects.get(pk=inst.pk).overdue
        svc.record_obstruction(inst, actor=g.city_sup, text="逾期未整改，拒不提供检查台账。")
        inst = svc.escalate(inst, actor=g.city_sup, reason="逾期未整改，拟制发决定书并移送追责。")
    assert inst.status == InstrumentStatus.ESCALATED and not inst.overdue
    assert inst.events.filter(kind="obstruction").exists()
    with pytest.raises(DomainError):
        svc.submit_report(inst, actor=g.county_head, text="补交")


def test_vertical_agency_gets_only_a_notification(g):
    with pytest.raises(DomainError) as refused:
        opinion(g, target=g.vertical)
    assert refused.value.code == "supervision.graph.vertical_notification_only"
    inst = opinion(g, target=g.vertical, kind="upper_notification", title="关于某税务所执法问题的告知函")
    assert inst.addressee == "国家税务总局某省税务局" and inst.number.startswith("监司监告")
    inst = svc.serve(inst, actor=g.city_sup, method="邮寄送达")
    svc.submit_report(inst, actor=g.city_sup, text="上级主管部门复函：已督促整改。")  # entered by the issuer
    assert Instrument.objects.get(pk=inst.pk).status == InstrumentStatus.REPORTED
    g.vertical.upper_department = ""
    g.vertical.save()
    with pytest.raises(DomainError) as refused:
        opinion(g, target=g.vertical, kind="upper_notification")
    assert refused.value.code == "supervision.instrument.no_upper_department"


def test_bad_input_saves_nothing(g):
    before = Instrument.objects.count()
    for kwargs, code in [
        ({"time_limit": dt.date(2026, 3, 10)}, "supervision.instrument.time_limit_past"),
        ({"target": g.outside}, "supervision.graph.out_of_scope"),
        ({"actor": g.office_sup}, "supervision.graph.office_cannot_issue"),
        ({"legal_basis": " "}, "supervision.instrument.incomplete"),
    ]:
        with pytest.raises(DomainError) as refused:
            opinion(g, **kwargs)
        assert refused.value.code == code
    assert Instrument.objects.count() == before
    assert not Entry.objects.filter(kind__startswith="supervision.").exists()


def test_only_the_right_side_acts(g):
    inst = opinion(g)
    with pytest.raises(DomainError) as refused:
        svc.serve(inst, actor=g.county_head, method="直接送达")
    assert refused.value.code == "supervision.instrument.not_issuer"
    inst = svc.serve(inst, actor=g.city_sup, method="直接送达")
    with pytest.raises(DomainError) as refused:
        svc.submit_report(inst, actor=g.county_officer, text="x")
    assert refused.value.code == "supervision.instrument.not_target"
