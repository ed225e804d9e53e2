"""Legal review listens to the workflow, inside the transition's transaction: a recorded proposal
voids earlier reviews and is classified; a hearing or a seizure changes the facts the catalog looks
at; a gated decision writes who answered for what (L6)."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_transitioned
from sanxiang.review import services

# Acts that change what the catalog looks at (HEAR: a hearing makes a case major; a seizure's value).
_RECLASSIFY_ACTS = {"hearing", "seizure"}


@receiver(case_transitioned, dispatch_uid="review.on_transition")
def on_transition(sender, case, actor, event, context, **_):
    if "proposal" in context.extras:
        services.proposal_recorded(case, context.extras["proposal"], actor)
    elif context.transition.act in _RECLASSIFY_ACTS:
        services.classify(case, actor=actor, trigger=context.transition.act)
    if "review" in context.extras:
        review, discussion = context.extras["review"]
        services.record_responsibility(case, actor, review, discussion)
