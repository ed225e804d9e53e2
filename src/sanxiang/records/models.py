"""The full-process record (执法全过程记录): append-only entries and the log head.

An entry's `body` is its canonical JSON (records/canonical.py) — the bytes its `hash` covers and
the Merkle log's leaf is made of. The other columns repeat what `body` says so it can be queried;
verification checks that they agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.choices import Step
from sanxiang.core.scoping import RestrictedQuerySet

GENESIS = "0" * 64


class Entry(models.Model):
    """记录条目 — one fact of the record, chained to the previous entry of its stream."""

    seq = models.BigIntegerField(_("全局序号"), unique=True)
    stream = models.CharField(_("记录流"), max_length=60)
    stream_seq = models.PositiveIntegerField(_("流内序号"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("类型"), max_length=60, db_index=True)
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    body = models.TextField(_("规范化内容"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "stream_seq"], name="entry_stream_seq_unique")
        ]
        verbose_name = _("记录条目")
        verbose_name_plural = _("记录条目")

    def __str__(self) -> str:
        return f"#{self.seq} {self.stream}/{self.stream_seq} {self.kind}"

    @property
    def payload(self) -> dict:
        import json

        return json.loads(self.body)["payload"]


class LogHead(models.Model):
    """The one row that orders all appends: tree size and Merkle frontier (row-locked per append)."""

    size = models.BigIntegerField(default=0)
    frontier = models.JSONField(default=list)
    root = models.CharField(max_length=64, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("记录日志头")
        verbose_name_plural = _("记录日志头")

    def __str__(self) -> str:
        return f"size={self.size}"


class EvidenceType(models.TextChoices):
    """The eight kinds of evidence of 行政处罚法 Art. 46 (rules.md PEN-11)."""

    DOCUMENTARY = "documentary", _("书证")
    PHYSICAL = "physical", _("物证")
    AUDIOVISUAL = "audiovisual", _("视听资料")
    ELECTRONIC = "electronic", _("电子数据")
    WITNESS = "witness", _("证人证言")
    PARTY_STATEMENT = "party_statement", _("当事人的陈述")
    EXPERT_OPINION = "expert_opinion", _("鉴定意见")
    INSPECTION_RECORD = "inspection_record", _("勘验笔录、现场笔录")


class MediaKind(models.TextChoices):
    DOCUMENT = "document", _("文档")
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")
    OTHER = "other", _("其他")


class Blob(models.Model):
    """Stored bytes, content-addressed by SHA-256; identical uploads are stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("存储文件")
        verbose_name_plural = _("存储文件")

    def __str__(self) -> str:
        return self.sha256


class Evidence(models.Model):
    """证据 — one evidence item of a case. Metadata is immutable; an item is never deleted, only
    superseded by another with a reason."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    evidence_type = models.CharField(_("证据种类"), max_length=30, choices=EvidenceType.choices)
    media_kind = models.CharField(_("媒体类型"), max_length=20, choices=MediaKind.choices)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices, blank=True)
    act = models.CharField(
        _("所属执法行为"), max_length=40, blank=True, help_text=_("如 seizure、inspection")
    )
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    captured_at = models.DateTimeField(_("采集时间"), null=True, blank=True)
    captured_until = models.DateTimeField(_("采集结束时间"), null=True, blank=True)
    place = models.CharField(_("采集地点"), max_length=200, blank=True)
    device_number = models.CharField(_("执法记录仪编号"), max_length=60, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    supersede_reason = models.CharField(_("替换理由"), max_length=300, blank=True)
    entry = models.OneToOneField(Entry, null=True, on_delete=models.PROTECT, related_name="evidence")

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return self.title
