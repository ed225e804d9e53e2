"""Read helpers of the insight pages and API: who may see what, and the period asked for."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role

# Reviewers and supervisors read comparable-case groups and the analysis report; heads read their own.
READERS = {Role.REVIEWER, Role.HEAD, Role.SUPERVISOR}
ROLLING_DAYS = 365


def may_read_insight(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.agency_id and user.roles & READERS)


def require_reader(user) -> None:
    if not may_read_insight(user):
        raise Forbidden("insight.forbidden", _("仅法制审核人员、负责人和执法监督人员可以查看。"))


def cases_in_scope(user):
    return Case.objects.restrict(user)


def _date(raw: str | None, name: str, label: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput(
            "insight.period.invalid",
            _("%(label)s不是有效日期（格式：YYYY-MM-DD）。") % {"label": label},
            field=name,
        ) from None


def period(params) -> tuple[dt.date, dt.date]:
    """`from`/`to` of a query (default: the rolling 12 months up to today)."""
    date_to = _date(params.get("to"), "to", _("结束日期")) or clock.today()
    date_from = _date(params.get("from"), "from", _("开始日期")) or date_to - dt.timedelta(days=ROLLING_DAYS)
    if date_from > date_to:
        raise InvalidInput("insight.period.reversed", _("开始日期不能晚于结束日期。"), field="from")
    return date_from, date_to
