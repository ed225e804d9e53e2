"""Demo clues, follow-ups, findings and case-file evaluations (issues 7 and 11).

* a 12345 hotline clue under assessment (order number DEMO_HOTLINE_NO; the supervision-task part of
  the demo escalates it to key supervision), and a duplicate of it merged into it;
* a portal clue dismissed and replied to, an enterprise appeal being handled with its follow-up
  item answered, a letter passed between agencies three times (推诿扯皮);
* the enterprise inspection register: one company inspected three times this year, once without
  a plan or basis (乱检查);
* the clue models and detection rules run by the tick on the demo cases;
* the deliberately incomplete case (documents demo: one closed penalty case of 云溪市市场监督管理局
  walked without its 立案审批表): its evaluation at closing shows EV-DOCS (缺少文书) and gets a
  supervisor's manual score and a rectification item.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from sanxiang.core import calendar
from sanxiang.supervision.choices import ClueChannel
from sanxiang.supervision.models import Clue, Evaluation, FollowUp
from sanxiang.supervision.services import clues, evaluation, findings
from sanxiang.supervision.services.detection import run_detectors

log = logging.getLogger(__name__)
DEMO_HOTLINE_NO = "20260000012345"


def register(hooks) -> None:
    hooks.finally_(load)


def _back(day: dt.date, n: int) -> dt.date:
    while n:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def load(cast) -> None:
    if Clue.objects.filter(hotline_order_no=DEMO_HOTLINE_NO).exists():
        return
    try:
        with transaction.atomic():
            _load(cast)
    except Exception:
        log.exception("supervision demo (clues) failed")


def _load(cast) -> None:
    today = cast.today
    supervisor, head = cast.users["supervisor"], cast.users["head"]
    scjg, cg = cast.agencies["yx-scjg"], cast.agencies["yx-cg"]
    hotline = clues.register_clue(
        actor=supervisor,
        channel=ClueChannel.HOTLINE,
        hotline_order_no=DEMO_HOTLINE_NO,
        title="企业反映一个月内被同一部门检查五次",
        content="云溪市某食品企业（演示数据）通过12345热线反映：本月内市场监管部门先后五次到店检查，"
        "其中两次未出示检查计划，影响正常经营。",
        received_on=_back(today, 2),
        complainant_kind="enterprise",
        complainant_name="云溪示例食品有限公司（演示）",
        complainant_phone="0739-8800000",
        agencies=[scjg],
    )
    clues.assign_owner(hotline, actor=supervisor, owner=supervisor)
    duplicate = clues.register_clue(
        actor=supervisor,
        channel=ClueChannel.HOTLINE,
        hotline_order_no=DEMO_HOTLINE_NO,
        title="企业反映一个月内被同一部门检查五次（重复派单）",
        content="同一工单的重复派单。",
        received_on=_back(today, 1),
        agencies=[scjg],
    )
    clues.merge(duplicate, into=hotline, actor=supervisor, reason="同一12345工单重复派单")

    portal = clues.register_clue(
        actor=None,
        public=True,
        agency=cg,
        channel=ClueChannel.ONLINE_FORM,
        title="占道经营处罚是否合规",
        content="反映城管执法人员对流动摊贩罚款未出具决定书（演示数据）。",
        complainant_kind="person",
        complainant_name="王某（演示）",
        complainant_phone="13900001234",
        received_on=_back(today, 8),
    )
    clues.assess(
        portal,
        actor=supervisor,
        assessment="经调阅，已当场出具简易程序处罚决定书并送达。",
        decision="dismiss",
        reason="反映问题不属实。",
    )
    clues.reply(
        portal, actor=supervisor, text="经核查，执法人员已当场出具处罚决定书并送达，程序合法。感谢监督。"
    )

    appeal = clues.register_clue(
        actor=supervisor,
        channel=ClueChannel.ENTERPRISE_APPEAL,
        title="企业诉求：罚款后未告知整改要求",
        content="企业反映被罚款后，执法部门未告知如何整改（演示数据）。",
        received_on=_back(today, 6),
        agencies=[scjg],
    )
    appeal = clues.assess(appeal, actor=supervisor, assessment="需核查是否责令改正。", decision="handle")
    item = FollowUp.objects.get(clue=appeal)
    clues.assign_follow_up(item, actor=supervisor, assignee_agency=scjg)
    clues.respond(item, actor=head, response="已向企业送达责令改正通知，并开展行政指导。")

    letter = clues.register_clue(
        actor=supervisor,
        channel=ClueChannel.LETTERS_VISITS,
        title="居民来信：小区门口违法建设无人处理",
        content="来信反映违法建设多次投诉无果（演示数据）。",
        received_on=_back(today, 25),
        agencies=[cg],
    )
    for target in (cg, cast.agencies["yx-zrzy"], cg):
        clues.assess(
            letter, actor=supervisor, assessment="按职责转办。", decision="transfer", transfer_to=target
        )

    _inspections(cast)
    run_detectors(today=today, codes=["FD-BUCK-PASSING", "FD-INSPECTION", "FD-NOT-FILED"])
    _incomplete_case(cast)


def _inspections(cast) -> None:
    from sanxiang.cases.models import Party

    officer = cast.users["officer"]
    party = Party.objects.filter(agency=officer.agency, kind="organisation").order_by("pk").first()
    if party is None:
        return
    year_start = dt.date(cast.today.year, 1, 1)
    days = [d for d in (year_start + dt.timedelta(days=i * 20 + 5) for i in range(6)) if d <= cast.today][-3:]
    for n, day in enumerate(days):
        findings.record_inspection(
            actor=officer,
            party=party,
            inspected_on=day,
            basis="" if n == 1 else "年度“双随机、一公开”抽查计划",
            planned=n != 1,
            plan_ref="" if n == 1 else f"SJ-{day.year}-0{n + 1}",
            inspectors=[officer, cast.users["officer2"]],
        )


def _incomplete_case(cast) -> None:
    supervisor = cast.users["supervisor"]
    evaluations = Evaluation.objects.filter(
        is_current=True, agency=cast.agencies["yx-scjg"], items__isnull=False
    ).order_by("auto_score", "pk")
    chosen = getattr(cast, "incomplete_case", None)
    worst = (
        (evaluations.filter(case__number=chosen).first() if chosen else None)
        or evaluations.filter(items__rule_code="EV-DOCS").first()
        or evaluations.first()
    )
    if worst is None:
        return
    evaluation.add_manual_score(
        worst, actor=supervisor, score="60", comment="自动评查发现的问题属实；另说理部分较简略。（演示）"
    )
    evaluation.require_rectification(worst, actor=supervisor, instruction="请补齐缺失文书并完善案卷。")
