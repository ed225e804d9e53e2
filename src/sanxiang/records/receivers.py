"""The record listens to the workflow: every opened case and fired transition becomes an entry in
the same transaction (cases never imports records), and every read of a case is an access entry."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from sanxiang.cases.signals import case_opened, case_transitioned, case_viewed
from sanxiang.records import access, avrules, services


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
            "sensitive": case.sensitive,
        },
    )


def proposal_snapshot(proposal) -> dict[str, Any]:
    """The proposal as decided or proposed — with its three reasons (说理) — for the entry payload."""
    return {
        "version": proposal.version,
        "fingerprint": proposal.fingerprint,
        "outcome": proposal.outcome,
        "penalty_types": sorted(proposal.penalty_types or []),
        "fine_amount": proposal.fine_amount,
        "confiscation_amount": proposal.confiscation_amount,
        "legal_basis": [a.citation for a in proposal.legal_basis.all()],
        "basis_text": proposal.basis_text,
        "discretion_level": proposal.discretion_level,
        "circumstances": sorted(proposal.circumstances or []),
        "summary": proposal.summary,
        "reasons": {
            "evidence": proposal.reasons_evidence,
            "basis": proposal.reasons_basis,
            "discretion": proposal.reasons_discretion,
        },
    }


@receiver(case_transitioned)
def _record_transition(sender, case, actor, event, context=None, **_):
    payload: dict[str, Any] = {
        "event": event.seq,
        "transition": event.transition,
        "label": event.label,
        "from": event.from_stage,
        "to": event.to_stage,
        "reason": event.reason,
        "data": event.data,
    }
    act = context.transition.act if context is not None else ""
    if act:
        payload["act"] = act
    if "proposal" in event.data or act == "decision":
        proposal = case.current_proposal
        if proposal is not None:
            payload["proposal"] = proposal_snapshot(proposal)
    if context is not None:
        bound = avrules.bind(context, event)
        if bound:
            payload["av"] = bound
    services.append(kind="case.transition", case=case, actor=actor, step=event.step, payload=payload)


@receiver(case_viewed)
def _record_view(sender, case, user, door, reason="", **_):
    access.open_case(user, case, door=door, reason=reason)
