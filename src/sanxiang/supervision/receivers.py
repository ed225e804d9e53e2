"""Supervision listens to the workflow: every case that reaches its closing stage is evaluated
(案卷评查) with the current rule set. An evaluation error never undoes the closing."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_transitioned


@receiver(case_transitioned, dispatch_uid="supervision.evaluate_closed")
def _on_transition(sender, case, actor, event, context, **_):
    if case.closed_on is None or case.stage != "closed":
        return
    from sanxiang.supervision.services.evaluation import run_on_close

    run_on_close(case)
