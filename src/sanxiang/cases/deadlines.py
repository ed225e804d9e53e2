"""Running time limits of cases: start, stop, extend, pause, and the daily tick.

A deadline's length is a rule parameter (I8) whose unit says how it is counted: working days
(行政处罚法 Art. 85, 行政许可法 Art. 82, 行政强制法 Art. 69 — TIME-01…03), calendar days, months,
or hours (FORCE-04: report an emergency measure within 24 hours). Its due date is recomputed from
the start and the total of base period, approved extensions and paused time (TIME-09), so a pause
or an extension never drifts through repeated arithmetic. Every pause is kept in `pauses` with its
reason, so the case page and the dossier show why the clock moved.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import AlertKind, Case, Deadline, DeadlineAlert
from sanxiang.cases.workflow import DeadlineSpec
from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError

log = logging.getLogger(__name__)

OPEN = (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE)
HOURS = "hours"


def _recompute(deadline: Deadline) -> None:
    total = deadline.amount + deadline.extension_amount + deadline.paused_amount
    if deadline.unit == HOURS:
        start = deadline.starts_at or _start_of(deadline.starts_on)
        deadline.due_at = start + dt.timedelta(hours=total)
        deadline.due_on = timezone.localtime(deadline.due_at).date()
        deadline.provisional = False
        return
    due = calendar.due_date(deadline.starts_on, total, deadline.unit)
    deadline.due_on, deadline.provisional = due.date, due.provisional


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


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
    if rule.unit == HOURS:
        # An act done today runs from now; one entered for an earlier day from that day's start
        # (the earlier, stricter reading when the hour is unknown).
        deadline.starts_at = clock.now() if starts_on == clock.today() else _start_of(starts_on)
    _recompute(deadline)
    deadline.save()
    return deadline


def stop(case: Case, code: str, on: dt.date) -> None:
    now = clock.now()
    for deadline in case.deadlines.filter(code=code, status__in=OPEN):
        deadline.met_on = on
        if deadline.due_at is not None and on == clock.today():
            in_time = now <= deadline.due_at
        else:
            in_time = on <= deadline.due_on
        deadline.status = DeadlineStatus.MET if in_time else DeadlineStatus.LATE
        if deadline.paused_since is not None:
            _close_pause(deadline, on)
        deadline.save()


def open_deadline(case: Case, code: str) -> Deadline:
    deadline = case.deadlines.filter(code=code, status__in=OPEN).first()
    if deadline is None:
        raise DomainError("case.deadline.not_running", _("没有正在计时的该项期限。"))
    return deadline


def extend(case: Case, code: str, rule_code: str, on: dt.date) -> Deadline:
    deadline = open_deadline(case, code)
    rule = rules.param(rule_code, on=on, agency=case.agency)
    if rule.unit and rule.unit != deadline.unit:
        raise DomainError(
            "case.deadline.extension_unit",
            _("延长期间的计算单位与原期限不一致（%(citation)s）。") % {"citation": rule.citation},
        )
    deadline.extensions += 1
    deadline.extension_amount += int(rule.value)
    _recompute(deadline)
    if deadline.status == DeadlineStatus.OVERDUE and deadline.due_on >= clock.today():
        deadline.status, deadline.overdue_since = DeadlineStatus.RUNNING, None
    deadline.save()
    return deadline


def pause(case: Case, code: str, on: dt.date, reason: str = "") -> Deadline:
    deadline = open_deadline(case, code)
    if deadline.status == DeadlineStatus.PAUSED:
        raise DomainError("case.deadline.already_paused", _("该期限已中止计时。"))
    if on < deadline.starts_on:
        raise DomainError("case.deadline.pause_before_start", _("中止计时日期不能早于期限起算日。"))
    deadline.status, deadline.paused_since = DeadlineStatus.PAUSED, on
    deadline.pauses = [*deadline.pauses, {"from": on.isoformat(), "to": None, "reason": reason, "amount": 0}]
    deadline.save(update_fields=["status", "paused_since", "pauses"])
    return deadline


def _paused_length(deadline: Deadline, since: dt.date, until: dt.date) -> int:
    if deadline.unit == calendar.Unit.WORKING_DAYS:
        return calendar.working_days_between(since, until)
    if deadline.unit == HOURS:
        return (until - since).days * 24
    return (until - since).days


def _close_pause(deadline: Deadline, on: dt.date) -> int:
    amount = _paused_length(deadline, deadline.paused_since, on)
    pauses = list(deadline.pauses) or [{"from": deadline.paused_since.isoformat(), "reason": ""}]
    pauses[-1] = {**pauses[-1], "to": on.isoformat(), "amount": amount}
    deadline.pauses, deadline.paused_since = pauses, None
    return amount


def resume(case: Case, code: str, on: dt.date) -> Deadline:
    deadline = open_deadline(case, code)
    if deadline.status != DeadlineStatus.PAUSED or deadline.paused_since is None:
        raise DomainError("case.deadline.not_paused", _("该期限未中止计时。"))
    if on < deadline.paused_since:
        raise DomainError("case.deadline.resume_before_pause", _("恢复计时日期不能早于中止日期。"))
    deadline.paused_amount += _close_pause(deadline, on)
    deadline.status = DeadlineStatus.RUNNING
    _recompute(deadline)
    if deadline.due_on < clock.today():
        deadline.status, deadline.overdue_since = DeadlineStatus.OVERDUE, deadline.due_on + dt.timedelta(1)
    deadline.save()
    return deadline


# --- what a running clock shows ----------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A deadline as the case page shows it: how much of the period is used and what remains."""

    deadline: Deadline
    total: int  # base + extensions + pauses already closed
    elapsed: int
    remaining: int  # negative once overdue
    unit: str

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)


UNIT_LABELS = {
    calendar.Unit.WORKING_DAYS: gettext_lazy("个工作日"),
    calendar.Unit.CALENDAR_DAYS: gettext_lazy("日"),
    calendar.Unit.MONTHS: gettext_lazy("个月"),
    calendar.Unit.YEARS: gettext_lazy("年"),
    HOURS: gettext_lazy("小时"),
}


def clock_of(deadline: Deadline, now: dt.datetime | None = None) -> Clock:
    now = now or clock.now()
    today = timezone.localtime(now).date()
    until = deadline.paused_since or deadline.met_on or today
    total = deadline.amount + deadline.extension_amount
    if deadline.unit == HOURS and deadline.due_at is not None:
        remaining = int((deadline.due_at - now).total_seconds() // 3600)
        return Clock(deadline, total, total - remaining, remaining, HOURS)
    if deadline.unit == calendar.Unit.WORKING_DAYS:
        elapsed = calendar.working_days_between(deadline.starts_on, until) - deadline.paused_amount
        remaining = calendar.working_days_between(until, deadline.due_on)
    else:
        elapsed = (until - deadline.starts_on).days - deadline.paused_amount
        remaining = (deadline.due_on - until).days
    return Clock(deadline, total, max(elapsed, 0), remaining, deadline.unit)


# --- service and payment dates (PEN-22, PEN-29, PEN-31) ------------------------------------------


def effective_service_date(method: str, served_on: dt.date, agency=None) -> dt.date:
    """The day service takes effect: the day it was done, except public notice (公告送达), which is
    deemed served when the notice period has run (PEN-22: 民事诉讼法 Art. 95)."""
    if method != "public_notice":
        return served_on
    rule = rules.param("PEN-22.deemed_served_after", on=served_on, agency=agency)
    return calendar.due_date(
        served_on, int(rule.value), rule.unit or "calendar_days", roll_forward=False
    ).date


def late_payment_surcharge(fine: Decimal, due_on: dt.date, paid_on: dt.date, paused_days: int = 0) -> Decimal:
    """加处罚款 (PEN-31): 3% of the fine per day after the payment deadline, never more than the fine;
    days of reconsideration or litigation (`paused_days`) are not counted (行政处罚法 Arts. 72-73)."""
    rate = rules.param("PEN-31.daily_rate", on=due_on)
    cap = Decimal(str(rules.param("PEN-31.cap_ratio_of_fine", on=due_on).value))
    days = max((paid_on - due_on).days - paused_days, 0)
    return min(fine * rate.amount * days, fine * cap).quantize(Decimal("0.01"))


# --- the tick: overdue states and alerts ---------------------------------------------------------


def _warn_window(today: dt.date) -> dt.date:
    rule = rules.param("SX-DL-01.warn_before", on=today)
    return calendar.add_working_days(today, int(rule.value))


def _raise(deadline: Deadline, kind: str, now: dt.datetime) -> DeadlineAlert | None:
    if DeadlineAlert.objects.filter(deadline=deadline, kind=kind).exists():
        return None
    when = (
        f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}"
        if deadline.due_at
        else f"{deadline.due_on:%Y-%m-%d}"
    )
    what = "已逾期" if kind == AlertKind.OVERDUE else "即将届满"
    return DeadlineAlert.objects.create(
        deadline=deadline,
        case=deadline.case,
        agency=deadline.case.agency,
        kind=kind,
        due_on=deadline.due_on,
        message=f"{deadline.case.number}“{deadline.label}”{what}（届满{when}，{deadline.citation}）"[:300],
        raised_at=now,
    )


@transaction.atomic
def tick(now: dt.datetime | dt.date | None = None) -> dict[str, int]:
    """Mark running deadlines past their due date (or hour) overdue, and raise each alert once."""
    if isinstance(now, dt.date) and not isinstance(now, dt.datetime):
        now = timezone.make_aware(dt.datetime.combine(now, dt.time(12)))
    now = now or clock.now()
    today = timezone.localtime(now).date()
    newly = 0
    running = Deadline.objects.filter(status=DeadlineStatus.RUNNING).select_related("case__agency")
    for deadline in running.filter(due_on__lte=today).select_for_update(of=("self",)):
        late = deadline.due_at < now if deadline.due_at is not None else deadline.due_on < today
        if late:
            deadline.status = DeadlineStatus.OVERDUE
            deadline.overdue_since = (
                timezone.localtime(deadline.due_at).date()
                if deadline.due_at
                else deadline.due_on + dt.timedelta(1)
            )
            deadline.save(update_fields=["status", "overdue_since"])
            newly += 1
    raised: list[DeadlineAlert] = []
    overdue = Deadline.objects.filter(status=DeadlineStatus.OVERDUE).exclude(alerts__kind=AlertKind.OVERDUE)
    for deadline in overdue.select_related("case__agency"):
        raised.append(_raise(deadline, AlertKind.OVERDUE, now))
    soon = Deadline.objects.filter(
        status=DeadlineStatus.RUNNING, due_on__gte=today, due_on__lte=_warn_window(today)
    ).exclude(alerts__kind=AlertKind.DUE_SOON)
    for deadline in soon.select_related("case__agency"):
        raised.append(_raise(deadline, AlertKind.DUE_SOON, now))
    raised = [a for a in raised if a is not None]
    if raised and getattr(settings, "SANXIANG_DEADLINE_MAIL", False):
        ids = [a.pk for a in raised]
        transaction.on_commit(lambda: mail_alerts(ids))
    return {
        "newly_overdue": newly,
        "alerts_raised": len(raised),
        "open_alerts": DeadlineAlert.objects.filter(acknowledged_at__isnull=True).count(),
    }


def mail_alerts(alert_ids: list[int]) -> int:
    """E-mail each alert to the case's handlers who have an address (Django's mail settings)."""
    from django.core.mail import send_mail

    sent = 0
    for alert in DeadlineAlert.objects.filter(pk__in=alert_ids, mailed=False).select_related("case"):
        to = [u.email for u in alert.case.handlers.all() if u.email]
        if not to:
            continue
        try:
            send_mail(f"[办案时限] {alert.message[:60]}", alert.message, None, to)
        except OSError:  # the mail server is optional; the alert stays on the workbench
            log.warning("deadline alert %s could not be mailed", alert.pk)
            continue
        DeadlineAlert.objects.filter(pk=alert.pk).update(mailed=True)
        sent += 1
    return sent


@transaction.atomic
def acknowledge(alert: DeadlineAlert, *, actor) -> DeadlineAlert:
    """A handler or head marks an alert as seen (the deadline itself keeps running)."""
    from sanxiang.core.scoping import CHANGE, agency_in_scope

    if not agency_in_scope(actor, alert.agency, CHANGE):
        raise DomainError("case.alert.forbidden", _("只能处理本机关的时限预警。"))
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = clock.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert
