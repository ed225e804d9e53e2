"""Hand-built data for the dashboard, scorecard and policy tests: rows with a known answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases.models import Case, CaseEvent, Deadline
from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.org.models import DivisionLevel
from sanxiang.publicity.models import Publication
from tests.factories import AgencyFactory, DivisionFactory, World, staff

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def city():
    """A city division with a justice bureau (and its supervisor) and two county agencies."""
    top = DivisionFactory(code="430500", name="测试市", level=DivisionLevel.CITY)
    bureau = AgencyFactory(code="sfj", name="测试市司法局", division=top, is_justice_bureau=True)
    supervisor = staff(bureau, Role.SUPERVISOR, certified=False)
    a = World(AgencyFactory(code="aa", name="甲局", division=DivisionFactory(code="430501", parent=top)))
    b = World(AgencyFactory(code="bb", name="乙局", division=DivisionFactory(code="430502", parent=top)))
    return bureau, supervisor, a, b


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def set_case(case, **fields) -> Case:
    """Dates of a hand-built case (read-side tests only: what the services would have written).
    Written around the services, like a bulk load, so the dashboard's daily summary is rebuilt."""
    from sanxiang.supervision.services import summary

    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    summary.rebuild()
    return case


def event(case, transition: str, at: dt.datetime, data=None) -> CaseEvent:
    seq = (
        CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first() or 0
    ) + 1
    return CaseEvent.objects.create(
        case=case,
        seq=seq,
        transition=transition,
        label=transition,
        from_stage=case.stage,
        to_stage=case.stage,
        step="decision",
        actor=None,
        at=at,
        data=data or {},
    )


def deadline(case, code: str, status: str, due: dt.date, overdue_since: dt.date | None = None) -> Deadline:
    return Deadline.objects.create(
        overdue_since=overdue_since,
        case=case,
        code=code,
        label="办案期限",
        rule_code="PEN-19.deadline",
        citation="测试",
        starts_on=due,
        amount=90,
        unit="calendar_days",
        due_on=due,
        status=status,
    )


def publication(agency, *, decided, due, first=None, status="published", case=None) -> Publication:
    return Publication.objects.create(
        case=case,
        agency=agency,
        kind="decision",
        title="测试决定",
        status=status,
        decided_on=decided,
        due_on=due,
        first_published_on=first,
    )


def today() -> dt.date:
    return clock.today()
