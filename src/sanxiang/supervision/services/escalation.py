"""Automatic escalation and alerts for unanswered supervision items (`sanxiang tick`).

* **Instruments** (Art. 41: non-response escalates automatically and is recorded so the matter can
  be referred): an open instrument whose move is the target's (served, awaiting the rectification
  report) and whose due date passed more than `SX-SUP-14.instrument_grace` working days ago is
  escalated (`instruments.escalate_unanswered`: status 已升级处理, event, record entry, exchange
  signal) and an alert is raised for the issuer and the supervision organ one level up.
* **Clues** (Art. 39): a clue whose current step is more than `SX-SUP-14.clue_grace` working days
  past its due date raises one alert per step due date, for the clue's organ and the one above.

The grace periods are product defaults (confidence U, shown as 待核实 wherever they are cited).
Idempotent: an alert is keyed by item and due date, so a second tick the same day raises nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.supervision.models.alerts import AlertKind, SupervisionAlert
from sanxiang.supervision.models.instruments import Instrument, InstrumentStatus
from sanxiang.supervision.services import graph

log = logging.getLogger(__name__)


def _past_grace(due: dt.date, rule: rules.RuleValue, today: dt.date) -> bool:
    return calendar.due_date(due, int(rule.value), rule.unit or "working_days").date < today


def _upper(agency):
    """The supervision organ one level up from `agency` (None at the top of the installation)."""
    upper = graph.supervising_bureau(agency)
    return upper if upper is not None and upper.pk != agency.pk else None


def _raise(*, key: str, kind: str, agency, due_on, message: str, rule: rules.RuleValue, **refs):
    if SupervisionAlert.objects.filter(key=key).exists():
        return None
    return SupervisionAlert.objects.create(
        key=key,
        kind=kind,
        agency=agency,
        notified=_upper(agency),
        due_on=due_on,
        message=message[:300],
        rule=f"{rule.code}：{rule.citation}"[:300],
        provisional=rule.provisional,
        raised_at=clock.now(),
        **refs,
    )


def escalate_instruments(today: dt.date | None = None) -> list[SupervisionAlert]:
    today = today or clock.today()
    rule = rules.param("SX-SUP-14.instrument_grace", on=today)
    raised = []
    candidates = Instrument.objects.filter(
        status__in=(InstrumentStatus.ISSUED, InstrumentStatus.SERVED),
        due_party="target",
        due_on__lt=today,
    ).select_related("issuer", "target", "owner")
    for inst in candidates:
        if not _past_grace(inst.due_on, rule, today):
            continue
        reason = (
            f"被监督机关逾期（期限{inst.due_on:%Y-%m-%d}）未提交整改（答复）报告，系统自动升级处理"
            f"（《行政执法监督条例》第41条；{rule.code}宽限{rule.value}个工作日，可信度{rule.confidence}）。"
        )
        try:
            with transaction.atomic():
                alert = _escalate_one(inst, reason, rule)
        except Exception:  # one broken instrument never stops the others
            log.exception("supervision escalation of %s failed", inst.number)
            continue
        if alert:
            raised.append(alert)
    return raised


def _escalate_one(inst: Instrument, reason: str, rule: rules.RuleValue) -> SupervisionAlert | None:
    from sanxiang.supervision.services import instruments

    instruments.escalate_unanswered(inst, reason=reason, rule=rule.code)
    return _raise(
        key=f"instrument:{inst.pk}:{inst.due_on.isoformat()}",
        kind=AlertKind.INSTRUMENT_ESCALATED,
        agency=inst.issuer,
        due_on=inst.due_on,
        message=f"{inst.number}（{inst.target.name}）逾期未报告整改，已自动升级处理",
        rule=rule,
        instrument=inst,
    )


def alert_clues(today: dt.date | None = None) -> list[SupervisionAlert]:
    from sanxiang.supervision.choices import ClueStatus
    from sanxiang.supervision.models.clues import Clue

    today = today or clock.today()
    rule = rules.param("SX-SUP-14.clue_grace", on=today)
    done = (ClueStatus.CLOSED, ClueStatus.DISMISSED, ClueStatus.MERGED)
    raised = []
    overdue = Clue.objects.filter(step_due_on__lt=today).exclude(status__in=done).select_related("agency")
    for clue in overdue:
        if not _past_grace(clue.step_due_on, rule, today):
            continue
        with transaction.atomic():
            alert = _raise(
                key=f"clue:{clue.pk}:{clue.status}:{clue.step_due_on.isoformat()}",
                kind=AlertKind.CLUE_OVERDUE,
                agency=clue.agency,
                due_on=clue.step_due_on,
                message=f"线索{clue.number}“{clue.title[:60]}”{clue.get_status_display()}环节逾期未办理",
                rule=rule,
                clue=clue,
            )
            if alert:
                from sanxiang.supervision.services.common import record

                record(
                    clue.stream,
                    "clue.overdue_alert",
                    {"due_on": clue.step_due_on.isoformat(), "status": clue.status, "rule": alert.rule},
                    agency=clue.agency,
                )
                raised.append(alert)
    return raised


def tick() -> dict[str, int]:
    """The daily job: one failing part is logged and never stops the other (or other apps' ticks)."""
    counts = {"instruments_escalated": 0, "clue_alerts": 0}
    for key, job in (("instruments_escalated", escalate_instruments), ("clue_alerts", alert_clues)):
        try:
            counts[key] = len(job())
        except Exception:
            log.exception("supervision escalation: %s failed", key)
    return counts


def alerts_for(user, *, open_only: bool = True):
    qs = SupervisionAlert.objects.restrict(user).select_related("agency", "notified", "instrument", "clue")
    return qs.filter(acknowledged_at__isnull=True) if open_only else qs
