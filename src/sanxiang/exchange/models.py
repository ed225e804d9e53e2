"""Exchange: the transactional outbox (X1, X3), its deliveries to configured endpoints, the inbox
that receives the same format from another Sanxiang instance, system tokens for the API, and the
record of every bulk import (X2).

The outbox row is written in the transaction of the change it reports (a decision, a certificate
change, a publication, a record checkpoint), so a message exists if and only if the change
committed. Delivery happens afterwards, outside that transaction, at least once; receivers are
idempotent by message id, so "at least once" becomes "exactly once" in the receiver's state.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.scoping import RestrictedQuerySet


class EndpointKind(models.TextChoices):
    HTTP = "http", _("HTTP 推送（HMAC 签名）")
    AMQP = "amqp", _("RabbitMQ 消息队列")


class Endpoint(models.Model):
    """交换端点 — one receiver of outbox messages: the provincial platform, another department's
    system, or a message broker. Edited by admins; the secret signs every body sent to it."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=EndpointKind.choices, default=EndpointKind.HTTP)
    url = models.CharField(
        _("地址"),
        max_length=300,
        help_text=_(
            "HTTP：如 https://province.example/api/exchange/inbox/；RabbitMQ：amqp://用户:密码@主机:5672/%2F"
        ),
    )
    amqp_exchange = models.CharField(_("RabbitMQ 交换机"), max_length=100, blank=True, default="sanxiang")
    secret = models.CharField(
        _("签名密钥"), max_length=200, help_text=_("HMAC-SHA256 共享密钥，与接收方约定")
    )
    topics = models.JSONField(
        _("订阅主题"), default=list, blank=True, help_text=_('主题通配列表，如 ["case.*"]；为空表示全部')
    )
    active = models.BooleanField(_("启用"), default=True)
    batch_size = models.PositiveSmallIntegerField(
        _("每批条数"),
        default=1,
        help_text=_("1 表示逐条推送；大于 1 时一次请求推送多条（仍保持同一案件的顺序）"),
    )
    timeout_seconds = models.FloatField(_("超时（秒）"), default=10.0)
    max_attempts = models.PositiveSmallIntegerField(_("最大尝试次数"), default=8)
    backoff_base_seconds = models.FloatField(_("重试间隔基数（秒）"), default=5.0)
    backoff_max_seconds = models.FloatField(_("重试间隔上限（秒）"), default=3600.0)
    lease_owner = models.CharField(max_length=100, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("交换端点")
        verbose_name_plural = _("交换端点")

    def __str__(self) -> str:
        return self.name

    def wants(self, topic: str) -> bool:
        from fnmatch import fnmatchcase

        return not self.topics or any(fnmatchcase(topic, pattern) for pattern in self.topics)


class OutboxMessage(models.Model):
    """待推送消息 — one fact to push, written in the transaction of the change. `id` is the global
    sequence (replay from a point uses it); `key_seq` numbers the messages of one key (a case, a
    certificate) without gaps, and no endpoint receives message n+1 of a key before n."""

    message_id = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(_("主题"), max_length=60, db_index=True)
    key = models.CharField(_("顺序键"), max_length=120)
    key_seq = models.PositiveIntegerField(_("键内序号"))
    payload = models.JSONField(_("内容"))
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("产生时间"), db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["key", "key_seq"], name="outbox_key_seq_unique")]
        verbose_name = _("待推送消息")
        verbose_name_plural = _("待推送消息")

    def __str__(self) -> str:
        return f"#{self.pk} {self.topic} {self.key}/{self.key_seq}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待推送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("死信")
    SKIPPED = "skipped", _("已跳过")


class Delivery(models.Model):
    """投递 — the state of one message at one endpoint."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    last_status = models.IntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    note = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["message_id", "endpoint_id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "endpoint"], name="delivery_message_endpoint_unique")
        ]
        indexes = [models.Index(fields=["endpoint", "status", "next_attempt_at"], name="delivery_due_idx")]
        verbose_name = _("投递")
        verbose_name_plural = _("投递")

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint}: {self.status}"


class DeliveryAttempt(models.Model):
    """A failed attempt (successes are the delivery's `delivered_at`): what the endpoint answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="failures")
    at = models.DateTimeField(_("时间"))
    status_code = models.IntegerField(_("响应码"), null=True, blank=True)
    error = models.TextField(_("错误"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        ordering = ["delivery", "at"]
        verbose_name = _("失败的投递尝试")
        verbose_name_plural = _("失败的投递尝试")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or '-'}"


class InboundSource(models.Model):
    """来源系统 — a sender this instance accepts messages from, with its shared secret."""

    name = models.CharField(
        _("来源名称"), max_length=100, unique=True, help_text=_("与发送方的 X-Sanxiang-Source 一致")
    )
    secret = models.CharField(_("签名密钥"), max_length=200)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("来源系统")
        verbose_name_plural = _("来源系统")

    def __str__(self) -> str:
        return self.name


class ReceivedMessage(models.Model):
    """已接收消息 — stored once per message id, however often the sender delivers it."""

    message_id = models.UUIDField(_("消息编号"), unique=True)
    source = models.CharField(_("来源"), max_length=100, db_index=True)
    topic = models.CharField(_("主题"), max_length=60, db_index=True)
    key = models.CharField(_("顺序键"), max_length=120, db_index=True)
    key_seq = models.PositiveIntegerField(_("键内序号"))
    sent_at = models.DateTimeField(_("产生时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), db_index=True)
    payload = models.JSONField(_("内容"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("已接收消息")
        verbose_name_plural = _("已接收消息")

    def __str__(self) -> str:
        return f"{self.source} {self.topic} {self.key}/{self.key_seq}"


class SystemToken(models.Model):
    """系统令牌 — an API credential for another system. It acts as its service account (so the
    account's agency and roles scope every query, exactly as for a person), limited further to
    the listed scopes (`cases:read`, `cases:write`, `exchange:read`…). Only the hash is stored."""

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务账号"),
        on_delete=models.PROTECT,
        related_name="system_tokens",
    )
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list, help_text=_('如 ["cases:read", "catalog:read"]'))
    active = models.BooleanField(_("启用"), default=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("系统令牌")
        verbose_name_plural = _("系统令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        area = scope.split(":", 1)[0]
        return scope in self.scopes or f"{area}:*" in self.scopes or "*" in self.scopes


class ImportStatus(models.TextChoices):
    COMMITTED = "committed", _("已导入")
    VALID = "valid", _("试运行通过")
    REJECTED = "rejected", _("有错误，未导入")


class ImportRun(models.Model):
    """导入记录 — who imported which file (by hash) as what, when, with what result."""

    kind = models.CharField(_("数据类型"), max_length=30)
    fmt = models.CharField(_("格式"), max_length=10)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件哈希"), max_length=64)
    size = models.BigIntegerField(_("文件大小"), default=0)
    dry_run = models.BooleanField(_("试运行"), default=False)
    status = models.CharField(_("结果"), max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    counts = models.JSONField(_("各类新增数量"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    entry_seq = models.BigIntegerField(_("记录条目序号"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.status}"
