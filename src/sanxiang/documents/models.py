"""Enforcement documents (执法文书): templates as versioned data, numbers (文号), issued versions
frozen with their hash, and service (送达).

Nothing outside `services.py` writes these rows. An issued version is never edited: a correction
is a new version of the same document (same number) whose record entry names the one it corrects.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.org.models import Agency


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("决定书")
    NOTICE = "notice", _("通知书、告知书")
    RECORD = "record", _("笔录")
    FORM = "form", _("审批表、报告")
    LIST = "list", _("清单")
    RECEIPT = "receipt", _("送达回证")


class DocumentTemplate(models.Model):
    """文书模板 — one version of a document type, national (agency empty) or an agency's own variant.

    The body is data (`sections`): headings and texts with {{ placeholders }} filled from the case.
    A new version never changes what was issued with an older one: every issued document keeps the
    template version it was rendered with.
    """

    code = models.SlugField(_("模板代码"), max_length=40)
    name = models.CharField(_("文书名称"), max_length=60)
    abbreviation = models.CharField(_("文号类型代字"), max_length=10, blank=True, help_text=_("如“处罚”"))
    kind = models.CharField(_("文书类别"), max_length=20, choices=DocumentKind.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("适用机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_templates",
        help_text=_("为空表示通用模板"),
    )
    version = models.PositiveIntegerField(_("版本"))
    numbered = models.BooleanField(_("编制文号"), default=False)
    requires_reasons = models.BooleanField(_("须载明说理（普通程序）"), default=False)
    applies = models.JSONField(_("适用程序与阶段"), default=dict, help_text=_("{程序代码: [阶段代码…]}"))
    outcomes = models.JSONField(_("适用处理结果"), default=list, blank=True)
    needs = models.JSONField(
        _("所需数据"), default=list, blank=True, help_text=_("如 hearing、review_opinion")
    )
    serves = models.CharField(_("送达后办理环节"), max_length=40, blank=True)
    sections = models.JSONField(_("正文结构"), default=list)
    note = models.CharField(_("版本说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    seeded = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code", "agency", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "agency", "version"], name="doc_template_version_unique"),
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(agency__isnull=True),
                name="doc_template_national_version_unique",
            ),
        ]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")

    def __str__(self) -> str:
        owner = self.agency.short_name if self.agency_id else _("通用")
        return f"{self.name}（{owner} v{self.version}）"


class NumberStatus(models.TextChoices):
    USED = "used", _("已使用")
    VOIDED = "voided", _("已作废")


class DocumentNumber(models.Model):
    """文号 — one number of an agency's series for one document type and year. Numbers are taken
    without gaps in the transaction that uses them; a voided number stays here with its reason."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="document_numbers")
    code = models.SlugField(_("文书类型"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=60, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="document_numbers")
    status = models.CharField(
        _("状态"), max_length=10, choices=NumberStatus.choices, default=NumberStatus.USED
    )
    taken_at = models.DateTimeField(_("编号时间"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "code", "year", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code", "year", "serial"], name="doc_number_serial_unique"
            )
        ]
        verbose_name = _("文号")
        verbose_name_plural = _("文号")

    def __str__(self) -> str:
        return self.number


def _public_id() -> str:
    return secrets.token_urlsafe(12)


class DocumentStatus(models.TextChoices):
    ISSUED = "issued", _("已出具")
    SUPERSEDED = "superseded", _("已被更正")
    VOIDED = "voided", _("已作废")


class Document(models.Model):
    """执法文书 — one issued version of one document of a case, frozen: `content` is exactly what
    was rendered, `sha256` its hash, written to the record in the same transaction."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="documents")
    code = models.SlugField(_("文书类型"), max_length=40, db_index=True)
    title = models.CharField(_("文书名称"), max_length=60)
    number = models.ForeignKey(
        DocumentNumber, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    issued_on = models.DateField(_("文书日期"))
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("定稿内容"))
    sha256 = models.CharField(_("内容哈希"), max_length=64)
    correction_reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    public_id = models.CharField(max_length=24, unique=True, default=_public_id, editable=False)
    entry = models.OneToOneField(
        "records.Entry", null=True, on_delete=models.PROTECT, related_name="document"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "issued_at"]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")

    def __str__(self) -> str:
        return f"{self.title} {self.number or ''} v{self.version}".strip()

    @property
    def number_text(self) -> str:
        return self.number.number if self.number_id else ""

    @property
    def is_current(self) -> bool:
        return self.status == DocumentStatus.ISSUED


class ServiceMethod(models.TextChoices):
    """送达方式 (PEN-21, PEN-22; 民事诉讼法 Arts. 87-95)."""

    DIRECT = "direct", _("直接送达")
    LIEN = "lien", _("留置送达")
    POSTAL = "postal", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    PUBLIC_NOTICE = "public_notice", _("公告送达")


class ServiceConsent(models.Model):
    """电子送达确认 — the party agreed to electronic service at an address (PEN-21); signed
    confirmation attached as evidence."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="service_consents")
    address = models.CharField(_("电子送达地址"), max_length=200, help_text=_("电子邮箱、手机号码等"))
    signed_on = models.DateField(_("签署日期"))
    evidence = models.ForeignKey(
        "records.Evidence", on_delete=models.PROTECT, related_name="+", verbose_name=_("确认书")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "signed_on"]
        verbose_name = _("电子送达确认")
        verbose_name_plural = _("电子送达确认")

    def __str__(self) -> str:
        return f"{self.case.number} {self.address}"


class ServiceRecord(models.Model):
    """送达记录 — how and when a document reached the party, with its proof. `effective_on` is the
    day service took effect (public notice: after its period, PEN-22); it starts dependent limits."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="services")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="services")
    method = models.CharField(_("送达方式"), max_length=20, choices=ServiceMethod.choices)
    served_on = models.DateField(_("送达日期"), help_text=_("公告送达为公告发布日期"))
    effective_on = models.DateField(_("送达生效日期"))
    recipient = models.CharField(_("受送达人/签收人"), max_length=100, blank=True)
    place = models.CharField(_("送达地点/地址"), max_length=200, blank=True)
    witnesses = models.CharField(_("见证人"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    consent = models.ForeignKey(
        ServiceConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    proofs = models.ManyToManyField(
        "records.Evidence", blank=True, related_name="+", verbose_name=_("送达凭证")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    entry = models.OneToOneField("records.Entry", null=True, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "recorded_at"]
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.document} {self.get_method_display()} {self.served_on}"
