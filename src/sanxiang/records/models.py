"""The full-process record (执法全过程记录): append-only entries and the log head.

An entry's `body` is its canonical JSON (records/canonical.py). Its `hash` is the RFC 6962 leaf
hash SHA-256(0x00 ‖ body): one hash serves both the entry's chain within its stream and the Merkle
log (docs/record-format.md). The other columns repeat what `body` says so it can be queried;
`sanxiang verify` checks that they agree.

Append-only: database triggers (migration 0003) refuse UPDATE and DELETE on every table here
except `LogHead` (updated in place, never deleted) and `AccessRequest` (a small workflow whose
every step is itself an entry).
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
    kind = models.CharField(_("类型"), max_length=60)
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the access log filters by agency and time first; see Meta.indexes
    )
    agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField(_("时间"))
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        db_index=False,  # corrections are rare; found through their own entry
    )
    body = models.TextField(_("规范化内容"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # unique by construction: each body names its seq

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "stream_seq"], name="entry_stream_seq_unique")
        ]
        # Every index is paid for by every append (docs/performance.md): seq, the stream tail,
        # the case's entries, and one for the scoped access log — nothing else.
        indexes = [models.Index(fields=["agency", "at"], name="entry_agency_at")]
        verbose_name = _("记录条目")
        verbose_name_plural = _("记录条目")

    def __str__(self) -> str:
        return f"#{self.seq} {self.stream}/{self.stream_seq} {self.kind}"

    @property
    def payload(self) -> dict:
        import json

        return json.loads(self.body)["payload"]


class LogHead(models.Model):
    """The one row that orders all appends: tree size and Merkle frontier (row-locked per append).
    The frontier is the list of [height, hex root] of the perfect subtrees that make up the tree."""

    size = models.BigIntegerField(default=0)
    frontier = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("记录日志头")
        verbose_name_plural = _("记录日志头")

    def __str__(self) -> str:
        return f"size={self.size}"


class Node(models.Model):
    """A stored Merkle subtree root: the perfect subtree of height `height` (a multiple of
    `merkle.STRIDE`) covering leaves [index·2^height, (index+1)·2^height). Written once, when the
    subtree completes; proofs read O(log n) of these instead of rehashing the log (tile-style)."""

    height = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["height", "index"], name="node_height_index_unique")]
        verbose_name = _("默克尔树节点")
        verbose_name_plural = _("默克尔树节点")

    def __str__(self) -> str:
        return f"h{self.height}#{self.index}"


class Checkpoint(models.Model):
    """签名检查点 — a signed statement of the log's size and root at a time (C2SP signed note)."""

    number = models.PositiveIntegerField(_("编号"), unique=True)
    size = models.BigIntegerField(_("条目数"))
    root = models.CharField(_("根哈希"), max_length=64)
    at = models.DateTimeField(_("签名时间"))
    key_id = models.CharField(_("密钥标识"), max_length=16)
    note = models.TextField(_("签名文本"))
    frontier = models.JSONField(default=list)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("签名检查点")
        verbose_name_plural = _("签名检查点")

    def __str__(self) -> str:
        return f"#{self.number} size={self.size}"


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
    """证据 — one evidence item of a case. Metadata is immutable (the row is written once, after its
    entry, which it points to); an item is never deleted, only superseded with a reason
    (`Supersession`)."""

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
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="evidence")

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return self.title

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "supersession")

    @property
    def is_bodycam(self) -> bool:
        return bool(self.device_number)


class Supersession(models.Model):
    """证据替换/撤回 — an evidence item set aside with a reason, optionally replaced by another."""

    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="supersession")
    replacement = models.OneToOneField(
        Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    reason = models.CharField(_("理由"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="supersession")

    class Meta:
        verbose_name = _("证据替换")
        verbose_name_plural = _("证据替换")

    def __str__(self) -> str:
        return f"{self.evidence_id} → {self.replacement_id}"


class AVCoverage(models.Model):
    """音像记录覆盖 — which audio/video items recorded which fired act (I4), written with the act."""

    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="av_coverage")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="coverage")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "evidence"], name="avcoverage_event_evidence_unique")
        ]
        verbose_name = _("音像记录覆盖")
        verbose_name_plural = _("音像记录覆盖")

    def __str__(self) -> str:
        return f"{self.event_id}:{self.evidence_id}"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class AccessRequest(models.Model):
    """调阅申请 — a request to read a sensitive case, approved by a head of the case's agency for a
    limited time. Each step is also a record entry (records/access.py)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("调阅理由"))
    requested_at = models.DateTimeField(_("申请时间"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("调阅申请")
        verbose_name_plural = _("调阅申请")

    def __str__(self) -> str:
        return f"{self.case_id} {self.requester_id} {self.status}"
