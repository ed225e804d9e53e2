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
