"""State changes of legal review (法制审核). Every function takes the acting user, runs in one
transaction, appends its record entry in that transaction (I2), and refuses with a coded Chinese
`DomainError`, changing nothing.

The promise (I1): no major decision without a passed review of exactly that proposal. The gate
itself is `gate.review_gate`; this module keeps the facts it reads honest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from sanxiang.cases import effects as fx
from sanxiang.cases.choices import Step
from sanxiang.cases.models import Case, Proposal
from sanxiang.cases.services import record_proposal
from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category, PartyKind, PenaltyType
from sanxiang.catalog.models import CriterionKind, ReviewCatalog
from sanxiang.catalog.services import create_review_catalog
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.org.models import Agency, User
from sanxiang.records import services as records
from sanxiang.review import materials as package
from sanxiang.review import permissions as perm
from sanxiang.review.choices import (
    CLOCK_STATES,
    CONTESTABLE,
    OPEN_STATES,
    AppointmentKind,
    Aspect,
    ContestState,
    DiscussionOutcome,
    DiscussionPurpose,
    Finding,
    Flag,
    HeadDecision,
    Material,
    Outcome,
    State,
)
from sanxiang.review.evaluation import evaluate, facts_of
from sanxiang.review.models import (
    Appointment,
    CaseFlag,
    Classification,
    CollectiveDiscussion,
    Contest,
    Review,
    ReviewBody,
    ReviewFinding,
)


def _record(kind: str, case: Case, actor, payload: dict[str, Any]) -> None:
    records.append(kind=f"review.{kind}", case=case, actor=actor, step=Step.DECISION, payload=payload)


def _text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = 20000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(
            "review.input.required", gettext("请填写“%(label)s”。") % {"label": label}, field=field
        )
    if len(text) > limit:
        raise InvalidInput(
            "review.input.too_long", gettext("“%(label)s”过长。") % {"label": label}, field=field
        )
    return text


def _lock_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency__division", "party")
        .get(pk=case.pk)
    )


def _lock_review(review: Review) -> tuple[Case, Review]:
    """Lock the case first (the order `cases.services.transition` uses), then the review."""
    case = _lock_case(review.case)
    return case, Review.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=review.pk)


def _who(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "name": user.display_name,
        "agency": getattr(user.agency, "code", None),
    }


# --- classification --------------------------------------------------------------------------


def current_classification(case: Case) -> Classification | None:
    return case.review_classifications.order_by("-created_at", "-pk").first()


def classify(case: Case, *, actor, trigger: str, proposal: Proposal | None = None) -> Classification:
    """Evaluate the catalog in force today against the current proposal and keep the result.

    A record entry is written when the case is (or was) major, so the record shows when and why
    it became one; decisions that were never major stay quiet."""
    proposal = proposal if proposal is not None else case.current_proposal
    today = clock.today()
    result = evaluate(case, facts_of(case, proposal), today)
    previous = current_classification(case)
    row = Classification.objects.create(
        case=case,
        proposal=proposal,
        fingerprint=proposal.fingerprint if proposal else "",
        catalog=result.catalog,
        evaluated_on=today,
        required=result.required,
        discussion_required=result.discussion_required,
        matches=[m.as_dict() for m in result.matches],
        trigger=trigger,
        created_at=clock.now(),
    )
    if result.required or (previous is not None and previous.required):
        _record(
            "classified",
            case,
            actor,
            {
                "required": result.required,
                "discussion_required": result.discussion_required,
                "catalog": _catalog_ref(result.catalog),
                "evaluated_on": today.isoformat(),
                "proposal": {"version": proposal.version, "fingerprint": proposal.fingerprint}
                if proposal
                else None,
                "matches": row.matches,
                "trigger": trigger,
            },
        )
    return row


def _catalog_ref(catalog: ReviewCatalog | None) -> dict[str, Any] | None:
    if catalog is None:
        return None
    return {
        "agency": catalog.agency.code,
        "version": catalog.version,
        "effective_from": str(catalog.effective_from),
    }


def proposal_recorded(case: Case, proposal: Proposal, actor) -> None:
    """A new proposal version: every earlier review is void (I1), then classify the new one."""
    void_reviews(case, proposal, actor, reason=f"拟处理意见已修改（第{proposal.version}版）")
    classify(case, actor=actor, trigger="proposal", proposal=proposal)


def void_reviews(case: Case, proposal: Proposal, actor, *, reason: str) -> int:
    stale = list(
        case.reviews.select_for_update()
        .exclude(state__in=[State.VOIDED, State.REFUSED])
        .exclude(proposal=proposal)
    )
    now = clock.now()
    for review in stale:
        was = review.state
        review.state, review.voided_at, review.voided_reason = State.VOIDED, now, reason[:200]
        review.save(update_fields=["state", "voided_at", "voided_reason"])
        review.contests.filter(state__in=[ContestState.PENDING, ContestState.REFERRED]).update(
            state=ContestState.VOIDED
        )
        _record(
            "voided",
            case,
            actor,
            {
                "round": review.round,
                "was": was,
                "passed": review.passed,
                "fingerprint": review.fingerprint,
                "new_proposal": {"version": proposal.version, "fingerprint": proposal.fingerprint},
                "reason": reason,
            },
        )
    return len(stale)


@transaction.atomic
def add_flag(case: Case, *, actor, code: str, reason: str) -> CaseFlag:
    """A handler or the head declares a circumstance that makes the case major. Flags are never
    removed: a matched criterion stays matched."""
    case = _lock_case(case)
    perm.require_in_scope(case, actor)
    if not (perm.is_handler(case, actor) or actor.has_role(Role.HEAD)):
        raise Forbidden("review.flag.forbidden", gettext("只有本案承办人或本机关负责人可以标记重大情形。"))
    try:
        flag = Flag(code)
    except ValueError:
        raise InvalidInput("review.flag.unknown", gettext("未知的重大情形。"), field="code") from None
    reason = _text(reason, "reason", gettext("理由"))
    if case.decided_on or case.is_closed:
        raise DomainError("review.flag.decided", gettext("案件已作出决定，不能再标记重大情形。"))
    if case.review_flags.filter(code=flag).exists():
        raise DomainError(
            "review.flag.duplicate", gettext("本案已标记“%(label)s”。") % {"label": flag.label}, field="code"
        )
    row = CaseFlag.objects.create(case=case, code=flag, reason=reason, set_by=actor, set_at=clock.now())
    _record("flagged", case, actor, {"flag": flag.value, "label": str(flag.label), "reason": reason})
    classify(case, actor=actor, trigger="flag")
    return row


# --- submission and intake -------------------------------------------------------------------


def passed_review(case: Case, proposal: Proposal | None) -> Review | None:
    """The passed, still valid review of exactly this proposal, if any."""
    if proposal is None:
        return None
    return (
        case.reviews.filter(passed=True, proposal=proposal, fingerprint=proposal.fingerprint)
        .exclude(state=State.VOIDED)
        .select_related("reviewer")
        .order_by("-round")
        .first()
    )


def makes_proposals(case: Case) -> bool:
    """Whether the procedure records its proposal in a transition (penalty, permit, levy…)."""
    return any(
        fx.make_proposal in t.effects or fx.record_simple_decision in t.effects
        for t in case.definition.transitions
    )


def decision_choices(case: Case) -> tuple[tuple[str, str], ...]:
    try:
        decide = case.definition.transition("decide")
    except KeyError:
        return ()
    spec = decide.input("outcome") or decide.input("method")
    return spec.choices if spec else ()


def _record_draft(case: Case, actor, draft: Mapping[str, Any]) -> Proposal:
    """拟作出的决定 of a procedure without a proposal step (a coercive measure's handling, an
    enforcement decision): recorded as a proposal version, so it is fingerprinted and gated alike."""
    if makes_proposals(case):
        raise InvalidInput(
            "review.submit.draft_not_allowed",
            gettext("本程序的拟处理意见应在办案环节中提出，不能在送审时另拟。"),
            field="outcome",
        )
    choices = {c for c, _ in decision_choices(case)}
    outcome = str(draft.get("outcome") or "")
    if not choices or outcome not in choices:
        raise InvalidInput("review.submit.draft_outcome", gettext("请选择拟作出的决定。"), field="outcome")
    data = {
        "outcome": outcome,
        "summary": _text(draft.get("summary"), "summary", gettext("拟作出决定的说明")),
        "basis_text": _text(draft.get("basis_text"), "basis_text", gettext("依据说明"), required=False),
    }
    proposal = record_proposal(case, actor=actor, data=data, at=clock.now())
    _record(
        "draft_decision",
        case,
        actor,
        {"version": proposal.version, "fingerprint": proposal.fingerprint, **data},
    )
    proposal_recorded(case, proposal, actor)
    return proposal


@transaction.atomic
def submit(
    case: Case, *, actor, evidence_list: str, note: str = "", draft: Mapping[str, Any] | None = None
) -> Review:
    """送审: the case unit submits its package for the current proposal; the materials are checked
    and every missing one named. Refused while another round is open or the proposal passed."""
    case = _lock_case(case)
    perm.require_handler(case, actor, gettext("送审"))
    if case.decided_on or case.is_closed:
        raise DomainError("review.submit.decided", gettext("案件已作出决定，不能送审。"))
    if case.reviews.filter(state__in=OPEN_STATES).exists():
        raise DomainError("review.submit.pending", gettext("本案已送审，审核尚未完成，不能重复送审。"))
    if Contest.objects.filter(
        review__case=case, state__in=[ContestState.PENDING, ContestState.REFERRED]
    ).exists():
        raise DomainError(
            "review.submit.contested", gettext("审核意见分歧尚待负责人决定或集体讨论，不能重新送审。")
        )
    if draft:
        _record_draft(case, actor, draft)
    proposal = case.current_proposal
    if proposal is None:
        raise DomainError("review.submit.no_proposal", gettext("尚未提出拟处理意见，不能送审。"))
    if passed_review(case, proposal) is not None:
        raise DomainError(
            "review.submit.already_passed", gettext("当前拟处理意见已通过法制审核，无须重复送审。")
        )
    evidence_list = _text(evidence_list, "evidence_list", gettext("证据材料清单"), required=False)
    items = package.check(case, proposal, evidence_list)
    lacking = package.missing(items)
    if lacking:
        names = "、".join(i.label for i in lacking)
        raise DomainError(
            "review.submit.incomplete",
            gettext("送审材料不全，缺少：%(names)s。") % {"names": names},
            field="evidence_list" if any(i.code == Material.EVIDENCE_LIST for i in lacking) else None,
            missing=[i.code for i in lacking],
        )
    number = (case.reviews.aggregate(n=Max("round"))["n"] or 0) + 1
    review = Review.objects.create(
        case=case,
        round=number,
        proposal=proposal,
        fingerprint=proposal.fingerprint,
        state=State.SUBMITTED,
        submitted_by=actor,
        submitted_at=clock.now(),
        materials=[i.as_dict() for i in items],
        evidence_list=evidence_list,
        submission_note=_text(note, "note", gettext("送审说明"), required=False),
    )
    _record(
        "submitted",
        case,
        actor,
        {
            "round": number,
            "proposal": {"version": proposal.version, "fingerprint": proposal.fingerprint},
            "materials": review.materials,
            "evidence_list": evidence_list,
            "note": review.submission_note,
            "attested": "承办机构对送审材料的真实性、完整性负责",
        },
    )
    return review


def _deadline_rule(case: Case, on: dt.date, code: str = "SX-REV-01.deadline"):
    return rules.param(code, on=on, agency=case.agency)


@transaction.atomic
def accept(review: Review, *, actor) -> Review:
    """受理: the review body finds the package complete; the review period starts (SX-REV-01)."""
    case, review = _lock_review(review)
    perm.require_review_body(case, actor, gettext("受理送审材料"))
    if review.state != State.SUBMITTED:
        raise DomainError(
            "review.accept.state",
            gettext("该送审当前为“%(value)s”，不能受理。") % {"value": review.get_state_display()},
        )
    lacking = package.missing(package.check(case, review.proposal, review.evidence_list))
    if lacking:
        raise DomainError(
            "review.accept.incomplete",
            gettext("送审材料不全，缺少：%(value)s，应退回补充。")
            % {"value": "、".join(i.label for i in lacking)},
        )
    today = clock.today()
    rule = _deadline_rule(case, today)
    due = calendar.due_date(today, int(rule.value), rule.unit)
    review.state, review.intake_by, review.intake_at = State.ACCEPTED, actor, clock.now()
    review.accepted_on, review.due_on, review.due_provisional = today, due.date, due.provisional
    review.deadline_citation = rule.citation[:300]
    review.save(
        update_fields=[
            "state",
            "intake_by",
            "intake_at",
            "accepted_on",
            "due_on",
            "due_provisional",
            "deadline_citation",
        ]
    )
    _record(
        "accepted",
        case,
        actor,
        {
            "round": review.round,
            "accepted_on": today.isoformat(),
            "due_on": due.date.isoformat(),
            "provisional": due.provisional,
            "period": {"value": rule.value, "unit": rule.unit, "rule": rule.code, "citation": rule.citation},
        },
    )
    return review


@transaction.atomic
def refuse(review: Review, *, actor, missing: Iterable[str], reason: str = "") -> Review:
    """不予受理: the package is incomplete; the review body names every missing item."""
    case, review = _lock_review(review)
    perm.require_review_body(case, actor, gettext("退回送审材料"))
    if review.state != State.SUBMITTED:
        raise DomainError(
            "review.refuse.state",
            gettext("该送审当前为“%(value)s”，不能退回。") % {"value": review.get_state_display()},
        )
    codes = sorted(set(missing))
    unknown = [c for c in codes if c not in Material.values]
    if unknown:
        raise InvalidInput("review.refuse.unknown_material", gettext("所列材料无效。"), field="missing")
    if not codes:
        raise InvalidInput("review.refuse.missing_required", gettext("请列明缺少的材料。"), field="missing")
    reason = _text(reason, "reason", gettext("说明"), required=False)
    review.state, review.intake_by, review.intake_at = State.REFUSED, actor, clock.now()
    review.missing, review.refusal_reason = codes, reason
    review.save(update_fields=["state", "intake_by", "intake_at", "missing", "refusal_reason"])
    _record(
        "refused",
        case,
        actor,
        {
            "round": review.round,
            "missing": codes,
            "labels": [str(Material(c).label) for c in codes],
            "reason": reason,
        },
    )
    return review


# --- assignment, findings, opinion -----------------------------------------------------------


def has_reviewed_penalty(user) -> bool:
    return Review.objects.filter(
        reviewer=user, concluded_at__isnull=False, case__category=Category.PENALTY
    ).exists()


def appointment_for(agency: Agency, user, on: dt.date) -> Appointment | None:
    for appointment in Appointment.objects.filter(agency=agency, user=user):
        if appointment.active_on(on):
            return appointment
    return None


def check_reviewer(case: Case, user, on: dt.date | None = None) -> Appointment | None:
    on = on or clock.today()
    appointment = appointment_for(case.agency, user, on)
    perm.check_reviewer(
        case,
        user,
        on,
        has_appointment=appointment is not None,
        has_reviewed_penalty=has_reviewed_penalty(user),
    )
    return appointment


@transaction.atomic
def assign(review: Review, *, actor, reviewer: User) -> Review:
    """分配: a reviewer of the review body — never a handler or approver of the case (I6)."""
    case, review = _lock_review(review)
    perm.require_review_body(case, actor, gettext("分配审核人"))
    if review.state not in (State.ACCEPTED, State.ASSIGNED):
        raise DomainError(
            "review.assign.state",
            gettext("该送审当前为“%(value)s”，不能分配审核人。") % {"value": review.get_state_display()},
        )
    appointment = check_reviewer(case, reviewer)
    previous = review.reviewer
    review.reviewer, review.assigned_by, review.assigned_at = reviewer, actor, clock.now()
    review.state = State.ASSIGNED
    review.save(update_fields=["reviewer", "assigned_by", "assigned_at", "state"])
    _record(
        "assigned",
        case,
        actor,
        {
            "round": review.round,
            "reviewer": _who(reviewer),
            "previous": _who(previous),
            "appointment": {"kind": appointment.kind, "basis": appointment.basis} if appointment else None,
            "legal_qualification": bool(reviewer.legal_qualification),
        },
    )
    return review


def _clean_findings(raw: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    cleaned: dict[str, tuple[str, str]] = {}
    for aspect, value in raw.items():
        if aspect not in Aspect.values:
            raise InvalidInput(
                "review.finding.aspect",
                gettext("未知的审核内容“%(aspect)s”。") % {"aspect": aspect},
                field="findings",
            )
        if isinstance(value, Mapping):
            result, notes = value.get("result", ""), value.get("notes", "")
        else:
            result, notes = value
        if not result:
            continue
        if result not in Finding.values:
            raise InvalidInput("review.finding.result", gettext("审核结论无效。"), field=f"findings.{aspect}")
        notes = (notes or "").strip()
        if result == Finding.PROBLEM and not notes:
            label = Aspect(aspect).label
            raise InvalidInput(
                "review.finding.notes_required",
                gettext("“%(label)s”存在问题的，请写明问题。") % {"label": label},
                field=f"findings.{aspect}",
            )
        cleaned[aspect] = (result, notes[:5000])
    return cleaned


def _save_findings(review: Review, findings: dict[str, tuple[str, str]]) -> None:
    for aspect, (result, notes) in findings.items():
        ReviewFinding.objects.update_or_create(
            review=review, aspect=aspect, defaults={"result": result, "notes": notes}
        )


def _require_reviewer(review: Review, actor) -> None:
    if not perm.active(actor) or review.reviewer_id != actor.pk:
        raise Forbidden("review.not_reviewer", gettext("只有被分配的审核人可以办理。"))
    if review.state != State.ASSIGNED:
        raise DomainError(
            "review.state",
            gettext("该审核当前为“%(value)s”，不能办理。") % {"value": review.get_state_display()},
        )


@transaction.atomic
def record_findings(review: Review, *, actor, findings: Mapping[str, Any]) -> Review:
    """The reviewer's checklist so far (saved before the opinion, kept in the record)."""
    case, review = _lock_review(review)
    _require_reviewer(review, actor)
    cleaned = _clean_findings(findings)
    if not cleaned:
        raise InvalidInput("review.finding.empty", gettext("请至少填写一项审核结论。"), field="findings")
    _save_findings(review, cleaned)
    _record(
        "findings",
        case,
        actor,
        {"round": review.round, "findings": {a: {"result": r, "notes": n} for a, (r, n) in cleaned.items()}},
    )
    return review


@transaction.atomic
def conclude(
    review: Review,
    *,
    actor,
    outcome: str,
    opinion: str,
    findings: Mapping[str, Any] | None = None,
    late_reason: str = "",
) -> Review:
    """出具审核意见: a finding on each of the six aspects, an outcome and the written opinion.
    Only 同意 passes; past the period the reviewer must explain the delay."""
    case, review = _lock_review(review)
    _require_reviewer(review, actor)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise InvalidInput("review.opinion.outcome", gettext("请选择审核意见。"), field="outcome") from None
    opinion = _text(opinion, "opinion", gettext("审核意见"))
    cleaned = _clean_findings(findings or {})
    _save_findings(review, cleaned)
    saved = dict(review.findings.values_list("aspect", "result"))
    lacking = [Aspect(a).label for a in Aspect.values if a not in saved]
    if lacking:
        raise InvalidInput(
            "review.opinion.findings_incomplete",
            gettext("审核意见须对全部六项审核内容逐项作出结论，尚缺：%(value)s。")
            % {"value": "、".join(str(x) for x in lacking)},
            field="findings",
        )
    problems = [a for a, r in saved.items() if r == Finding.PROBLEM]
    if outcome == Outcome.AGREE and problems:
        raise DomainError(
            "review.opinion.inconsistent",
            gettext("审核内容存在问题的，不能出具“同意”意见。"),
            field="outcome",
        )
    if outcome in (Outcome.AMEND, Outcome.DISAGREE) and not problems:
        raise DomainError(
            "review.opinion.no_problem",
            gettext("出具“建议修改”或“不同意”意见的，须在审核内容中写明存在的问题。"),
            field="outcome",
        )
    today = clock.today()
    late_reason = _text(late_reason, "late_reason", gettext("逾期说明"), required=False)
    if review.due_on and today > review.due_on and not late_reason:
        raise DomainError(
            "review.opinion.overdue",
            gettext("审核期限已于%(due_on)s届满。请先经负责人批准延长期限，或填写逾期说明后出具意见。")
            % {"due_on": format(review.due_on, "%Y-%m-%d")},
            field="late_reason",
        )
    review.state, review.outcome, review.opinion = State.CONCLUDED, outcome, opinion
    review.passed, review.passed_by = outcome == Outcome.AGREE, "opinion" if outcome == Outcome.AGREE else ""
    review.concluded_at, review.concluded_on, review.late_reason = clock.now(), today, late_reason
    review.save(
        update_fields=[
            "state",
            "outcome",
            "opinion",
            "passed",
            "passed_by",
            "concluded_at",
            "concluded_on",
            "late_reason",
        ]
    )
    _record(
        "concluded",
        case,
        actor,
        {
            "round": review.round,
            "outcome": outcome.value,
            "passed": review.passed,
            "opinion": opinion,
            "findings": {f.aspect: {"result": f.result, "notes": f.notes} for f in review.findings.all()},
            "proposal": {"version": review.proposal.version, "fingerprint": review.fingerprint},
            "due_on": review.due_on.isoformat() if review.due_on else None,
            "late": bool(late_reason),
            "late_reason": late_reason,
            "answers_for": "审核人对审核意见负责",
        },
    )
    return review


@transaction.atomic
def extend(review: Review, *, actor, reason: str) -> Review:
    """延长审核期限 (SX-REV-01.extension): once, with a reason; approved by the head where the rule
    says the extension needs approval."""
    case, review = _lock_review(review)
    if review.state not in CLOCK_STATES:
        raise DomainError("review.extension.state", gettext("只有受理后、出具意见前的审核可以延长期限。"))
    today = clock.today()
    rule = _deadline_rule(case, today, "SX-REV-01.extension")
    if rule.extra.get("needs_approval", True):
        perm.require_head(case, actor, gettext("批准延长审核期限"))
        if review.reviewer_id == actor.pk:
            raise Forbidden("review.sod.own_extension", gettext("审核人不能批准延长本人的审核期限。"))
    elif review.reviewer_id != actor.pk:
        perm.require_head(case, actor, gettext("延长审核期限"))
    allowed = int(rule.extra.get("max_extensions", 1))
    if review.extensions >= allowed:
        raise DomainError(
            "review.extension.limit",
            gettext("审核期限只能延长%(allowed)s次（%(citation)s）。")
            % {"allowed": allowed, "citation": rule.citation},
        )
    reason = _text(reason, "reason", gettext("延长理由"))
    previous = review.due_on
    due = calendar.due_date(previous, int(rule.value), rule.unit)
    review.due_on, review.due_provisional = due.date, review.due_provisional or due.provisional
    review.extensions += 1
    review.extension_reason = reason
    review.save(update_fields=["due_on", "due_provisional", "extensions", "extension_reason"])
    _record(
        "extended",
        case,
        actor,
        {
            "round": review.round,
            "from": previous.isoformat(),
            "to": due.date.isoformat(),
            "reason": reason,
            "period": {"value": rule.value, "unit": rule.unit, "rule": rule.code, "citation": rule.citation},
        },
    )
    return review


# --- coordination: contest, head's decision, collective discussion ---------------------------


@transaction.atomic
def contest(review: Review, *, actor, reasons: str) -> Contest:
    """协调: the case unit disagrees with an opinion and says why; the head decides."""
    case, review = _lock_review(review)
    perm.require_handler(case, actor, gettext("对审核意见提出异议"))
    if review.state != State.CONCLUDED or review.outcome not in CONTESTABLE:
        raise DomainError("review.contest.state", gettext("只能对“建议修改”或“不同意”的审核意见提出异议。"))
    if review.contests.exists():
        raise DomainError("review.contest.duplicate", gettext("已对该审核意见提出过异议。"))
    reasons = _text(reasons, "reasons", gettext("异议理由"))
    row = Contest.objects.create(
        review=review, raised_by=actor, raised_at=clock.now(), reasons=reasons, state=ContestState.PENDING
    )
    _record("contested", case, actor, {"round": review.round, "outcome": review.outcome, "reasons": reasons})
    return row


def _lock_contest(contest: Contest) -> tuple[Case, Review, Contest]:
    case, review = _lock_review(contest.review)
    return case, review, Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)


@transaction.atomic
def decide_contest(contest: Contest, *, actor, decision: str, reasons: str) -> Contest:
    """负责人决定: uphold the opinion, adopt the case unit's proposal (the review then counts as
    passed, on the head's responsibility), or refer the matter to collective discussion."""
    case, review, contest = _lock_contest(contest)
    perm.require_head(case, actor, gettext("对审核意见分歧作出决定"))
    if review.reviewer_id == actor.pk:
        raise Forbidden("review.sod.reviewer_head", gettext("审核人不能对本人审核意见的分歧作出决定。"))
    if contest.state != ContestState.PENDING:
        raise DomainError(
            "review.contest.not_pending",
            gettext("该异议当前为“%(value)s”。") % {"value": contest.get_state_display()},
        )
    try:
        decision = HeadDecision(decision)
    except ValueError:
        raise InvalidInput("review.contest.decision", gettext("请选择处理决定。"), field="decision") from None
    reasons = _text(reasons, "reasons", gettext("决定理由"))
    contest.decided_by, contest.decided_at = actor, clock.now()
    contest.decision, contest.decision_reasons = decision, reasons
    contest.state = ContestState.REFERRED if decision == HeadDecision.REFER else ContestState.RESOLVED
    contest.save(update_fields=["decided_by", "decided_at", "decision", "decision_reasons", "state"])
    if decision == HeadDecision.OVERRULE:
        review.passed, review.passed_by = True, "head"
        review.save(update_fields=["passed", "passed_by"])
    _record(
        "head_decision",
        case,
        actor,
        {
            "round": review.round,
            "decision": decision.value,
            "reasons": reasons,
            "passed": review.passed,
            "answers_for": "负责人对决定负责",
        },
    )
    return contest


def _min_attendees(case: Case, on: dt.date) -> int:
    return int(rules.param("SX-REV-02.min_attendees", on=on, agency=case.agency).value)


@transaction.atomic
def hold_discussion(
    case: Case,
    *,
    actor,
    held_on: dt.date,
    attendees: Sequence[User],
    minutes: str,
    outcome: str,
    other_attendees: str = "",
    contest: Contest | None = None,
) -> CollectiveDiscussion:
    """集体讨论 (行政处罚法 Art. 57(2)): chaired by the head, with the attendees, minutes and
    outcome; resolves a referred contest, or is the discussion a complex or serious case needs."""
    case = _lock_case(case)
    perm.require_head(case, actor, gettext("主持集体讨论"))
    proposal = case.current_proposal
    if proposal is None:
        raise DomainError("review.discussion.no_proposal", gettext("尚未提出拟处理意见，无可讨论事项。"))
    if case.decided_on or case.is_closed:
        raise DomainError("review.discussion.decided", gettext("案件已作出决定。"))
    if contest is not None:
        contest = Contest.objects.select_for_update(of=("self",)).select_related("review").get(pk=contest.pk)
        if contest.review.case_id != case.pk or contest.state != ContestState.REFERRED:
            raise DomainError("review.discussion.contest_state", gettext("该异议未提交集体讨论，或已处理。"))
    try:
        outcome = DiscussionOutcome(outcome)
    except ValueError:
        raise InvalidInput(
            "review.discussion.outcome", gettext("请选择讨论结论。"), field="outcome"
        ) from None
    if held_on is None or held_on > clock.today():
        raise InvalidInput("review.discussion.held_on", gettext("讨论日期不能晚于今天。"), field="held_on")
    minutes = _text(minutes, "minutes", gettext("讨论记录"))
    people = {u.pk: u for u in [actor, *attendees]}
    for person in people.values():
        if person.agency_id != case.agency_id or not person.is_active:
            raise InvalidInput(
                "review.discussion.attendee",
                gettext("%(person)s不是本机关人员。") % {"person": person},
                field="attendees",
            )
    needed = _min_attendees(case, held_on)
    if len(people) < needed:
        raise InvalidInput(
            "review.discussion.quorum",
            gettext("集体讨论须至少%(needed)s名机关负责人参加。") % {"needed": needed},
            field="attendees",
        )
    row = CollectiveDiscussion.objects.create(
        case=case,
        purpose=DiscussionPurpose.CONTEST if contest else DiscussionPurpose.MAJOR_CASE,
        contest=contest,
        proposal=proposal,
        fingerprint=proposal.fingerprint,
        held_on=held_on,
        chair=actor,
        other_attendees=_text(
            other_attendees, "other_attendees", gettext("其他参加人员"), required=False, limit=300
        ),
        minutes=minutes,
        outcome=outcome,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    row.attendees.set(list(people.values()))
    passed = None
    if contest is not None:
        contest.state = ContestState.RESOLVED
        contest.save(update_fields=["state"])
        review = contest.review
        if outcome == DiscussionOutcome.APPROVE and review.state != State.VOIDED:
            review.passed, review.passed_by = True, "discussion"
            review.save(update_fields=["passed", "passed_by"])
        passed = review.passed
    _record(
        "discussion",
        case,
        actor,
        {
            "purpose": row.purpose,
            "round": contest.review.round if contest else None,
            "held_on": held_on.isoformat(),
            "chair": _who(actor),
            "attendees": [_who(p) for p in people.values()],
            "other_attendees": row.other_attendees,
            "minutes": minutes,
            "outcome": outcome.value,
            "proposal": {"version": proposal.version, "fingerprint": proposal.fingerprint},
            "review_passed": passed,
        },
    )
    return row


def approved_discussion(case: Case, proposal: Proposal | None) -> CollectiveDiscussion | None:
    if proposal is None:
        return None
    return (
        case.collective_discussions.filter(
            proposal=proposal, fingerprint=proposal.fingerprint, outcome=DiscussionOutcome.APPROVE
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def record_responsibility(case: Case, actor, review: Review, discussion: CollectiveDiscussion | None) -> None:
    """L6: for each major decision the record names who answered for what."""
    contest = review.contests.order_by("-raised_at").first()
    _record(
        "responsibility",
        case,
        actor,
        {
            "proposal": {"version": review.proposal.version, "fingerprint": review.fingerprint},
            "case_unit": {
                "answers_for": "送审材料的真实性、完整性",
                "submitted_by": _who(review.submitted_by),
                "handlers": [_who(h) for h in case.handlers.all()],
            },
            "reviewer": {
                "answers_for": "审核意见",
                "reviewer": _who(review.reviewer),
                "round": review.round,
                "outcome": review.outcome,
                "passed_by": review.passed_by,
            },
            "head": {
                "answers_for": "执法决定",
                "decided_by": _who(actor),
                "contest_decision": contest.decision if contest else None,
                "contest_decided_by": _who(contest.decided_by) if contest else None,
            },
            "collective_discussion": {
                "held_on": discussion.held_on.isoformat(),
                "outcome": discussion.outcome,
            }
            if discussion
            else None,
        },
    )


# --- the review body, advisers, the catalog --------------------------------------------------


def _require_agency_head(agency: Agency, actor, what: str) -> None:
    if not perm.active(actor) or not agency_in_scope(actor, agency, CHANGE) or not actor.has_role(Role.HEAD):
        raise Forbidden("review.not_head", gettext("只有本机关负责人可以%(what)s。") % {"what": what})


@transaction.atomic
def set_review_body(
    agency: Agency, *, actor, name: str, leader: User | None = None, phone: str = "", note: str = ""
) -> ReviewBody:
    _require_agency_head(agency, actor, gettext("设置法制审核机构"))
    name = _text(name, "name", gettext("机构名称"), limit=100)
    if leader is not None and (leader.agency_id != agency.pk or not leader.has_role(Role.REVIEWER)):
        raise InvalidInput("review.body.leader", gettext("负责人须为本机关法制审核人员。"), field="leader")
    body, _ = ReviewBody.objects.update_or_create(
        agency=agency,
        defaults={
            "name": name,
            "leader": leader,
            "phone": phone.strip()[:30],
            "note": note.strip(),
            "updated_by": actor,
        },
    )
    records.append(
        kind="review.body",
        stream=f"review-body:{agency.code}",
        agency=agency,
        actor=actor,
        payload={"name": name, "leader": _who(leader), "phone": body.phone, "note": body.note},
    )
    return body


@transaction.atomic
def appoint(
    agency: Agency,
    *,
    actor,
    user: User,
    kind: str,
    basis: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Appointment:
    """聘任法律顾问、公职律师 — a reviewer the agency may assign, also from another agency."""
    _require_agency_head(agency, actor, gettext("聘任法律顾问或公职律师"))
    try:
        kind = AppointmentKind(kind)
    except ValueError:
        raise InvalidInput("review.appointment.kind", gettext("请选择类别。"), field="kind") from None
    if not user.is_legal_adviser:
        raise InvalidInput(
            "review.appointment.not_adviser",
            gettext("%(user)s未登记为法律顾问或公职律师。") % {"user": user},
            field="user",
        )
    basis = _text(basis, "basis", gettext("聘任依据"), limit=200)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(
            "review.appointment.dates", gettext("聘期截止日期不能早于起始日期。"), field="ends_on"
        )
    row = Appointment.objects.create(
        agency=agency,
        user=user,
        kind=kind,
        basis=basis,
        starts_on=starts_on,
        ends_on=ends_on,
        appointed_by=actor,
        appointed_at=clock.now(),
    )
    records.append(
        kind="review.appointment",
        stream=f"review-body:{agency.code}",
        agency=agency,
        actor=actor,
        payload={
            "user": _who(user),
            "kind": kind.value,
            "basis": basis,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return row


def _clean_criterion(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    where = f"criteria.{index}"

    def fail(code: str, message: str) -> InvalidInput:
        return InvalidInput(
            f"review.catalog.{code}",
            gettext("第%(value)s项：%(message)s") % {"value": index + 1, "message": message},
            field=where,
        )

    code = str(raw.get("code") or "").strip()
    if not code or len(code) > 40:
        raise fail("code", gettext("请填写代码（不超过40字符）。"))
    try:
        kind = CriterionKind(raw.get("kind"))
    except ValueError:
        raise fail("kind", gettext("类型无效。")) from None
    description = str(raw.get("description") or "").strip()
    if not description:
        raise fail("description", gettext("请填写情形。"))
    party_kind = str(raw.get("party_kind") or "")
    if party_kind and party_kind not in PartyKind.values:
        raise fail("party_kind", gettext("当事人类型无效。"))
    try:
        amount = Decimal(str(raw["amount"])) if raw.get("amount") not in (None, "") else None
    except InvalidOperation:
        raise fail("amount", gettext("金额标准无效。")) from None
    if kind in (
        CriterionKind.FINE_AT_LEAST,
        CriterionKind.CONFISCATION_AT_LEAST,
        CriterionKind.MAJOR_PROPERTY_COERCION,
    ):
        if amount is None or not amount.is_finite() or amount <= 0:
            raise fail("amount", gettext("金额标准须为正数。"))
    else:
        amount = None
    values = [str(v).strip() for v in (raw.get("values") or []) if str(v).strip()]
    allowed = {CriterionKind.PENALTY_TYPE: PenaltyType.values, CriterionKind.FLAG: Flag.values}.get(kind)
    if allowed is not None and (not values or any(v not in allowed for v in values)):
        raise fail("values", gettext("取值无效。"))
    if kind == CriterionKind.CATEGORY_OUTCOME and (not values or any(":" not in v for v in values)):
        raise fail("values", gettext("取值格式应为“类别:决定”，如 permit:refuse。"))
    categories = [str(c) for c in (raw.get("categories") or [])]
    if any(c not in Category.values for c in categories):
        raise fail("categories", gettext("执法类别无效。"))
    return {
        "code": code,
        "kind": kind.value,
        "description": description[:300],
        "party_kind": party_kind,
        "amount": amount,
        "values": values,
        "categories": categories,
        "requires_discussion": bool(raw.get("requires_discussion")),
        "source": str(raw.get("source") or "").strip()[:200],
    }


def criterion_dict(criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "kind": criterion.kind,
        "description": criterion.description,
        "party_kind": criterion.party_kind,
        "amount": None if criterion.amount is None else f"{Decimal(criterion.amount):.2f}",
        "values": list(criterion.values or []),
        "categories": list(criterion.categories or []),
        "requires_discussion": criterion.requires_discussion,
        "source": criterion.source,
    }


def catalog_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[str]]:
    old, new = {c["code"]: c for c in before}, {c["code"]: c for c in after}
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(code for code in set(old) & set(new) if old[code] != new[code]),
    }


@transaction.atomic
def publish_catalog_version(
    agency: Agency,
    *,
    actor,
    effective_from: dt.date,
    source: str,
    criteria: Sequence[Mapping[str, Any]],
    note: str = "",
) -> ReviewCatalog:
    """A new version of the agency's catalog (目录清单), in force from a date not in the past; the
    earlier version ends the day before. Every version is kept: that is its history."""
    if not perm.active(actor) or not agency_in_scope(actor, agency, CHANGE):
        raise Forbidden("review.catalog.forbidden", gettext("只能编制本机关的法制审核目录。"))
    if not actor.roles & {Role.HEAD, Role.REVIEWER}:
        raise Forbidden("review.catalog.forbidden", gettext("只有负责人或法制审核人员可以编制法制审核目录。"))
    if effective_from is None or effective_from < clock.today():
        raise InvalidInput(
            "review.catalog.retroactive",
            gettext("施行日期不能早于今天（目录不得溯及既往）。"),
            field="effective_from",
        )
    latest = agency.review_catalogs.order_by("-effective_from").first()
    if latest is not None and effective_from <= latest.effective_from:
        raise InvalidInput(
            "review.catalog.not_after_latest",
            gettext("施行日期须晚于现行最新版本（第%(version)s版，%(effective_from)s施行）。")
            % {"version": latest.version, "effective_from": format(latest.effective_from, "%Y-%m-%d")},
            field="effective_from",
        )
    source = _text(source, "source", gettext("制定依据"), limit=200)
    cleaned = [_clean_criterion(c, i) for i, c in enumerate(criteria)]
    if not cleaned:
        raise InvalidInput("review.catalog.empty", gettext("目录至少应有一项情形。"), field="criteria")
    codes = [c["code"] for c in cleaned]
    if len(set(codes)) != len(codes):
        raise InvalidInput("review.catalog.duplicate_code", gettext("情形代码不能重复。"), field="criteria")
    catalog = create_review_catalog(
        agency=agency,
        effective_from=effective_from,
        source=source,
        criteria=cleaned,
        actor=actor,
        note=note.strip(),
    )
    before = [criterion_dict(c) for c in latest.criteria.all()] if latest else []
    after = [criterion_dict(c) for c in catalog.criteria.all()]
    records.append(
        kind="review.catalog_version",
        stream=f"review-catalog:{agency.code}",
        agency=agency,
        actor=actor,
        payload={
            "version": catalog.version,
            "effective_from": effective_from.isoformat(),
            "source": source,
            "note": catalog.note,
            "criteria": after,
            "changes": catalog_changes(before, after),
        },
    )
    return catalog
