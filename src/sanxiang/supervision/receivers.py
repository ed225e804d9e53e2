"""Supervision listens to the workflow: every case that reaches its closing stage is evaluated
(案卷评查) with the current rule set (an evaluation error never undoes the closing); every case
registered or moved updates the dashboard's daily summary in the same transaction."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_opened, case_transitioned


@receiver(case_transitioned, dispatch_uid="supervision.evaluate_closed")
def _on_transition(sender, case, actor, event, context, **_):
    if case.closed_on is None or case.stage != "closed":
        return
    from sanxiang.supervision.services.evaluation import run_on_close

    run_on_close(case)


@receiver(case_opened, dispatch_uid="supervision.summary_opened")
def _count_opened(sender, case, **_):
    from sanxiang.supervision.services import summary

    summary.count_opened(case)


@receiver(case_transitioned, dispatch_uid="supervision.summary_transitioned")
def _count_transition(sender, case, event, context, **_):
    from sanxiang.supervision.services import summary

    summary.count_transition(case, event.from_stage, context.extras.get("closed_on_before", case.closed_on))
