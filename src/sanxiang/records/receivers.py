"""The record listens to the workflow: every opened case and fired transition becomes an entry in
the same transaction (cases never imports records)."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_opened, case_transitioned
from sanxiang.records import services


@receiver(case_opened)
def _record_opening(sender, case, actor, event, **_):
    services.append(
        kind="case.opened",
        case=case,
        actor=actor,
        step=event.step,
        payload={
            "event": event.seq,
            "procedure": case.procedure,
            "title": case.title,
            "party": case.party_id,
            "item": case.item.code if case.item else None,
            "handlers": event.data.get("handlers", []),
        },
    )


@receiver(case_transitioned)
def _record_transition(sender, case, actor, event, **_):
    services.append(
        kind="case.transition",
        case=case,
        actor=actor,
        step=event.step,
        payload={
            "event": event.seq,
            "transition": event.transition,
            "label": event.label,
            "from": event.from_stage,
            "to": event.to_stage,
            "reason": event.reason,
            "data": event.data,
        },
    )
