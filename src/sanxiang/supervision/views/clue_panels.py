"""Workbench panel (follow-up items due), the case-page evaluation section, and the daily tick."""

from __future__ import annotations

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.supervision.models import Evaluation, FollowUp


def follow_up_panel(user):
    if getattr(user, "agency", None) is None:
        return None
    items = list(
        FollowUp.objects.restrict(user)
        .open()
        .select_related("agency", "assignee_agency")
        .order_by("due_on")[:8]
    )
    if not items:
        return None
    return {"items": items, "today": clock.today()}


def evaluation_section(request, case):
    user = request.user
    if not (user.has_role(Role.SUPERVISOR) or user.has_role(Role.HEAD)):
        return None
    evaluation = (
        Evaluation.objects.restrict(user).filter(case=case, is_current=True).prefetch_related("items").first()
    )
    if evaluation is None and not case.closed_on:
        return None
    return {"evaluation": evaluation, "can_run": user.has_role(Role.SUPERVISOR)}


def tick():
    """Daily: run the clue models and the finding detection rules. One failing rule is logged and
    skipped; it never stops the others (or the tick of the other apps)."""
    import logging

    from django.db import transaction

    from sanxiang.supervision.services.clue_models import MODELS, run_clue_models
    from sanxiang.supervision.services.detection import DETECTORS, run_detectors

    counts = {"clues": 0, "findings": 0}
    for key, runner, codes in (("clues", run_clue_models, MODELS), ("findings", run_detectors, DETECTORS)):
        for code in list(codes):
            try:
                with transaction.atomic():
                    counts[key] += len(runner(codes=[code]))
            except Exception:
                logging.getLogger(__name__).exception("supervision rule %s failed", code)
    return counts
