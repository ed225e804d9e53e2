"""Publicity listens to the workflow and the certificate register (it is never called by them).
Receivers run inside the sender's transaction: a publication draft commits with its decision."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_transitioned
from sanxiang.org.signals import certificate_changed
from sanxiang.publicity import services

# The acts of the procedure definitions that are decisions to publish (事后公开).
DECISION_ACTS = frozenset({"decision", "simple_decision"})


@receiver(case_transitioned, dispatch_uid="publicity.decisions")
def _on_transition(sender, case, actor, event, context, **_):
    act = context.transition.act
    if act in DECISION_ACTS:
        services.draft_decision(case, actor=actor)
    elif act == "remedy":
        services.note_remedy(case, actor=actor, data=context.data)


@receiver(certificate_changed, dispatch_uid="publicity.officers")
def _on_certificate(sender, certificate, **_):
    services.sync_officer(certificate)
