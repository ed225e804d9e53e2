"""Legal review of major decisions (重大执法决定法制审核): classification, submissions, opinions,
coordination, collective discussion, the review body and its appointed advisers.

Nothing outside `services.py` changes these rows (DESIGN.md: Architecture); every change also
appends a record entry in the same transaction (I2).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case, Proposal
from sanxiang.catalog.models import ReviewCatalog
from sanxiang.core import clock
from sanxiang.core.scoping import VIEW, RestrictedQuerySet, agency_scope_q
from sanxiang.org.models import Agency
from sanxiang.review.choices import (
    CLOCK_STATES,
    AppointmentKind,
    Aspect,
    ContestState,
    DiscussionOutcome,
    DiscussionPurpose,
    Finding,
    Flag,
    HeadDecision,
    Outcome,
    State,
)

USER = settings.AUTH_USER_MODEL


class CaseFlag(models.Model):
    """情形标记 — a handler's or head's declaration that makes the case major (never removed)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_flags")
    code = models.CharField(_("情形"), max_length=40, choices=Flag.choices)
    reason = models.TextField(_("理由"))
    set_by = models.ForeignKey(USER, verbose_name=_("标记人"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("标记时间"))

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "set_at"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="review_flag_unique")]
        verbose_name = _("重大情形标记")
        verbose_name_plural = _("重大情形标记")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_code_display()}"


class Classification(models.Model):
    """重大执法决定认定 — one evaluation of the catalog against the proposal (or the case's facts).

    A new row is written whenever the facts change (a proposal version, a hearing, a seizure, a
    flag); the latest row of a case is its current classification."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_classifications")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64, blank=True)
    catalog = models.ForeignKey(
        ReviewCatalog, null=True, blank=True, on_delete=models.PROTECT, related_name="classifications"
    )
    evaluated_on = models.DateField(_("目录适用日期"))
    required = models.BooleanField(_("须法制审核"))
    discussion_required = models.BooleanField(_("须集体讨论"), default=False)
    matches = models.JSONField(_("符合的情形"), default=list)
    trigger = models.CharField(_("触发"), max_length=20)
    created_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "-created_at", "-pk"]
        verbose_name = _("重大执法决定认定")
        verbose_name_plural = _("重大执法决定认定")

    def __str__(self) -> str:
        return f"{self.case.number} {'须审核' if self.required else '无须审核'}"


class ReviewQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW) -> ReviewQuerySet:
        """The agency's scope, plus the reviews assigned to this user (an appointed legal adviser
        of another agency sees exactly the reviews given to them, nothing else of the case unit)."""
        scope = agency_scope_q(user, "case__agency", action)
        if getattr(user, "is_authenticated", False):
            scope |= Q(reviewer=user)
        return self.filter(scope)

    def overdue(self, today: dt.date | None = None) -> ReviewQuerySet:
        return self.filter(state__in=CLOCK_STATES, due_on__lt=today or clock.today())


class Review(models.Model):
    """法制审核 — one round of review of one proposal version: submission, intake, assignment,
    checklist, opinion. A new proposal version voids every earlier round (I1)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveIntegerField(_("轮次"))
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="reviews")
    fingerprint = models.CharField(_("拟处理意见指纹"), max_length=64)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, db_index=True)
    outcome = models.CharField(_("审核意见"), max_length=20, choices=Outcome.choices, blank=True)
    passed = models.BooleanField(_("审核通过"), default=False)
    passed_by = models.CharField(_("通过方式"), max_length=20, blank=True)  # opinion | head | discussion
    # submission (送审) — the case unit answers for truth and completeness (L6)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("送审人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("送审时间"))
    materials = models.JSONField(_("送审材料"), default=list)
    evidence_list = models.TextField(_("证据材料清单"))
    submission_note = models.TextField(_("送审说明"), blank=True)
    # intake (受理)
    intake_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    intake_at = models.DateTimeField(_("受理/退回时间"), null=True, blank=True)
    missing = models.JSONField(_("缺少的材料"), default=list, blank=True)
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("审核期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    deadline_citation = models.CharField(_("期限依据"), max_length=300, blank=True)
    extensions = models.PositiveSmallIntegerField(_("延长次数"), default=0)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    # assignment and opinion — the reviewer answers for the opinion (L6)
    reviewer = models.ForeignKey(
        USER,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    assigned_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    opinion = models.TextField(_("审核意见书正文"), blank=True)
    concluded_at = models.DateTimeField(_("出具意见时间"), null=True, blank=True)
    concluded_on = models.DateField(_("出具意见日期"), null=True, blank=True)
    late_reason = models.TextField(_("逾期说明"), blank=True)
    voided_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    voided_reason = models.CharField(_("失效原因"), max_length=200, blank=True)

    objects = ReviewQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="review_round_unique")]
        indexes = [models.Index(fields=["state", "due_on"])]
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")

    def __str__(self) -> str:
        return f"{self.case.number} 第{self.round}轮"

    @property
    def is_open(self) -> bool:
        return self.state in (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED)

    @property
    def is_overdue(self) -> bool:
        return self.state in CLOCK_STATES and self.due_on is not None and self.due_on < clock.today()


class ReviewFinding(models.Model):
    """审核要点 — the reviewer's finding on one of the six aspects."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    aspect = models.CharField(_("审核内容"), max_length=20, choices=Aspect.choices)
    result = models.CharField(_("审核结论"), max_length=20, choices=Finding.choices)
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["review", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "aspect"], name="review_finding_unique")]
        verbose_name = _("审核要点")
        verbose_name_plural = _("审核要点")

    def __str__(self) -> str:
        return f"{self.get_aspect_display()}：{self.get_result_display()}"


class Contest(models.Model):
    """协调 — the case unit disagrees with an opinion; the head decides or refers it to collective
    discussion."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="contests")
    raised_by = models.ForeignKey(USER, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"))
    reasons = models.TextField(_("异议理由"))
    state = models.CharField(_("状态"), max_length=20, choices=ContestState.choices, db_index=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision = models.CharField(_("负责人决定"), max_length=20, choices=HeadDecision.choices, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "review__case__agency"

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("审核意见分歧")
        verbose_name_plural = _("审核意见分歧")

    def __str__(self) -> str:
        return f"{self.review} {self.get_state_display()}"


class CollectiveDiscussion(models.Model):
    """集体讨论 — the agency's leaders decide together (行政处罚法 Art. 57(2)): attendees, minutes,
    outcome. Either resolves a contest or is the discussion a complex or serious case needs."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="collective_discussions")
    purpose = models.CharField(_("事由"), max_length=20, choices=DiscussionPurpose.choices)
    contest = models.ForeignKey(
        Contest, null=True, blank=True, on_delete=models.PROTECT, related_name="discussions"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    held_on = models.DateField(_("讨论日期"))
    chair = models.ForeignKey(USER, verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(USER, verbose_name=_("参加人员"), related_name="+")
    other_attendees = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    minutes = models.TextField(_("讨论记录"))
    outcome = models.CharField(_("讨论结论"), max_length=20, choices=DiscussionOutcome.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("集体讨论")
        verbose_name_plural = _("集体讨论")

    def __str__(self) -> str:
        return f"{self.case.number} {self.held_on}"


class ReviewBody(models.Model):
    """法制审核机构 — the named body of an agency that reviews its major decisions (L2)."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="review_body")
    name = models.CharField(_("机构名称"), max_length=100)
    leader = models.ForeignKey(
        USER, verbose_name=_("负责人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    note = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        verbose_name = _("法制审核机构")
        verbose_name_plural = _("法制审核机构")

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """法律顾问、公职律师聘任 — a reviewer of another agency (or without the reviewer role) whom this
    agency may assign reviews to (policy task 11)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="review_appointments")
    user = models.ForeignKey(USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=AppointmentKind.choices)
    basis = models.CharField(_("聘任依据"), max_length=200)
    starts_on = models.DateField(_("聘期自"))
    ends_on = models.DateField(_("聘期至"), null=True, blank=True)
    appointed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "-starts_on"]
        verbose_name = _("法律顾问/公职律师聘任")
        verbose_name_plural = _("法律顾问/公职律师聘任")

    def __str__(self) -> str:
        return f"{self.agency} {self.user}"

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
