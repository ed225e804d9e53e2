"""What the documents app adds to the case workflow, registered at start-up (cases never imports
documents):

* `reasons_given` — a decision of the general procedure states its reasons (证据采信、依据选择、
  裁量理由); a permit refusal too (行政许可法 Art. 38). Same rule as the decision document's.
* `service_rules` — on every `serve`: not before the decision document's date, electronic service
  only with the party's consent (PEN-21), lien and public notice with photo/video proof (PEN-22).
* `service_record` — every `serve` (and the notice's `notify`) writes the service record of the
  document it serves. Choice: the record is created by the transition's effect, so the generic
  transition door, the API and `documents.services.record_service` (which adds proof and fires
  the transition) all produce one, in the transition's transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanxiang.cases.workflow import TransitionContext, registry
from sanxiang.core.errors import DomainError
from sanxiang.documents.compose import LABELS, REASONS
from sanxiang.documents.models import Document, DocumentStatus

# Which reasons each outcome must state. A finding that the facts are not established exercises no
# discretion, so it needs the reasons for the evidence and the basis only.
_DECISIONS_WITH_REASONS = {
    "penalty": REASONS,
    "no_penalty": REASONS,
    "refuse": REASONS,
    "not_established": REASONS[:2],
}


def reasons_given(ctx: TransitionContext) -> None:
    """说理 (policy task 6(3), R2): the decision states why the evidence was accepted, why this basis
    was chosen and why this discretion was applied; the refusal names every reason missing."""
    proposal = ctx.case.current_proposal
    if proposal is None or proposal.outcome not in _DECISIONS_WITH_REASONS:
        return
    missing = [
        path
        for path in _DECISIONS_WITH_REASONS[proposal.outcome]
        if not (getattr(proposal, path.split(".", 1)[1]) or "").strip()
    ]
    if missing:
        raise DomainError(
            "documents.reasons.missing",
            _("作出决定须说明理由，当前拟处理意见缺少：%(value)s。请先“修改拟处理意见”补充说理。")
            % {"value": _("、").join(str(LABELS[p]) for p in missing)},
            field=missing[0].split(".", 1)[1],
        )


def _served_document(ctx: TransitionContext) -> Document | None:
    from sanxiang.documents.services import _pending

    pending = _pending.get()
    if pending is not None and pending.document.case_id == ctx.case.pk:
        return pending.document
    return (
        Document.objects.filter(
            case=ctx.case, status=DocumentStatus.ISSUED, template__serves=ctx.transition.name
        )
        .select_related("template", "number")
        .order_by("-issued_at")
        .first()
    )


def service_rules(ctx: TransitionContext) -> None:
    from sanxiang.documents.services import _pending, check_service

    pending = _pending.get()
    proofs = pending.proofs if pending is not None else []
    check_service(
        ctx.case, _served_document(ctx), ctx.data.get("method") or "direct", ctx.data["served_on"], proofs
    )


def service_record(ctx: TransitionContext) -> None:
    from sanxiang.documents.services import _Pending, _pending, consent_for, create_service

    document = _served_document(ctx)
    if document is None:
        return
    served_on = ctx.data["served_on"]
    pending = _pending.get()
    if pending is None or pending.document.pk != document.pk:
        method = ctx.data.get("method") or "direct"
        pending = _Pending(
            document,
            method,
            consent=consent_for(ctx.case, served_on),
            actor=ctx.actor,
            note=f"经“{ctx.transition.label}”环节登记",
        )
    record = create_service(pending, ctx.case, served_on)
    ctx.extras["service_record"] = record.pk


def register() -> None:
    registry.add_guard(reasons_given, procedure="penalty.general", transition="decide")
    registry.add_guard(reasons_given, procedure="permit", transition="decide")
    registry.add_guard(service_rules, procedure="*", transition="serve")
    registry.add_effect(service_record, procedure="*", transition="serve")
    registry.add_effect(service_record, procedure="penalty.general", transition="notify")
