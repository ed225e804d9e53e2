"""监督发现的问题 (findings), their amendments, and the enterprise inspection register.

A finding is never deleted (supervision-regulation.md Art. 40): it is amended with a reason, and
each amendment keeps what changed. Withdrawing a finding is an amendment to status ``withdrawn``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError
from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.supervision.choices import FindingStatus, MisconductKind, Severity


class Finding(AuditedModel):
    """问题 — one instance of misconduct or a failure, citing its evidence and the rule."""

    number = models.CharField(_("问题编号"), max_length=40, unique=True)
    kind = models.CharField(_("问题类型"), max_length=30, choices=MisconductKind.choices, db_index=True)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被监督主体"), on_delete=models.PROTECT, related_name="findings"
    )
    supervising_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("认定机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_findings",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("涉及执法人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    clue = models.ForeignKey(
        "supervision.Clue",
        verbose_name=_("来源线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    evidence = models.JSONField(
        _("证据"), default=list, blank=True, help_text=_('引用的证据：[{"type", "ref", "text"}]')
    )
    rule_code = models.CharField(_("依据规则"), max_length=40, blank=True)
    rule_citation = models.CharField(_("规则出处"), max_length=300, blank=True)
    detector = models.CharField(_("检测规则"), max_length=40, blank=True, db_index=True)
    detector_key = models.CharField(_("检测命中键"), max_length=200, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    found_on = models.DateField(_("发现日期"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["agency", "kind"])]
        verbose_name = _("监督问题")
        verbose_name_plural = _("监督问题")

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def stream(self) -> str:
        return f"finding:{self.number}"

    def delete(self, *args, **kwargs):  # Art. 40: never deleted, only amended
        raise DomainError("supervision.finding.undeletable", "监督问题不得删除，只能附理由修正。")


class FindingAmendment(models.Model):
    """修正记录 — one amendment of a finding: who, when, why, and the fields before and after."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="amendments")
    seq = models.PositiveIntegerField(_("序号"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("修正理由"))
    changes = models.JSONField(_("修改内容"), default=dict)

    class Meta:
        ordering = ["finding", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "seq"], name="finding_amendment_seq_unique")
        ]
        verbose_name = _("问题修正记录")
        verbose_name_plural = _("问题修正记录")

    def __str__(self) -> str:
        return f"{self.finding.number} #{self.seq}"

    def delete(self, *args, **kwargs):
        raise DomainError("supervision.finding.undeletable", "修正记录不得删除。")


class InspectionVisit(AuditedModel):
    """涉企检查登记 — one inspection of an enterprise: who, when, on what basis, planned or not."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("检查主体"), on_delete=models.PROTECT, related_name="inspection_visits"
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("被检查企业"),
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="inspection_visits"
    )
    basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    planned = models.BooleanField(_("列入年度检查计划"), default=False)
    plan_ref = models.CharField(_("计划编号"), max_length=60, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["party", "inspected_on"])]
        verbose_name = _("涉企检查登记")
        verbose_name_plural = _("涉企检查登记")

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.party}"
