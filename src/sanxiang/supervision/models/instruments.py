"""监督文书 — 行政执法监督通知书、意见书、决定书, and the notification to the upper competent
department of a vertically managed agency (Art. 42 ¶2), with service, objections, rectification
reports with evidence, verification, closure and escalation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock


class InstrumentKind(models.TextChoices):
    NOTICE = "notice", _("行政执法监督通知书")
    OPINION = "opinion", _("行政执法监督意见书")
    DECISION = "decision", _("行政执法监督决定书")
    UPPER_NOTIFICATION = "upper_notification", _("行政执法监督情况告知函（垂直管理机关）")


# The word in the number: 云司监通〔2026〕3号.
NUMBER_WORD = {"notice": "监通", "opinion": "监意", "decision": "监决", "upper_notification": "监告"}


class InstrumentStatus(models.TextChoices):
    ISSUED = "issued", _("已制发")
    SERVED = "served", _("已送达")
    REPORTED = "reported", _("整改报告已提交")
    VERIFIED = "verified", _("整改已核验")
    CLOSED = "closed", _("已办结")
    ESCALATED = "escalated", _("已升级处理")


OPEN_STATUSES = (
    InstrumentStatus.ISSUED,
    InstrumentStatus.SERVED,
    InstrumentStatus.REPORTED,
    InstrumentStatus.VERIFIED,
)


class Instrument(models.Model):
    """One correction instrument. Its number, legal basis and time limit are its own (Art. 39: the
    time limit is set in each order). `due_on` is whose-move-next's due date (`due_party`)."""

    number = models.CharField(_("文号"), max_length=60, unique=True)
    kind = models.CharField(_("文书种类"), max_length=20, choices=InstrumentKind.choices)
    issuer = models.ForeignKey(
        "org.Agency", verbose_name=_("制发机关"), on_delete=models.PROTECT, related_name="instruments_issued"
    )
    target = models.ForeignKey(
        "org.Agency",
        verbose_name=_("被监督机关"),
        on_delete=models.PROTECT,
        related_name="instruments_received",
    )
    addressee = models.CharField(
        _("主送"), max_length=120, help_text=_("告知函主送垂直管理机关的上级主管部门")
    )
    relation = models.CharField(_("监督关系"), max_length=20)
    task = models.ForeignKey(
        "supervision.SupervisionTask",
        verbose_name=_("所属监督任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    findings = models.ManyToManyField(
        "supervision.Finding", verbose_name=_("所针对的问题"), blank=True, related_name="instruments"
    )
    title = models.CharField(_("标题"), max_length=200)
    facts = models.TextField(_("发现的问题"))
    requirements = models.TextField(_("纠正要求"))
    legal_basis = models.TextField(_("法律依据"))
    time_limit = models.DateField(_("整改（答复）期限"))
    time_limit_rule = models.CharField(_("期限默认值来源"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=InstrumentStatus.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("当前环节期限"))
    due_party = models.CharField(_("当前环节责任方"), max_length=10, default="issuer")
    issued_at = models.DateTimeField(_("制发时间"))
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=40, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalation_reason = models.TextField(_("升级理由"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("监督文书")
        verbose_name_plural = _("监督文书")

    def __str__(self) -> str:
        return self.number

    @property
    def stream(self) -> str:
        return f"supervision-instrument:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < clock.today()


class EventKind(models.TextChoices):
    ISSUED = "issued", _("制发")
    SERVED = "served", _("送达")
    OBJECTION = "objection", _("异议")
    REPLY = "reply", _("答复")
    REPORTED = "reported", _("提交整改报告")
    VERIFIED = "verified", _("核验通过")
    REJECTED = "rejected", _("核验未通过，退回整改")
    CLOSED = "closed", _("办结")
    ESCALATED = "escalated", _("升级处理")
    OBSTRUCTION = "obstruction", _("拒绝、阻挠监督")


class InstrumentEvent(models.Model):
    """One step of an instrument's life; written once, never changed (the record entry is its twin)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    text = models.TextField(_("内容"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("答复的异议"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("文书办理事项")
        verbose_name_plural = _("文书办理事项")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class RectificationReport(models.Model):
    """整改报告 — the target's report of what it corrected, with evidence; verified by the issuer."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("整改情况"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"))
    accepted = models.BooleanField(_("核验结果"), null=True)
    verify_note = models.TextField(_("核验意见"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")

    def __str__(self) -> str:
        return f"{self.instrument} {self.submitted_at:%Y-%m-%d}"


class RectificationEvidence(models.Model):
    """整改佐证材料 — a file stored content-addressed (records' Blob), never deleted."""

    report = models.ForeignKey(RectificationReport, on_delete=models.PROTECT, related_name="evidence")
    blob = models.ForeignKey("records.Blob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("文件名"), max_length=255)

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")

    def __str__(self) -> str:
        return self.name
