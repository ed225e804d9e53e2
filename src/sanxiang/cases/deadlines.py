"""Running time limits of cases: start, stop, extend, pause, and the daily tick.

A deadline's length is a rule parameter (I8); its due date is recomputed from the start date and
the total of base period, approved extensions and paused time (TIME-09), so a pause or an
extension never drifts through repeated arithmetic.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import Case, Deadline
from sanxiang.cases.workflow import DeadlineSpec
from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError

OPEN = (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE)


def _recompute(deadline: Deadline) -> None:
    total = deadline.amount + deadline.extension_amount + deadline.paused_amount
    due = calendar.due_date(deadline.starts_on, total, deadline.unit)
    deadline.due_on, deadline.provisional = due.date, due.provisional


def start(case: Case, spec: DeadlineSpec, starts_on: dt.date) -> Deadline:
    rule = rules.param(spec.rule, on=starts_on, agency=case.agency)
    case.deadlines.filter(code=spec.code, status__in=OPEN).update(status=DeadlineStatus.CANCELLED)
    deadline = Deadline(
        case=case,
        code=spec.code,
        label=spec.label,
        rule_code=spec.rule,
        citation=rule.citation[:300],
        starts_on=starts_on,
        amount=int(rule.value),
        unit=rule.unit,
    )
    _recompute(deadline)
    deadline.save()
    return deadline


def stop(case: Case, code: str, on: dt.date) -> None:
    for deadline in case.deadlines.filter(code=code, status__in=OPEN):
        deadline.met_on = on
        deadline.status = DeadlineStatus.MET if on <= deadline.due_on else DeadlineStatus.LATE
        deadline.paused_since = None
        deadline.save(update_fields=["met_on", "status", "paused_since"])


def open_deadline(case: Case, code: str) -> Deadline:
    deadline = case.deadlines.filter(code=code, status__in=OPEN).first()
    if deadline is None:
        raise DomainError("case.deadline.not_running", "没有正在计时的该项期限。")
    return deadline


def extend(case: Case, code: str, rule_code: str, on: dt.date) -> Deadline:
    deadline = open_deadline(case, code)
    rule = rules.param(rule_code, on=on, agency=case.agency)
    deadline.extensions += 1
    deadline.extension_amount += int(rule.value)
    _recompute(deadline)
    if deadline.status == DeadlineStatus.OVERDUE and deadline.due_on >= clock.today():
        deadline.status, deadline.overdue_since = DeadlineStatus.RUNNING, None
    deadline.save()
    return deadline


def pause(case: Case, code: str, on: dt.date) -> Deadline:
    deadline = open_deadline(case, code)
    if deadline.status == DeadlineStatus.PAUSED:
        raise DomainError("case.deadline.already_paused", "该期限已中止计时。")
    deadline.status, deadline.paused_since = DeadlineStatus.PAUSED, on
    deadline.save(update_fields=["status", "paused_since"])
    return deadline


def resume(case: Case, code: str, on: dt.date) -> Deadline:
    deadline = open_deadline(case, code)
    if deadline.status != DeadlineStatus.PAUSED or deadline.paused_since is None:
        raise DomainError("case.deadline.not_paused", "该期限未中止计时。")
    if on < deadline.paused_since:
        raise DomainError("case.deadline.resume_before_pause", "恢复计时日期不能早于中止日期。")
    if deadline.unit == calendar.Unit.WORKING_DAYS:
        deadline.paused_amount += calendar.working_days_between(deadline.paused_since, on)
    else:
        deadline.paused_amount += (on - deadline.paused_since).days
    deadline.status, deadline.paused_since = DeadlineStatus.RUNNING, None
    _recompute(deadline)
    deadline.save()
    return deadline


@transaction.atomic
def tick(today: dt.date | None = None) -> dict[str, int]:
    """Mark running deadlines past their due date overdue; report what changed."""
    today = today or clock.today()
    newly = Deadline.objects.filter(status=DeadlineStatus.RUNNING, due_on__lt=today)
    ids = list(newly.values_list("pk", flat=True))
    for deadline in Deadline.objects.filter(pk__in=ids):
        deadline.status = DeadlineStatus.OVERDUE
        deadline.overdue_since = deadline.due_on + dt.timedelta(days=1)
        deadline.save(update_fields=["status", "overdue_since"])
    due_soon = Deadline.objects.filter(
        Q(status=DeadlineStatus.RUNNING), due_on__gte=today, due_on__lte=calendar.add_working_days(today, 2)
    ).count()
    return {"newly_overdue": len(ids), "due_within_2_working_days": due_soon}
