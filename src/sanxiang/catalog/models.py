"""Catalog: laws and articles, enforcement items, discretion benchmarks, the major-decision
catalog, and the legal rule parameters (DESIGN.md I8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.choices import Category, Confidence, DiscretionLevel, PartyKind
from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.org.models import Agency, Field


class LawKind(models.TextChoices):
    LAW = "law", _("法律")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("行政法规")
    DEPARTMENTAL_RULE = "departmental_rule", _("部门规章")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    LOCAL_RULE = "local_rule", _("地方政府规章")
    NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")


class Law(models.Model):
    """法律法规 — one version of one law (a revision is a new row with its own version date)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True, allow_unicode=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("效力层级"), max_length=30, choices=LawKind.choices, default=LawKind.LAW)
    version_date = models.DateField(_("版本日期"))
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    source = models.CharField(_("文本来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["name", "-version_date"]
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")

    def __str__(self) -> str:
        return f"{self.name}（{self.version_date:%Y}）"


class Article(models.Model):
    """法律条款 — the text of one article of one law version, with the dates it applies."""

    law = models.ForeignKey(
        Law, verbose_name=_("法律法规"), on_delete=models.PROTECT, related_name="articles"
    )
    number = models.PositiveIntegerField(_("条"))
    label = models.CharField(_("条文序号"), max_length=20, help_text=_("如“第五十一条”"))
    chapter = models.CharField(_("章节"), max_length=120, blank=True)
    text = models.TextField(_("条文"))
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    repealed_on = models.DateField(_("失效日期"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("修订后条款"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["law", "number", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["law", "number", "effective_from"], name="article_version_unique")
        ]
        verbose_name = _("法律条款")
        verbose_name_plural = _("法律条款")

    def __str__(self) -> str:
        return f"《{self.law.name}》{self.label}"

    @property
    def citation(self) -> str:
        return str(self)


class EnforcementItem(AuditedModel):
    """行政执法事项 — one power in an agency's list (权责清单), with its legal bases."""

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("执法类别"), max_length=20, choices=Category.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="items"
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("执法领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    description = models.TextField(_("说明"), blank=True)
    legal_basis = models.ManyToManyField(
        Article, verbose_name=_("设定依据"), blank=True, related_name="items_as_basis"
    )
    penalty_basis = models.ManyToManyField(
        Article, verbose_name=_("处罚依据"), blank=True, related_name="items_as_penalty_basis"
    )
    min_fine = models.DecimalField(_("法定罚款下限"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_fine = models.DecimalField(_("法定罚款上限"), max_digits=14, decimal_places=2, null=True, blank=True)
    random_inspection = models.BooleanField(_("列入随机抽查事项清单"), default=False)
    time_limit_note = models.CharField(_("办理时限"), max_length=100, blank=True)
    needs_update = models.BooleanField(_("依据已变更，待更新"), default=False)
    needs_update_reason = models.CharField(_("待更新原因"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency__code", "code"]
        verbose_name = _("执法事项")
        verbose_name_plural = _("执法事项")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DiscretionBenchmark(AuditedModel):
    """裁量基准 — one version of the benchmark of one item; applies only once published (PUB-14)."""

    item = models.ForeignKey(
        EnforcementItem, verbose_name=_("执法事项"), on_delete=models.PROTECT, related_name="benchmarks"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    source = models.CharField(_("制定依据"), max_length=200)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "item__agency"

    class Meta:
        ordering = ["item", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="benchmark_version_unique")]
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")

    def __str__(self) -> str:
        return f"{self.item.name} v{self.version}"


class BenchmarkLevel(models.Model):
    """One tier (阶次) of a benchmark: when it applies and the narrowed range it allows."""

    benchmark = models.ForeignKey(
        DiscretionBenchmark, verbose_name=_("裁量基准"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("裁量阶次"), max_length=20, choices=DiscretionLevel.choices)
    conditions = models.TextField(_("适用情形"))
    circumstances = models.JSONField(_("情节代码"), default=list, blank=True)
    min_fine = models.DecimalField(_("罚款下限"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_fine = models.DecimalField(_("罚款上限"), max_digits=14, decimal_places=2, null=True, blank=True)
    other_penalties = models.CharField(_("其他处罚"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["benchmark", "order"]
        verbose_name = _("裁量阶次")
        verbose_name_plural = _("裁量阶次")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.min_fine}–{self.max_fine}"


class ReviewCatalog(AuditedModel):
    """重大执法决定法制审核目录清单 — one dated version of an agency's catalog (rules.md REV-05)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="review_catalogs"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.CharField(_("制定依据"), max_length=200)
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="review_catalog_version_unique")
        ]
        verbose_name = _("法制审核目录")
        verbose_name_plural = _("法制审核目录")

    def __str__(self) -> str:
        return f"{self.agency} v{self.version}"


class CriterionKind(models.TextChoices):
    FINE_AT_LEAST = "fine_at_least", _("罚款数额达到标准")
    CONFISCATION_AT_LEAST = "confiscation_at_least", _("没收违法所得、非法财物价值达到标准")
    PENALTY_TYPE = "penalty_type", _("特定处罚种类")
    HEARING_HELD = "hearing_held", _("经过听证程序")
    MAJOR_PROPERTY_COERCION = "major_property_coercion", _("对重大财产采取强制措施")
    CATEGORY_OUTCOME = "category_outcome", _("特定类别的决定")
    FLAG = "flag", _("承办人或负责人认定的情形")


class ReviewCriterion(models.Model):
    """One criterion of a catalog version. Which fields matter depends on `kind`."""

    catalog = models.ForeignKey(ReviewCatalog, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("代码"), max_length=40)
    kind = models.CharField(_("类型"), max_length=30, choices=CriterionKind.choices)
    description = models.CharField(_("情形"), max_length=300)
    party_kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices, blank=True)
    amount = models.DecimalField(
        _("金额标准（元，含本数）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    values = models.JSONField(_("取值"), default=list, blank=True, help_text=_("处罚种类、类别或标记代码"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    categories = models.JSONField(
        _("适用执法类别"), default=list, blank=True, help_text=_("为空则适用于全部执法类别")
    )
    requires_discussion = models.BooleanField(
        _("须经集体讨论"),
        default=False,
        help_text=_("符合本情形的，负责人应当集体讨论决定（行政处罚法第57条）"),
    )

    class Meta:
        ordering = ["catalog", "code"]
        constraints = [models.UniqueConstraint(fields=["catalog", "code"], name="review_criterion_unique")]
        verbose_name = _("审核目录情形")
        verbose_name_plural = _("审核目录情形")

    def __str__(self) -> str:
        return self.description


class RuleParameter(models.Model):
    """A legal number (deadline, threshold, period) with its source and the date it applies from.

    Seeded from `rules.yaml` (and `local-rules.yaml` for the product's own defaults); admins may
    add a newer value or an agency-specific one, never edit the seed silently: every value keeps
    its source and confidence, and the history is the set of rows per code.
    """

    code = models.CharField(_("参数代码"), max_length=80, db_index=True, help_text=_("如 PEN-19.deadline"))
    rule_id = models.CharField(_("规则编号"), max_length=20)
    description = models.CharField(_("说明"), max_length=300)
    value = models.JSONField(_("取值"))
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    source = models.CharField(_("依据"), max_length=300)
    confidence = models.CharField(_("可信度"), max_length=1, choices=Confidence.choices)
    scope = models.CharField(_("适用范围"), max_length=30, default="national")
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("仅适用于机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rule_parameters",
    )
    seeded = models.BooleanField(_("来自规则数据文件"), default=True, editable=False)
    note = models.CharField(_("调整说明"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "agency", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "agency", "effective_from"], name="rule_parameter_version_unique"
            )
        ]
        verbose_name = _("法定参数")
        verbose_name_plural = _("法定参数")

    def __str__(self) -> str:
        return f"{self.code} = {self.value} {self.unit}"
