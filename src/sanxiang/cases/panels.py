"""Workbench panels of the cases context: my cases, my deadlines, approvals waiting for me."""

from __future__ import annotations

from sanxiang.cases import selectors
from sanxiang.cases.models import Case
from sanxiang.core.roles import Role


def my_cases(user):
    if not user.has_role(Role.OFFICER):
        return None
    cases = (
        selectors.cases_visible_to(user).filter(handlers=user, closed_on__isnull=True).order_by("-opened_at")
    )
    return {"cases": cases[:15], "count": cases.count()}


def my_deadlines(user):
    deadlines = selectors.open_deadlines_for(user)
    if not user.has_role(Role.HEAD):
        deadlines = deadlines.filter(case__handlers=user)
    deadlines = deadlines.order_by("status", "due_on")
    return {"deadlines": deadlines[:15], "count": deadlines.count()}


def awaiting_approval(user):
    """Cases of my agency whose next move is an approval I may give (I6: never my own cases)."""
    if not user.has_role(Role.HEAD):
        return None
    waiting = []
    for case in (
        Case.objects.restrict(user, "change")
        .filter(closed_on__isnull=True)
        .exclude(handlers=user)
        .select_related("party")[:400]
    ):
        moves = [
            t
            for t in case.definition.available(case.stage)
            if t.approval and Role.HEAD in t.roles and not t.is_act
        ]
        if moves:
            waiting.append((case, moves))
    return {"items": waiting[:20], "count": len(waiting)}


def my_alerts(user):
    """时限预警 raised by the tick for deadlines still open: a handler sees their cases', a head
    the agency's, a supervisor those of the agencies in scope."""
    from sanxiang.cases.models import DeadlineAlert

    alerts = (
        DeadlineAlert.objects.restrict(user)
        .filter(acknowledged_at__isnull=True, deadline__status__in=["running", "paused", "overdue"])
        .select_related("case", "deadline")
    )
    if not (user.has_role(Role.HEAD) or user.has_role(Role.SUPERVISOR)):
        alerts = alerts.filter(case__handlers=user)
    if not alerts.exists():
        return None
    alerts = alerts.order_by("-kind", "due_on")
    return {"alerts": alerts[:15], "count": alerts.count()}
