"""The review gate (DESIGN.md I1): a decision that matches the agency's catalog is refused unless a
legal review of exactly the current proposal passed.

Registered on every `decide` and `decide_on_site` transition of every procedure, so every door
that moves a case — web form, API, admin action, command, import — meets it in
`cases.services.transition`. The gate re-evaluates the catalog in force on the decision date and
recomputes the proposal's fingerprint from the stored rows, so a proposal altered behind the
services' back (a raw edit, an import) no longer matches its review.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanxiang.cases.workflow import TransitionContext
from sanxiang.core.errors import DomainError, Forbidden
from sanxiang.review import services
from sanxiang.review.evaluation import evaluate, facts_of

GATED_TRANSITIONS = ("decide", "decide_on_site")


def _status_text(case, proposal) -> str:
    latest = case.reviews.filter(proposal=proposal).order_by("-round").first()
    if latest is None:
        return _("尚未送审")
    if latest.state == "concluded":
        return _("审核意见为“%(value)s”，未通过") % {"value": latest.get_outcome_display()}
    return _("审核%(value)s") % {"value": latest.get_state_display()}


def _check_untouched(case, proposal) -> None:
    basis = list(proposal.legal_basis.values_list("pk", flat=True))
    if proposal.compute_fingerprint(basis) != proposal.fingerprint or case.party_id != proposal.party_id:
        raise DomainError(
            "review.gate.proposal_altered",
            _("拟处理意见或当事人信息在提出后被改动，与送审版本不一致，须重新提出拟处理意见并经法制审核。"),
        )


def _check_outcome(ctx: TransitionContext, proposal) -> None:
    """Where the decision itself names the outcome (coercion), it must be the reviewed one."""
    chosen = ctx.data.get("outcome") or ctx.data.get("method")
    if chosen and proposal.outcome and chosen != proposal.outcome:
        raise DomainError(
            "review.gate.outcome_mismatch",
            _("所作决定与经法制审核的拟作出决定不一致，须按新的拟决定重新送审。"),
            field="outcome" if "outcome" in ctx.data else "method",
        )


def review_gate(ctx: TransitionContext) -> None:
    case = ctx.case
    on_site = ctx.transition.name == "decide_on_site"
    proposal = None if on_site else case.current_proposal
    if proposal is not None:
        # checked for every decision: a proposal lowered behind the services' back must not
        # slip under the catalog's thresholds either
        _check_untouched(case, proposal)
    result = evaluate(case, facts_of(case, proposal, data=None if proposal else ctx.data), ctx.act_date)
    if not result.required:
        return
    why = result.summary()
    if on_site:
        raise DomainError(
            "review.gate.simple_procedure",
            _("拟作出的决定属于重大执法决定（%(why)s），须经法制审核，不能当场作出。") % {"why": why},
        )
    if proposal is None:
        raise DomainError(
            "review.gate.no_proposal",
            _("本案属于重大执法决定（%(why)s），须先送审拟作出的决定并经法制审核通过。") % {"why": why},
        )
    _check_outcome(ctx, proposal)
    review = services.passed_review(case, proposal)
    if review is None:
        raise DomainError(
            "review.gate.not_passed",
            _(
                "本案属于重大执法决定（%(why)s），当前拟处理意见（第%(version)s版）%(value)s，未经法制审核或审核未通过的，不得作出决定（行政处罚法第58条）。"
            )
            % {"why": why, "version": proposal.version, "value": _status_text(case, proposal)},
            criteria=[m.code for m in result.matches],
        )
    if review.reviewer_id == ctx.actor.pk:
        raise Forbidden("review.sod.reviewer_decides", _("本案审核人不能作出本案决定（职责分离）。"))
    discussion = None
    if result.discussion_required:
        discussion = services.approved_discussion(case, proposal)
        if discussion is None:
            raise DomainError(
                "review.gate.discussion_required",
                _(
                    "本案情节复杂或属重大违法行为，须经负责人集体讨论同意当前拟处理意见后方可作出决定（行政处罚法第57条第2款）。"
                ),
            )
    ctx.extras["review"] = (review, discussion)


def review_preview(ctx: TransitionContext) -> None:
    """The gate as the case page shows it: a decision on a proposal that has not passed its review is
    listed as blocked, with the reason, before the head opens the form (the form's data cannot
    change the answer once a proposal exists)."""
    if ctx.case.current_proposal is not None:
        review_gate(ctx)


def register() -> None:
    from sanxiang.cases.workflow import registry

    for name in GATED_TRANSITIONS:
        if review_gate not in registry.guards_for("*", name):
            registry.add_guard(review_gate, procedure="*", transition=name)
    if review_preview not in registry.previews_for("*", "decide"):
        registry.add_preview(review_preview, procedure="*", transition="decide")
