"""What every supervision service shares (clues, follow-ups, findings, evaluations, tasks,
instruments): the record entry of each act (DESIGN.md I2), the exchange signal, the read log
(Art. 40: every supervisor read is logged), due dates from rule parameters (I8) and the
supervisor check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.core.errors import Forbidden
from sanxiang.core.roles import Role
from sanxiang.core.scoping import agency_in_scope
from sanxiang.org.models import Agency
from sanxiang.records import services as records
from sanxiang.supervision.signals import supervision_changed

# --- record entries ------------------------------------------------------------------------------


def record(stream: str, kind: str, payload: dict[str, Any], *, actor=None, agency=None, case=None):
    """Append one act to the record log (DESIGN.md I2), in the caller's transaction: supervision
    acts that are not acts of a case chain go to their own stream (clue:…, followup:…, finding:…,
    evaluation:…, supervision-task:…, supervision-instrument:…)."""
    return records.append(kind=kind, payload=payload, actor=actor, agency=agency, stream=stream, case=case)


def record_act(obj, kind: str, actor, payload: dict[str, Any], *, agency=None) -> None:
    """A task's or instrument's act, in the object's own stream, as `supervision.<kind>`."""
    record(
        obj.stream,
        f"supervision.{kind}",
        payload,
        actor=actor,
        agency=agency or getattr(obj, "agency", None) or getattr(obj, "issuer", None),
    )


def emit(topic: str, key: str, payload: dict[str, Any], agency) -> None:
    """Tell the exchange (Art. 37 ¶2) in the caller's transaction; supervision never imports it."""
    supervision_changed.send(None, topic=topic, key=key, payload=payload, agency=agency)


def log_read(user, obj, *, what: str) -> None:
    """Log a staff read of a supervision object (Art. 40) as a record entry of its stream."""
    with transaction.atomic():
        record_act(obj, "read", user, {"object": what, "id": obj.pk, "user": user.username})


# --- due dates from rule parameters (I8) ----------------------------------------------------------


def rule_due(code: str, start: dt.date, *, agency: Any = None, default_unit: str = "working_days"):
    """The due date the rule parameter `code` sets from `start`: (calendar.Due, RuleValue)."""
    value = rules.param(code, on=start, agency=agency)
    return calendar.due_date(start, int(value.value), value.unit or default_unit), value


def step_due(start: dt.date, step: str, *, agency: Any = None) -> tuple[dt.date, str, bool]:
    """The due date of a clue/follow-up step (SX-SUP-01.<step>, working days on the Chinese
    calendar with make-up workdays); returns (date, citation, provisional)."""
    due, value = rule_due(f"SX-SUP-01.{step}", start, agency=agency)
    unit = {"working_days": "个工作日", "calendar_days": "日"}.get(value.unit, value.unit)
    default = "，可配置默认值" if value.provisional else ""
    return (
        due.date,
        f"{value.code}（{value.value}{unit}，可信度{value.confidence}{default}）",
        due.provisional,
    )


def due_from_rule(code: str, start: dt.date | None = None) -> tuple[dt.date, str]:
    """The due date a rule parameter sets from `start` (default today) and the rule's citation."""
    due, value = rule_due(code, start or clock.today(), default_unit="")
    return due.date, value.citation


# --- who acts ----------------------------------------------------------------------------------


def supervising_body(agency: Agency) -> Agency:
    """The justice bureau (监督机构) nearest above `agency` in the division tree; the agency itself
    when there is none (e.g. a fresh installation without a justice bureau)."""
    if agency.is_justice_bureau:
        return agency
    path = agency.division.path
    bureaus = [
        b
        for b in Agency.objects.filter(is_justice_bureau=True).select_related("division")
        if path.startswith(b.division.path)
    ]
    if not bureaus:
        return agency
    return max(bureaus, key=lambda b: len(b.division.path))


def require_supervisor(actor, agency: Agency, *, action: str = "change") -> None:
    """Acts on supervision objects: a supervisor (or head) of the owning agency, or for reads a
    supervisor whose scope (core.scoping, the supervision graph) covers it."""
    if actor is None or getattr(actor, "agency", None) is None:
        raise Forbidden("supervision.forbidden", _("无权办理该事项。"))
    if not (actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.HEAD)):
        raise Forbidden("supervision.forbidden", _("只有执法监督人员或负责人可以办理该事项。"))
    if not agency_in_scope(actor, agency, action):
        raise Forbidden("supervision.forbidden", _("该事项不在您的监督范围内。"))


def today() -> dt.date:
    return clock.today()


def iso(value) -> str | None:
    return value.isoformat() if value else None
