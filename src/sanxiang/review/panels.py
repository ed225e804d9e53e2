"""Workbench panels, the case-page section and the periodic tick of legal review."""

from __future__ import annotations

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.review import permissions as perm
from sanxiang.review import selectors, services
from sanxiang.review.choices import Flag
from sanxiang.review.models import Review


def reviewer_queue(user):
    """审核人待办 — sorted by deadline; also the review body's intake for reviewers."""
    queue = selectors.reviewer_queue(user)
    intake = selectors.intake_queue(user) if user.has_role(Role.REVIEWER) else Review.objects.none()
    if not user.has_role(Role.REVIEWER) and not queue.exists():
        return None
    return {
        "reviews": queue[:15],
        "count": queue.count(),
        "intake": intake[:10],
        "intake_count": intake.count(),
        "today": clock.today(),
    }


def head_panel(user):
    """负责人: contests waiting for a decision, overdue reviews, major cases and where they stand."""
    if not user.has_role(Role.HEAD) or user.agency_id is None:
        return None
    contests = selectors.head_contests(user)
    overdue = selectors.overdue_reviews(user).filter(case__agency=user.agency)
    major = selectors.major_cases_pending(user)
    return {
        "contests": contests[:10],
        "contest_count": contests.count(),
        "overdue": overdue[:10],
        "overdue_count": overdue.count(),
        "major": major[:10],
        "major_count": len(major),
    }


def supervisor_panel(user):
    if not user.has_role(Role.SUPERVISOR):
        return None
    overdue = selectors.overdue_reviews(user)
    understaffed = [s for s in selectors.staffing_in_scope(user) if s.below]
    return {
        "overdue": overdue[:10],
        "overdue_count": overdue.count(),
        "understaffed": understaffed[:10],
        "understaffed_count": len(understaffed),
    }


def case_section(request, case):
    """法制审核 on the case page: whether the case is major and why, flags, rounds, next steps."""
    user = request.user
    status = selectors.status_of(case)
    handler = perm.is_handler(case, user)
    can_change = perm.active(user) and user.agency_id == case.agency_id
    undecided = not case.decided_on and not case.is_closed
    flagged = set(case.review_flags.values_list("code", flat=True))
    return {
        "status": status,
        "flags": case.review_flags.select_related("set_by"),
        "flag_choices": [(c, label) for c, label in Flag.choices if c not in flagged],
        "reviews": case.reviews.select_related("reviewer", "proposal").order_by("-round"),
        "discussions": case.collective_discussions.select_related("chair").order_by("-held_on"),
        "can_flag": can_change and undecided and (handler or user.has_role(Role.HEAD)),
        "can_submit": can_change
        and undecided
        and handler
        and status.code not in ("in_review", "passed", "contested"),
        "can_discuss": can_change and undecided and user.has_role(Role.HEAD) and not handler,
        "needs_draft": not services.makes_proposals(case),
    }


def tick():
    """`sanxiang tick`: how many reviews are past their period (they show on the panels)."""
    return {"overdue_reviews": Review.objects.overdue().count()}
