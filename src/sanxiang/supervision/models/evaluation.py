"""案卷评查 — automatic case-file evaluation with manual scores beside it.

The rule set is data (supervision/data/evaluation-rules.yaml, versioned, each rule citing its
source); it is loaded into `EvaluationRule` rows so admins can see and adjust points and severity.
An `Evaluation` is one run of one rule-set version on one case; its `EvaluationItem`s are the
automatic findings, and a supervisor's manual score and comment sit beside them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.supervision.choices import EvaluationTrigger, Severity


class EvaluationRule(models.Model):
    """评查规则 — one check of the rule set, in one version."""

    code = models.CharField(_("规则代码"), max_length=40)
    version = models.CharField(_("规则集版本"), max_length=20)
    title = models.CharField(_("评查项目"), max_length=200)
    tier = models.CharField(_("层级"), max_length=20, help_text=_("veto / form / content"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=0)
    checker = models.CharField(_("检查函数"), max_length=60)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    source = models.CharField(_("出处"), max_length=300)
    confidence = models.CharField(_("可信度"), max_length=2, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="evaluation_rule_version_unique")
        ]
        verbose_name = _("评查规则")
        verbose_name_plural = _("评查规则")

    def __str__(self) -> str:
        return f"{self.code}@{self.version} {self.title}"


class Evaluation(AuditedModel):
    """案卷评查记录 — one evaluation of one case file."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evaluations"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="evaluations"
    )
    ruleset_version = models.CharField(_("规则集版本"), max_length=20)
    trigger = models.CharField(_("触发方式"), max_length=20, choices=EvaluationTrigger.choices)
    run_at = models.DateTimeField(_("评查时间"))
    auto_score = models.DecimalField(_("自动评分"), max_digits=5, decimal_places=1)
    vetoed = models.BooleanField(_("否决（不合格案卷）"), default=False)
    manual_score = models.DecimalField(_("人工评分"), max_digits=5, decimal_places=1, null=True, blank=True)
    manual_comment = models.TextField(_("人工评查意见"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    rectification_required = models.BooleanField(_("需整改"), default=False)
    is_current = models.BooleanField(_("最新一次"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-run_at", "-id"]
        verbose_name = _("案卷评查")
        verbose_name_plural = _("案卷评查")

    def __str__(self) -> str:
        return f"{self.case.number} {self.run_at:%Y-%m-%d}"

    @property
    def final_score(self):
        return self.manual_score if self.manual_score is not None else self.auto_score


class EvaluationItem(models.Model):
    """评查发现 — one rule's failed check in one evaluation (passed checks are not stored)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    rule_code = models.CharField(_("规则代码"), max_length=40)
    title = models.CharField(_("评查项目"), max_length=200)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=0)
    message = models.TextField(_("问题说明"))
    source = models.CharField(_("出处"), max_length=300)
    detail = models.JSONField(_("明细"), default=dict, blank=True)

    class Meta:
        ordering = ["evaluation", "rule_code"]
        verbose_name = _("评查发现")
        verbose_name_plural = _("评查发现")

    def __str__(self) -> str:
        return f"{self.rule_code}: {self.message}"
