"""Dashboards, scorecard and task tracker in the demo: the 24 tasks loaded, each enforcement
agency's progress on some of them (some done with evidence, some in progress, one overdue and
never reported), supporting rules, AV devices named by the demo's bodycam evidence, and the
scorecard indicators seeded. Charts and the scorecard read the demo cases themselves."""

from __future__ import annotations

import datetime as dt
import logging

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.supervision.models import PolicyTask, TaskReport
from sanxiang.supervision.models.policy import TaskStatus
from sanxiang.supervision.services import policy, scorecard

log = logging.getLogger("sanxiang.supervision.demo")

RULES = (
    (20, "行政执法公示办法", "公示"),
    (20, "行政执法全过程记录办法", "记录"),
    (20, "重大执法决定法制审核办法", "审核"),
    (12, "重大执法决定法制审核目录清单", "目录"),
    (7, "音像记录事项清单及管理规定", "音像"),
)


def register(hooks) -> None:
    hooks.finally_(populate)


def populate(cast) -> None:
    if not cast.first_load:
        return
    scorecard.seed_indicators()
    policy.load_tasks()
    tasks = {t.number: t for t in PolicyTask.objects.all()}
    rng = cast.rng
    today = cast.today
    for n, (code, agency) in enumerate(sorted(cast.agencies.items())):
        if agency.is_justice_bureau:
            continue
        staff = cast.world.staffing.get(code)
        head = getattr(staff, "head", None)
        if head is None:
            continue
        with clock.frozen(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(10, 0))):
            _reports(agency, head, tasks, rng, n)
            _rules(agency, head, tasks, n)
            _devices(agency, head, n)


def _reports(agency, head, tasks, rng, n) -> None:
    if TaskReport.objects.filter(agency=agency).exists():
        return
    done = [1, 2, 3, 10, 11, 12, 14, 20] if n % 3 else [1, 3, 10, 12]
    running = [4, 5, 6, 7, 8, 9, 13, 16, 18, 21]
    for number in done:
        task = tasks[number]
        due = task.due_for(agency) or clock.today()
        try:
            policy.report_progress(
                agency,
                task,
                actor=head,
                status=TaskStatus.DONE,
                progress=100,
                note=f"已按要求完成“{task.title}”，相关制度已印发执行。",
                evidence=f"{agency.short_name}发〔{due.year}〕{10 + number}号",
                completed_on=min(due, clock.today())
                if number != 14 or n % 2
                else due + dt.timedelta(days=20),
            )
        except DomainError as refusal:
            log.info("demo: task %s not reported: %s", number, refusal.message)
    for number in rng.sample(running, 5):
        task = tasks[number]
        policy.report_progress(
            agency,
            task,
            actor=head,
            status=TaskStatus.IN_PROGRESS,
            progress=rng.choice([30, 50, 60, 80]),
            note=f"“{task.title}”正在推进：已明确责任科室，按季度报告进展。",
        )


def _rules(agency, head, tasks, n) -> None:
    from sanxiang.supervision.models import SupportingRule

    if SupportingRule.objects.filter(agency=agency).exists():
        return
    for i, (number, title, short) in enumerate(RULES[: 3 + n % 3]):
        policy.add_rule(
            agency,
            actor=head,
            title=f"{agency.name}{title}",
            doc_number=f"{agency.short_name}〔2019〕{20 + i}号",
            adopted_on=dt.date(2019, 8, 20 + i),
            task=tasks[number],
            note=f"{short}类配套制度",
        )


def _devices(agency, head, n) -> None:
    from sanxiang.records.models import Evidence
    from sanxiang.supervision.models import AVDevice

    used = list(
        Evidence.objects.filter(case__agency=agency)
        .exclude(device_number="")
        .values_list("device_number", flat=True)
        .distinct()[:6]
    )
    numbers = used + [f"{agency.code.upper()}-DV-{k:03d}" for k in range(1, 4 + n % 3)]
    for k, number in enumerate(numbers):
        if AVDevice.objects.filter(number=number).exists():
            continue
        try:
            policy.add_device(
                agency,
                actor=head,
                number=number,
                kind="bodycam" if k < len(numbers) - 1 else "hearing_room",
                model_name="DSJ-V9" if k < len(numbers) - 1 else "询问室同步录音录像系统",
                acquired_on=dt.date(2019, 11, 1) + dt.timedelta(days=30 * k),
                keeper=head.display_name,
                status="in_use" if k % 5 else "repair",
            )
        except DomainError as refusal:
            log.info("demo: device %s not added: %s", number, refusal.message)
