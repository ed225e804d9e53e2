"""Helpers shared by the clue, follow-up, finding and evaluation services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.core.errors import Forbidden
from sanxiang.core.roles import Role
from sanxiang.core.scoping import agency_in_scope
from sanxiang.org.models import Agency
from sanxiang.records import services as records


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


def step_due(start: dt.date, step: str, *, agency: Any = None) -> tuple[dt.date, str, bool]:
    """The due date of a clue/follow-up step (SX-SUP-01.<step>, working days on the Chinese
    calendar with make-up workdays); returns (date, citation, provisional)."""
    value = rules.param(f"SX-SUP-01.{step}", on=start, agency=agency)
    due = calendar.due_date(start, int(value.value), value.unit or "working_days")
    unit = {"working_days": "个工作日", "calendar_days": "日"}.get(value.unit, value.unit)
    default = "，可配置默认值" if value.provisional else ""
    return (
        due.date,
        f"{value.code}（{value.value}{unit}，可信度{value.confidence}{default}）",
        due.provisional,
    )


def require_supervisor(actor, agency: Agency, *, action: str = "change") -> None:
    """Acts on supervision objects: a supervisor (or head) of the owning agency, or for reads a
    supervisor whose division covers it."""
    if actor is None or getattr(actor, "agency", None) is None:
        raise Forbidden("supervision.forbidden", "无权办理该事项。")
    if not (actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.HEAD)):
        raise Forbidden("supervision.forbidden", "只有执法监督人员或负责人可以办理该事项。")
    if not agency_in_scope(actor, agency, action):
        raise Forbidden("supervision.forbidden", "该事项不在您的监督范围内。")


def record(stream: str, kind: str, payload: dict[str, Any], *, actor=None, agency=None, case=None):
    """Append one act to the record log (DESIGN.md I2): supervision acts that are not acts of a
    case chain in their own stream (clue:…, followup:…, finding:…, evaluation:…)."""
    return records.append(kind=kind, payload=payload, actor=actor, agency=agency, stream=stream, case=case)


def today() -> dt.date:
    return clock.today()
