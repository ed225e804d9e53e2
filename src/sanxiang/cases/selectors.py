"""Read helpers for cases: what a user may see, and lookups that answer 404 for the invisible."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import Case, Deadline
from sanxiang.core.errors import NotFound
from sanxiang.core.scoping import VIEW


def cases_visible_to(user, action: str = VIEW) -> QuerySet[Case]:
    return Case.objects.restrict(user, action).select_related("agency", "party", "item")


def case_for(user, *, number: str | None = None, pk: int | None = None, handlers: bool = False) -> Case:
    """The case if this user may see it; 404 otherwise (never 403: existence is not disclosed).
    `handlers=True` prefetches them, for a caller that shows them (the access check reuses them)."""
    query = cases_visible_to(user)
    if handlers:
        query = query.prefetch_related("handlers")
    found = query.filter(number=number).first() if number is not None else query.filter(pk=pk).first()
    if found is None:
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    return found


def open_deadlines_for(user) -> QuerySet[Deadline]:
    return (
        Deadline.objects.restrict(user)
        .filter(status__in=[DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE])
        .select_related("case")
        .order_by("due_on")
    )
