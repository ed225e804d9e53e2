"""问题线索 and 跟进事项: clues from every channel and the follow-up items they open.

A clue belongs to the agency that registered it (usually a justice bureau, the 监督机构); it may be
linked to the cases, agencies and officers it concerns. Every act on a clue or follow-up appends
an entry to the record stream ``clue:<number>`` (records.services.append, DESIGN.md I2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.supervision.choices import ClueChannel, ClueStatus, FollowUpKind, FollowUpStatus


class ClueQuerySet(RestrictedQuerySet):
    def active(self) -> ClueQuerySet:
        return self.exclude(status__in=[ClueStatus.MERGED, ClueStatus.DISMISSED, ClueStatus.CLOSED])


class FollowUpQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view") -> FollowUpQuerySet:
        """The supervising agency's scope, plus the items assigned to the user or their agency."""
        from django.db.models import Q

        from sanxiang.core.scoping import agency_scope_q

        q = agency_scope_q(user, "agency", action)
        if getattr(user, "is_authenticated", False) and getattr(user, "agency_id", None):
            q |= Q(owner=user) | Q(assignee_agency_id=user.agency_id)
        return self.filter(q)

    def open(self) -> FollowUpQuerySet:
        return self.exclude(status=FollowUpStatus.CLOSED)


class Clue(AuditedModel):
    """问题线索 — one problem reported through a channel (or raised by a clue model)."""

    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("登记机构"), on_delete=models.PROTECT, related_name="clues"
    )
    channel = models.CharField(_("来源渠道"), max_length=30, choices=ClueChannel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=ClueStatus.choices, default=ClueStatus.REGISTERED, db_index=True
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("反映内容"))
    received_on = models.DateField(_("收到日期"))
    # channel details
    hotline_order_no = models.CharField(_("12345工单号"), max_length=40, blank=True, db_index=True)
    ack_number = models.CharField(_("受理回执号"), max_length=40, blank=True, db_index=True)
    source_ref = models.CharField(_("来源文号/出处"), max_length=200, blank=True)
    # the complainant (masked wherever shown outside the handling agency)
    complainant_kind = models.CharField(_("反映人类型"), max_length=20, blank=True)
    complainant_name = models.CharField(_("反映人"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    complainant_contact = models.CharField(_("其他联系方式"), max_length=200, blank=True)
    # what it concerns
    cases = models.ManyToManyField("cases.Case", verbose_name=_("关联案件"), blank=True, related_name="clues")
    agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("涉及执法主体"), blank=True, related_name="concerning_clues"
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("涉及执法人员"), blank=True, related_name="concerning_clues"
    )
    # clue models
    model_code = models.CharField(_("线索模型"), max_length=40, blank=True, db_index=True)
    model_key = models.CharField(_("模型命中键"), max_length=200, blank=True, db_index=True)
    # workflow
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_clues",
    )
    step_due_on = models.DateField(_("本环节办理期限"), null=True, blank=True, db_index=True)
    step_rule = models.CharField(_("期限依据"), max_length=60, blank=True)
    assessment = models.TextField(_("研判意见"), blank=True)
    decision_reason = models.TextField(_("处理理由"), blank=True)
    transferred_to = models.ForeignKey(
        "org.Agency",
        verbose_name=_("转办至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_clues",
    )
    transfer_count = models.PositiveIntegerField(_("转办次数"), default=0)
    is_key = models.BooleanField(_("重点监督"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_clues",
    )
    result = models.TextField(_("办理结果"), blank=True)
    reply_text = models.TextField(_("答复反映人"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ClueQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def stream(self) -> str:
        return f"clue:{self.number}"


class FollowUp(AuditedModel):
    """跟进事项 — one item someone must act on by a date: assign → respond → close.

    Opened by a clue, a finding or a case-file evaluation (rectification 整改)."""

    number = models.CharField(_("编号"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("督办机构"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=FollowUpKind.choices, default=FollowUpKind.CLUE)
    title = models.CharField(_("事项"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN, db_index=True
    )
    clue = models.ForeignKey(
        Clue,
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    finding = models.ForeignKey(
        "supervision.Finding",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    evaluation = models.ForeignKey(
        "supervision.Evaluation",
        verbose_name=_("评查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    assignee_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_follow_ups",
    )
    due_on = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    instruction = models.TextField(_("督办要求"), blank=True)
    response = models.TextField(_("回复/整改情况"), blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    closing_note = models.TextField(_("办结意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = FollowUpQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def stream(self) -> str:
        return f"followup:{self.number}"
