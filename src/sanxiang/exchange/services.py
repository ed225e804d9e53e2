"""State changes of the exchange made by people: retry or skip a dead letter, replay an endpoint
from a point, issue or revoke a system token. Each runs in one transaction, checks the actor, and
writes a record entry (stream `exchange`) in that transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.exchange.models import Delivery, DeliveryStatus, Endpoint, OutboxMessage, SystemToken
from sanxiang.records import services as records

STREAM = "exchange"
TOKEN_PREFIX = "sx_"  # noqa: S105 — a visible prefix, not a secret


def require_operator(actor) -> None:
    """Exchange operations (endpoints, dead letters, replay, tokens) are the admin's (DESIGN.md:
    admin 系统管理员 maintains keys and integrations)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(Role.ADMIN):
        raise Forbidden("exchange.forbidden", _("只有系统管理员可以管理数据交换。"))


def _note(kind: str, actor, payload: dict) -> None:
    records.append(kind=kind, payload=payload, actor=actor, stream=STREAM, agency=actor.agency)


@transaction.atomic
def retry_delivery(delivery: Delivery, *, actor, reason: str = "") -> Delivery:
    """Send a dead letter again from the first attempt (later messages of its key follow it)."""
    require_operator(actor)
    delivery = Delivery.objects.select_for_update().select_related("message", "endpoint").get(pk=delivery.pk)
    if delivery.status not in (DeliveryStatus.DEAD, DeliveryStatus.SKIPPED):
        raise DomainError("exchange.retry.not_dead", _("只能重试死信或已跳过的投递。"))
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, clock.now()
    delivery.note = reason.strip()[:300]
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "note"])
    _note("exchange.delivery.retried", actor, _describe(delivery, reason))
    return delivery


@transaction.atomic
def skip_delivery(delivery: Delivery, *, actor, reason: str) -> Delivery:
    """Give up a dead letter on purpose, releasing the later messages of its key."""
    require_operator(actor)
    if not reason.strip():
        raise InvalidInput("exchange.skip.reason_required", _("跳过死信须说明理由。"), field="reason")
    delivery = Delivery.objects.select_for_update().select_related("message", "endpoint").get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.DEAD:
        raise DomainError("exchange.skip.not_dead", _("只能跳过死信。"))
    delivery.status, delivery.note = DeliveryStatus.SKIPPED, reason.strip()[:300]
    delivery.save(update_fields=["status", "note"])
    _note("exchange.delivery.skipped", actor, _describe(delivery, reason))
    return delivery


def _describe(delivery: Delivery, reason: str) -> dict:
    return {
        "endpoint": delivery.endpoint.name,
        "message": str(delivery.message.message_id),
        "seq": delivery.message_id,
        "topic": delivery.message.topic,
        "key": delivery.message.key,
        "key_seq": delivery.message.key_seq,
        "reason": reason.strip(),
    }


@transaction.atomic
def replay(
    endpoint: Endpoint,
    *,
    actor,
    from_seq: int | None = None,
    from_time: dt.datetime | None = None,
    reason: str = "",
) -> int:
    """Send again every message from a point (global sequence or time) to `endpoint` — including
    messages written before the endpoint existed. Key order holds as for first deliveries."""
    require_operator(actor)
    if from_seq is None and from_time is None:
        raise InvalidInput(
            "exchange.replay.point_required", _("请指定重放起点（序号或时间）。"), field="from_seq"
        )
    messages = OutboxMessage.objects.all()
    if from_seq is not None:
        messages = messages.filter(pk__gte=from_seq)
    if from_time is not None:
        messages = messages.filter(created_at__gte=from_time)
    if endpoint.topics:
        topic_q = Q()
        for pattern in endpoint.topics:
            topic_q |= _topic_q(pattern)
        messages = messages.filter(topic_q)
    now = clock.now()
    reset = Delivery.objects.filter(endpoint=endpoint, message__in=messages).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, note="重放"
    )
    have = Delivery.objects.filter(endpoint=endpoint).values("message_id")
    missing = messages.exclude(pk__in=have).values_list("pk", flat=True)
    created = 0
    for start in _chunks(missing.iterator(chunk_size=2000)):
        Delivery.objects.bulk_create(
            Delivery(message_id=pk, endpoint=endpoint, next_attempt_at=now, note="重放") for pk in start
        )
        created += len(start)
    _note(
        "exchange.replayed",
        actor,
        {
            "endpoint": endpoint.name,
            "from_seq": from_seq,
            "from_time": from_time,
            "messages": reset + created,
            "reason": reason.strip(),
        },
    )
    return reset + created


def _topic_q(pattern: str) -> Q:
    if pattern in ("*", ""):
        return Q()
    if pattern.endswith("*") and "*" not in pattern[:-1] and "?" not in pattern:
        return Q(topic__startswith=pattern[:-1])
    return Q(topic=pattern)


def _chunks(iterator, size: int = 2000):
    chunk = []
    for value in iterator:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- system tokens ---------------------------------------------------------------------------

SCOPES = (
    "cases:read",
    "cases:write",
    "catalog:read",
    "org:read",
    "exchange:read",
    "exchange:write",
)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(*, name: str, user, scopes: list[str], actor, expires_at: dt.datetime | None = None):
    """Create a token acting as service account `user` with `scopes`; returns (token, secret).
    The secret is shown once — only its SHA-256 is stored."""
    require_operator(actor)
    unknown = sorted(set(scopes) - set(SCOPES) - {f"{s.split(':')[0]}:*" for s in SCOPES} - {"*"})
    if unknown:
        raise InvalidInput(
            "exchange.token.scope",
            _("未知的权限范围：%(unknown)s。") % {"unknown": "、".join(unknown)},
            field="scopes",
        )
    if not name.strip():
        raise InvalidInput("exchange.token.name_required", _("请填写令牌名称。"), field="name")
    if user.agency_id is None:
        raise InvalidInput("exchange.token.user_agency", _("服务账号须属于一个执法主体。"), field="user")
    prefix = secrets.token_hex(4)
    key = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = SystemToken.objects.create(
        name=name.strip(),
        user=user,
        prefix=prefix,
        key_hash=hash_key(key),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    _note(
        "exchange.token.issued",
        actor,
        {"token": prefix, "name": token.name, "user": user.username, "scopes": token.scopes},
    )
    return token, key


@transaction.atomic
def revoke_token(token: SystemToken, *, actor) -> SystemToken:
    require_operator(actor)
    SystemToken.objects.filter(pk=token.pk).update(active=False)
    token.active = False
    _note("exchange.token.revoked", actor, {"token": token.prefix, "name": token.name})
    return token
