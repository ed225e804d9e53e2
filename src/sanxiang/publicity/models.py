"""Publicity (行政执法公示): internal publication records, and the public snapshots the portal reads.

Two kinds of tables, deliberately apart (DESIGN.md I3):

* internal — `Publication` (the working record an editor drafts, checks and publishes, with the
  unmasked draft content and what is known about the persons to mask) and `ServiceWindow`;
* public — `PublicDecision` (+ its `PublicDecisionVersion` history), `PublicAgency`,
  `PublicOfficer` and `PublicReport`: written only by the services in `services.py`, masked,
  and the only tables the portal reads. An internal field can therefore never reach a public page
  by accident: it is not in any table the portal touches.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.choices import Category
from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.org.models import Agency
from sanxiang.publicity.choices import PendingAction, PublicationKind, PublicationStatus, PublicStatus


class Publication(AuditedModel):
    """公示信息 — one item to publish (a decision, or an agency's item list), through
    draft → checked → published → updated / withdrawn / expired, or withheld with a reason."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PublicationKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    category = models.CharField(_("执法类别"), max_length=20, choices=Category.choices, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    due_on = models.DateField(_("公示期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限暂定（节假日数据缺失）"), default=False)
    due_rule = models.CharField(_("期限依据"), max_length=300, blank=True)
    overdue_since = models.DateField(_("逾期起始"), null=True, blank=True)
    content = models.JSONField(_("公示内容（脱敏前）"), default=dict, blank=True)
    persons = models.JSONField(_("须脱敏的个人信息"), default=list, blank=True)
    withhold_reason = models.CharField(_("不予公开理由"), max_length=300, blank=True)
    confidentiality_reviewed = models.BooleanField(_("已进行保密审查"), default=False)
    check_result = models.JSONField(_("审核结果"), default=dict, blank=True)
    check_note = models.TextField(_("审核意见"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_published_on = models.DateField(_("首次公示日期"), null=True, blank=True)
    last_published_at = models.DateTimeField(_("最近发布时间"), null=True, blank=True)
    published_version = models.PositiveIntegerField(_("已发布版本"), default=0)
    visible_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    pending_action = models.CharField(
        _("待办"), max_length=20, choices=PendingAction.choices, default=PendingAction.NONE, blank=True
    )
    action_due_on = models.DateField(_("待办期限"), null=True, blank=True)
    action_note = models.CharField(_("待办说明"), max_length=300, blank=True)
    withdrawn_on = models.DateField(_("撤下日期"), null=True, blank=True)
    public_note = models.CharField(_("公开说明"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="publication_one_per_case"
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(kind="item_list"),
                name="publication_one_item_list_per_agency",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_on"])]
        verbose_name = _("公示信息")
        verbose_name_plural = _("公示信息")

    def __str__(self) -> str:
        return self.title

    @property
    def stream(self) -> str:
        return f"publication:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (PublicationStatus.DRAFT, PublicationStatus.CHECKED)


class ServiceWindow(AuditedModel):
    """服务窗口 — where the public meets the agency; its information board (岗位信息公示牌)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="service_windows"
    )
    name = models.CharField(_("窗口名称"), max_length=100)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    duties = models.TextField(_("岗位职责"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("在岗人员"), blank=True, related_name="service_windows"
    )
    sample_texts = models.TextField(_("申请书示范文本"), blank=True, help_text=_("每行一项"))
    progress_query = models.CharField(_("办理进度查询方式"), max_length=200, blank=True)
    complaint_channel = models.CharField(_("投诉监督渠道"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "order", "pk"]
        verbose_name = _("服务窗口")
        verbose_name_plural = _("服务窗口")

    def __str__(self) -> str:
        return f"{self.agency} {self.name}"


# --- public snapshots (read by the portal, written only by publicity.services) ---------------


class PublicDecision(models.Model):
    """公示的执法决定 — the masked public fields of one publication, as last published."""

    publication_ref = models.BigIntegerField(unique=True, editable=False)
    agency_code = models.CharField(_("执法主体代码"), max_length=30, db_index=True)
    agency_name = models.CharField(_("执法主体"), max_length=100)
    agency_credit_code = models.CharField(_("执法主体统一社会信用代码"), max_length=18, blank=True)
    category = models.CharField(_("执法类别"), max_length=20, choices=Category.choices, db_index=True)
    procedure_name = models.CharField(_("程序"), max_length=60, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    party_kind = models.CharField(_("行政相对人类别"), max_length=30)
    party_name = models.CharField(_("行政相对人名称"), max_length=200)
    party_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    title = models.CharField(_("违法行为类型/事项"), max_length=200)
    facts = models.TextField(_("主要事实"), blank=True)
    basis = models.TextField(_("依据"), blank=True)
    outcome = models.TextField(_("决定内容"), blank=True)
    penalty_types = models.CharField(_("处罚类别"), max_length=200, blank=True)
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, null=True)
    confiscation_amount = models.DecimalField(_("没收金额（元）"), max_digits=14, decimal_places=2, null=True)
    licence = models.CharField(_("许可证书/编号"), max_length=200, blank=True)
    decided_on = models.DateField(_("决定日期"), db_index=True)
    published_on = models.DateField(_("公示日期"), db_index=True)
    updated_on = models.DateField(_("更新日期"), null=True)
    status = models.CharField(_("状态"), max_length=20, choices=PublicStatus.choices, db_index=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    note_on = models.DateField(_("说明日期"), null=True)
    visible_until = models.DateField(_("公示截止日期"), null=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    entry_seq = models.BigIntegerField(_("记录序号"), null=True)
    entry_hash = models.CharField(_("记录哈希"), max_length=64, blank=True)
    body_hash = models.CharField(_("内容哈希"), max_length=64, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="pubdec_status_id"),
            models.Index(fields=["agency_code", "status", "-id"], name="pubdec_agency_status_id"),
            models.Index(fields=["category", "status", "-id"], name="pubdec_category_status_id"),
        ]
        verbose_name = _("公示的执法决定")
        verbose_name_plural = _("公示的执法决定")

    def __str__(self) -> str:
        return f"{self.decision_number or self.pk} {self.title}"


class PublicDecisionVersion(models.Model):
    """One publication event of a decision (published, updated, withdrawn, expired), as shown."""

    decision = models.ForeignKey(PublicDecision, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    event = models.CharField(_("事件"), max_length=20)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    body = models.JSONField(_("公示内容"), default=dict)
    body_hash = models.CharField(max_length=64, blank=True)
    entry_seq = models.BigIntegerField(null=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["decision", "at", "pk"]
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")

    def __str__(self) -> str:
        return f"{self.decision_id} v{self.version} {self.event}"


class PublicAgency(models.Model):
    """事前公开 — an agency's published profile: subject, duties, powers, items with their legal
    bases, random-inspection list, service guides, remedies, review catalog, service windows."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(_("执法主体"), max_length=100)
    division_name = models.CharField(_("行政区划"), max_length=60, blank=True)
    division_path = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField()
    body = models.JSONField(default=dict)
    entry_seq = models.BigIntegerField(null=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["division_path", "code"]
        verbose_name = _("公开的执法主体信息")
        verbose_name_plural = _("公开的执法主体信息")

    def __str__(self) -> str:
        return self.name


class PublicOfficer(models.Model):
    """事中公示 — a certificate as the public may verify it (PUB-03/04): name, number, agency,
    fields, validity and status. Kept in step with the certificate register by a receiver."""

    number = models.CharField(_("执法证号"), max_length=40, unique=True)
    name = models.CharField(_("姓名"), max_length=60)
    agency_code = models.CharField(max_length=30, db_index=True)
    agency_name = models.CharField(_("所属机关"), max_length=100)
    fields = models.CharField(_("执法领域"), max_length=300, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=20)
    photo = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency_code", "number"]
        verbose_name = _("公开的执法证信息")
        verbose_name_plural = _("公开的执法证信息")

    def __str__(self) -> str:
        return self.number

    def status_on(self, day) -> str:
        if self.status != "active":
            return self.status
        if day < self.valid_from:
            return "not_yet_valid"
        if day > self.valid_to:
            return "expired"
        return "active"


class PublicReport(models.Model):
    """统计年报 — the published annual enforcement statistics of one year, for one agency or (scope
    code of a division) for all agencies a supervising body oversees (PUB-11)."""

    year = models.PositiveIntegerField(_("年度"))
    scope_code = models.CharField(_("范围代码"), max_length=30)
    scope_name = models.CharField(_("范围"), max_length=100)
    published_at = models.DateTimeField()
    body = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    entry_seq = models.BigIntegerField(null=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-year", "scope_code"]
        constraints = [models.UniqueConstraint(fields=["year", "scope_code"], name="public_report_unique")]
        verbose_name = _("公开的统计年报")
        verbose_name_plural = _("公开的统计年报")

    def __str__(self) -> str:
        return f"{self.year} {self.scope_name}"
