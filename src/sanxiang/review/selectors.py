"""Read helpers of legal review: queues, a case's review status, staffing, overviews, and the data
other apps render (the published catalog for the portal, the opinion for the 法制审核意见书)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import Case
from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category, PartyKind, PenaltyType
from sanxiang.catalog.models import CriterionKind, ReviewCatalog
from sanxiang.catalog.services import review_catalog_in_force
from sanxiang.core import clock
from sanxiang.core.errors import NotFound
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.review import services
from sanxiang.review.choices import (
    CLOCK_STATES,
    Aspect,
    ContestState,
    Flag,
    Material,
    Outcome,
    State,
)
from sanxiang.review.models import Appointment, Contest, Review, ReviewBody

# --- lookups that answer 404 for the invisible -----------------------------------------------


def reviews_visible_to(user) -> QuerySet[Review]:
    return Review.objects.restrict(user).select_related(
        "case__agency", "case__party", "proposal", "reviewer", "submitted_by"
    )


def review_for(user, pk: int) -> Review:
    found = reviews_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("review.not_found", _("法制审核不存在或无权查阅。"))
    return found


def contest_for(user, pk: int) -> Contest:
    found = Contest.objects.restrict(user).select_related("review__case").filter(pk=pk).first()
    if found is None:
        raise NotFound("review.contest.not_found", _("异议不存在或无权查阅。"))
    return found


# --- a case's review status ------------------------------------------------------------------


@dataclass
class Status:
    """Where a case stands with legal review, for the case page, the API and the head's page."""

    code: str  # not_required | required | in_review | returned | not_passed | contested | passed
    label: str
    badge: str
    classification: Any
    proposal: Any
    review: Review | None  # the latest round of the current proposal
    passed: Review | None
    discussion_required: bool
    discussion: Any

    def as_dict(self) -> dict[str, Any]:
        c = self.classification
        return {
            "status": self.code,
            "label": self.label,
            "required": bool(c and c.required),
            "discussion_required": self.discussion_required,
            "discussion_held": self.discussion is not None,
            "matches": c.matches if c else [],
            "evaluated_on": c.evaluated_on.isoformat() if c else None,
            "catalog_version": c.catalog.version if c and c.catalog_id else None,
            "proposal_version": self.proposal.version if self.proposal else None,
            "fingerprint": self.proposal.fingerprint if self.proposal else None,
            "review": self.review.pk if self.review else None,
            "passed_review": self.passed.pk if self.passed else None,
        }


_LABELS = {
    "not_required": (gettext_lazy("无须法制审核"), ""),
    "required": (gettext_lazy("须法制审核，尚未送审"), "warn"),
    "in_review": (gettext_lazy("审核中"), "info"),
    "returned": (gettext_lazy("退回补充材料"), "warn"),
    "not_passed": (gettext_lazy("审核未通过"), "bad"),
    "contested": (gettext_lazy("意见分歧协调中"), "warn"),
    "passed": (gettext_lazy("审核通过"), "ok"),
}


def status_of(case: Case) -> Status:
    proposal = case.current_proposal
    classification = services.current_classification(case)
    required = bool(classification and classification.required)
    passed = services.passed_review(case, proposal)
    latest = case.reviews.filter(proposal=proposal).order_by("-round").first() if proposal else None
    if passed is not None:
        code = "passed"
    elif latest is not None and latest.is_open:
        code = "in_review"
    elif (
        latest is not None
        and latest.contests.filter(state__in=[ContestState.PENDING, ContestState.REFERRED]).exists()
    ):
        code = "contested"
    elif latest is not None and (latest.state == State.REFUSED or latest.outcome == Outcome.RETURN):
        code = "returned"
    elif latest is not None and latest.state == State.CONCLUDED:
        code = "not_passed"
    else:
        code = "required" if required else "not_required"
    label, badge = _LABELS[code]
    discussion_required = bool(classification and classification.discussion_required)
    return Status(
        code=code,
        label=label,
        badge=badge,
        classification=classification,
        proposal=proposal,
        review=latest,
        passed=passed,
        discussion_required=discussion_required,
        discussion=services.approved_discussion(case, proposal) if discussion_required else None,
    )


# --- queues ----------------------------------------------------------------------------------


def reviewer_queue(user) -> QuerySet[Review]:
    """审核人待办: reviews assigned to me, the nearest deadline first."""
    return reviews_visible_to(user).filter(reviewer=user, state=State.ASSIGNED).order_by("due_on", "pk")


def intake_queue(user) -> QuerySet[Review]:
    """法制审核机构待办: packages to accept and accepted reviews without a reviewer."""
    if not user.roles & {Role.REVIEWER, Role.HEAD} or user.agency_id is None:
        return Review.objects.none()
    return (
        reviews_visible_to(user)
        .filter(case__agency=user.agency, state__in=[State.SUBMITTED, State.ACCEPTED])
        .exclude(case__handlers=user)
        .order_by("submitted_at")
    )


def overdue_reviews(user) -> QuerySet[Review]:
    return reviews_visible_to(user).overdue().order_by("due_on")


def head_contests(user) -> QuerySet[Contest]:
    if not user.has_role(Role.HEAD) or user.agency_id is None:
        return Contest.objects.none()
    return (
        Contest.objects.restrict(user, "change")
        .filter(state__in=[ContestState.PENDING, ContestState.REFERRED])
        .select_related("review__case", "review__reviewer", "raised_by")
        .order_by("raised_at")
    )


def major_cases_pending(user) -> list[tuple[Case, Status]]:
    """Open cases of my agency whose current classification requires review, with their status."""
    if user.agency_id is None:
        return []
    cases = (
        Case.objects.restrict(user)
        .filter(closed_on__isnull=True, decided_on__isnull=True, review_classifications__required=True)
        .distinct()
        .select_related("agency", "party")
        .order_by("-opened_at")[:200]
    )
    result = []
    for case in cases:
        status = status_of(case)
        if status.classification is not None and status.classification.required:
            result.append((case, status))
    return result


# --- reviewers and staffing ------------------------------------------------------------------


def eligible_reviewers(case: Case, on: dt.date | None = None) -> list[tuple[User, str]]:
    """Everyone the review body could assign, with the reason each one is refused ('' if none)."""
    on = on or clock.today()
    candidates = {
        u.pk: u for u in User.objects.filter(agency=case.agency, is_active=True, groups__name=Role.REVIEWER)
    }
    for appointment in Appointment.objects.filter(agency=case.agency).select_related("user"):
        if appointment.active_on(on) and appointment.user.is_active:
            candidates.setdefault(appointment.user.pk, appointment.user)
    result = []
    for user in sorted(candidates.values(), key=lambda u: u.username):
        try:
            services.check_reviewer(case, user, on)
        except Exception as refusal:  # a DomainError: its message is the reason shown
            result.append((user, getattr(refusal, "message", str(refusal))))
        else:
            result.append((user, ""))
    return result


@dataclass(frozen=True)
class Staffing:
    agency: Agency
    officers: int
    reviewers: int
    qualified: int
    advisers: int
    ratio: Decimal | None
    min_ratio: Decimal
    citation: str

    @property
    def below(self) -> bool:
        return self.officers > 0 and (self.ratio is None or self.ratio < self.min_ratio)

    @property
    def needed(self) -> int:
        """Reviewers needed to reach the ratio."""
        import math

        return max(0, math.ceil(self.officers * self.min_ratio) - self.reviewers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency.code,
            "agency_name": self.agency.name,
            "officers": self.officers,
            "reviewers": self.reviewers,
            "qualified_reviewers": self.qualified,
            "appointed_advisers": self.advisers,
            "ratio": None if self.ratio is None else float(self.ratio),
            "min_ratio": float(self.min_ratio),
            "below_min_ratio": self.below,
            "needed": self.needed,
            "rule": self.citation,
        }


def staffing(agency: Agency, on: dt.date | None = None) -> Staffing:
    """REV-06: reviewers should be at least `min_ratio` of the agency's enforcement officers. Only
    the agency's own reviewers count; appointed advisers are shown beside them."""
    on = on or clock.today()
    rule = rules.param("REV-06.min_ratio", on=on, agency=agency)
    staff = User.objects.filter(agency=agency, is_active=True)
    officers = staff.filter(groups__name=Role.OFFICER).distinct().count()
    reviewer_qs = staff.filter(groups__name=Role.REVIEWER).distinct()
    reviewers = reviewer_qs.count()
    qualified = reviewer_qs.exclude(legal_qualification="").count()
    advisers = sum(1 for a in Appointment.objects.filter(agency=agency) if a.active_on(on))
    ratio = (Decimal(reviewers) / Decimal(officers)).quantize(Decimal("0.0001")) if officers else None
    return Staffing(agency, officers, reviewers, qualified, advisers, ratio, rule.amount, rule.citation)


def staffing_in_scope(user) -> list[Staffing]:
    return [staffing(a) for a in Agency.objects.restrict(user).order_by("division__path", "code")]


# --- supervisor's overview -------------------------------------------------------------------


def overview(user, since: dt.date | None = None) -> dict[str, Any]:
    """Reviews by agency and by state/outcome, overdue counts and staffing flags, in scope only."""
    reviews = Review.objects.restrict(user)
    if since is not None:
        reviews = reviews.filter(submitted_at__date__gte=since)
    rows: dict[int, Counter] = defaultdict(Counter)
    today = clock.today()
    for agency_id, state, outcome, passed, due_on in reviews.values_list(
        "case__agency_id", "state", "outcome", "passed", "due_on"
    ):
        counter = rows[agency_id]
        counter["total"] += 1
        counter[f"state:{state}"] += 1
        if outcome:
            counter[f"outcome:{outcome}"] += 1
        if passed and state != State.VOIDED:
            counter["passed"] += 1
        if state in CLOCK_STATES and due_on and due_on < today:
            counter["overdue"] += 1
    agencies = Agency.objects.restrict(user).filter(
        Q(pk__in=rows.keys()) | Q(staff__groups__name=Role.REVIEWER)
    )
    table = []
    for agency in agencies.distinct().order_by("division__path", "code"):
        counts = rows.get(agency.pk, Counter())
        table.append({"agency": agency, "counts": counts, "staffing": staffing(agency, today)})
    totals: Counter = Counter()
    for counter in rows.values():
        totals.update(counter)
    return {"rows": table, "totals": totals, "outcomes": Outcome.choices, "states": State.choices}


# --- for other apps: the published catalog and the opinion document --------------------------


def _criterion_public(criterion) -> dict[str, Any]:
    kind = CriterionKind(criterion.kind)
    labels = dict(PenaltyType.choices) | dict(Flag.choices)
    return {
        "code": criterion.code,
        "kind": kind.value,
        "kind_label": str(kind.label),
        "description": criterion.description,
        "party_kind": criterion.party_kind,
        "party_kind_label": str(PartyKind(criterion.party_kind).label) if criterion.party_kind else "",
        "amount": None if criterion.amount is None else f"{Decimal(criterion.amount):.2f}",
        "values": list(criterion.values or []),
        "value_labels": [str(labels.get(v, v)) for v in criterion.values or []],
        "categories": list(criterion.categories or []),
        "category_labels": [str(Category(c).label) for c in criterion.categories or []],
        "requires_discussion": criterion.requires_discussion,
        "source": criterion.source,
    }


def published_catalog(agency: Agency, on: dt.date | None = None) -> dict[str, Any] | None:
    """The agency's review catalog in force on `on` as public data (事前公开, P2) — for the
    publicity app to snapshot and publish. None when the agency has no catalog in force."""
    on = on or clock.today()
    catalog = review_catalog_in_force(agency, on)
    if catalog is None:
        return None
    return {
        "title": f"{agency.name}重大执法决定法制审核目录清单",
        "agency": {"code": agency.code, "name": agency.name},
        "version": catalog.version,
        "effective_from": catalog.effective_from.isoformat(),
        "effective_to": catalog.effective_to.isoformat() if catalog.effective_to else None,
        "source": catalog.source,
        "note": catalog.note,
        "criteria": [_criterion_public(c) for c in catalog.criteria.all()],
    }


def catalog_versions(agency: Agency) -> QuerySet[ReviewCatalog]:
    return agency.review_catalogs.order_by("-version").prefetch_related("criteria")


def opinion_fields(review: Review) -> dict[str, Any]:
    """法制审核意见书 — every field the document needs, for the documents app to render."""
    case, proposal = review.case, review.proposal
    findings = {f.aspect: f for f in review.findings.all()}
    classification = services.current_classification(case)
    body = ReviewBody.objects.filter(agency=case.agency).first()
    return {
        "document": "法制审核意见书",
        "agency": case.agency.name,
        "review_body": body.name if body else "",
        "case_number": case.number,
        "case_title": case.title,
        "party": case.party.name if case.party else "",
        "round": review.round,
        "submitted_by": review.submitted_by.display_name,
        "submitted_on": review.submitted_at.date().isoformat(),
        "accepted_on": review.accepted_on.isoformat() if review.accepted_on else None,
        "due_on": review.due_on.isoformat() if review.due_on else None,
        "reviewer": review.reviewer.display_name if review.reviewer else "",
        "reviewer_qualification": review.reviewer.legal_qualification if review.reviewer else "",
        "concluded_on": review.concluded_on.isoformat() if review.concluded_on else None,
        "proposal": {
            "version": proposal.version,
            "outcome": proposal.outcome,
            "penalty_types": [str(dict(PenaltyType.choices).get(t, t)) for t in proposal.penalty_types],
            "fine_amount": None if proposal.fine_amount is None else f"{proposal.fine_amount:.2f}",
            "confiscation_amount": None
            if proposal.confiscation_amount is None
            else f"{proposal.confiscation_amount:.2f}",
            "legal_basis": [a.citation for a in proposal.legal_basis.all()],
            "summary": proposal.summary,
            "fingerprint": review.fingerprint,
        },
        "major_because": classification.matches if classification else [],
        "findings": [
            {
                "aspect": aspect.value,
                "aspect_label": str(aspect.label),
                "result": findings[aspect.value].result if aspect.value in findings else "",
                "result_label": findings[aspect.value].get_result_display()
                if aspect.value in findings
                else "",
                "notes": findings[aspect.value].notes if aspect.value in findings else "",
            }
            for aspect in Aspect
        ],
        "outcome": review.outcome,
        "outcome_label": review.get_outcome_display() if review.outcome else "",
        "opinion": review.opinion,
        "late_reason": review.late_reason,
        "valid": review.state != State.VOIDED,
    }


def materials_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Material.choices}
