"""Receiving the exchange format (`POST /api/exchange/inbox/`), so two Sanxiang instances
(city → province) can be linked: HMAC-verified, and idempotent by message id — a message
delivered twice is stored once, so the receiver's state changes once."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.exchange import metrics, signing
from sanxiang.exchange.models import InboundSource, ReceivedMessage

MAX_BATCH = 1000


def _source(headers: Mapping[str, str]) -> InboundSource:
    name = (headers.get(signing.SOURCE_HEADER) or "").strip()
    source = InboundSource.objects.filter(name=name, active=True).first() if name else None
    if source is None:
        raise Forbidden("exchange.inbox.unknown_source", "未登记或已停用的来源系统。")
    return source


def _parse(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("exchange.inbox.json", "消息内容不是合法的 UTF-8 JSON。") from None
    if not isinstance(data, dict):
        raise InvalidInput("exchange.inbox.shape", "消息内容应为 JSON 对象。")
    envelopes = data.get("messages") if "messages" in data else [data]
    if not isinstance(envelopes, list) or not envelopes or len(envelopes) > MAX_BATCH:
        raise InvalidInput("exchange.inbox.batch", f"一批消息应为 1 至 {MAX_BATCH} 条。")
    for index, item in enumerate(envelopes):
        _check(item, index)
    return envelopes


def _check(item: Any, index: int) -> None:
    where = f"第{index + 1}条消息"
    if not isinstance(item, dict) or item.get("v") != 1:
        raise InvalidInput("exchange.inbox.version", f"{where}：格式版本应为 1。")
    try:
        uuid.UUID(str(item.get("id")))
    except ValueError:
        raise InvalidInput("exchange.inbox.id", f"{where}：消息编号不是合法的 UUID。") from None
    for name in ("topic", "key"):
        if not isinstance(item.get(name), str) or not item[name] or len(item[name]) > 120:
            raise InvalidInput("exchange.inbox.field", f"{where}：缺少或无效的字段 {name}。", field=name)
    if not isinstance(item.get("key_seq"), int) or isinstance(item["key_seq"], bool) or item["key_seq"] < 1:
        raise InvalidInput("exchange.inbox.field", f"{where}：key_seq 应为正整数。", field="key_seq")
    if not isinstance(item.get("payload"), dict):
        raise InvalidInput("exchange.inbox.field", f"{where}：payload 应为 JSON 对象。", field="payload")


def receive(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """Verify, then store the messages not seen before. Returns counts and the ids stored."""
    source = _source(headers)
    signing.verify(
        source.secret, headers.get(signing.TIMESTAMP_HEADER), headers.get(signing.SIGNATURE_HEADER), body
    )
    envelopes = _parse(body)
    now = clock.now()
    with transaction.atomic():
        ids = [uuid.UUID(str(e["id"])) for e in envelopes]
        seen = set(ReceivedMessage.objects.filter(message_id__in=ids).values_list("message_id", flat=True))
        fresh: dict[uuid.UUID, ReceivedMessage] = {}
        for message_id, item in zip(ids, envelopes, strict=True):
            if message_id in seen or message_id in fresh:
                continue
            fresh[message_id] = ReceivedMessage(
                message_id=message_id,
                source=source.name,
                topic=item["topic"][:60],
                key=item["key"],
                key_seq=item["key_seq"],
                sent_at=_when(item.get("at")),
                received_at=now,
                payload=item["payload"],
            )
        # ignore_conflicts: a concurrent delivery of the same id (two workers, a retry racing a
        # slow first attempt) is stored once by the unique constraint, never twice.
        ReceivedMessage.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    metrics.RECEIVED.inc(len(fresh))
    metrics.DUPLICATES.inc(len(envelopes) - len(fresh))
    return {"accepted": len(fresh), "duplicates": len(envelopes) - len(fresh), "received": len(envelopes)}


def _when(value: Any) -> dt.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
