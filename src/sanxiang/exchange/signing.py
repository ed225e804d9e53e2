"""HMAC-SHA256 signatures of exchange bodies (docs/exchange-formats.md §Signing).

The sender signs `"<unix timestamp>." + body` with the secret shared with the receiver and sends

    X-Sanxiang-Source: <sender name>
    X-Sanxiang-Timestamp: <unix seconds>
    X-Sanxiang-Signature: sha256=<hex digest>

The receiver recomputes the digest with the sender's secret, compares in constant time and
refuses a timestamp further than the tolerance from its own clock, so a captured request cannot
be replayed later (and a replay inside the window changes nothing: receiving is idempotent).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden

SOURCE_HEADER = "X-Sanxiang-Source"
TIMESTAMP_HEADER = "X-Sanxiang-Timestamp"
SIGNATURE_HEADER = "X-Sanxiang-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def tolerance() -> int:
    return int(getattr(settings, "SANXIANG_EXCHANGE_SIGNATURE_TOLERANCE", 300))


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def headers(source: str, secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {
        SOURCE_HEADER: source,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str | None, sent: str | None, body: bytes) -> None:
    """Refuse (403, `exchange.inbox.signature`) unless `sent` signs `body` at a fresh `timestamp`."""
    try:
        moment = int(timestamp or "")
    except ValueError:
        raise Forbidden("exchange.inbox.timestamp", "缺少或无法识别签名时间戳。") from None
    if abs(clock.now().timestamp() - moment) > tolerance():
        raise Forbidden("exchange.inbox.timestamp", "签名时间戳超出允许的时间窗口，请核对双方系统时间。")
    if not sent or not hmac.compare_digest(signature(secret, moment, body), sent.strip()):
        raise Forbidden("exchange.inbox.signature", "消息签名校验失败。")
