"""How a batch of envelopes reaches an endpoint: HTTP POST (requests) or RabbitMQ (pika).

A transport answers with a `Reply`; the delivery loop alone decides what that means for each
message (delivered, retry later, dead letter). Every network call has a timeout.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests

from sanxiang.exchange import signing
from sanxiang.records import canonical

log = logging.getLogger("sanxiang.exchange")


@dataclass
class Reply:
    ok: bool
    status: int | None = None
    error: str = ""
    delivered: int | None = None  # messages acknowledged from the start of the batch, when partial
    duration_ms: int = 0

    @property
    def permanent(self) -> bool:
        """A refusal that retrying will not fix: 4xx except timeout/too-early/too-many-requests."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 425, 429)


def body_of(endpoint, envelopes: list[dict[str, Any]]) -> bytes:
    if len(envelopes) == 1 and endpoint.batch_size <= 1:
        return canonical.encode(envelopes[0])
    return canonical.encode({"v": 1, "messages": envelopes})


class HttpTransport:
    """POST the signed body; 2xx acknowledges every message in it."""

    def __init__(self, source: str):
        self.source = source
        self.session = requests.Session()

    def send(self, endpoint, envelopes: list[dict[str, Any]]) -> Reply:
        body = body_of(endpoint, envelopes)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            signing.IDEMPOTENCY_HEADER: envelopes[0]["id"] if len(envelopes) == 1 else _batch_id(envelopes),
            **signing.headers(self.source, endpoint.secret, body),
        }
        timeout = max(0.5, float(endpoint.timeout_seconds))
        started = time.monotonic()
        try:
            response = self.session.post(
                endpoint.url, data=body, headers=headers, timeout=(min(5.0, timeout), timeout)
            )
        except requests.Timeout:
            return Reply(False, error=f"超时（{timeout:g} 秒）", duration_ms=_ms(started))
        except requests.RequestException as exc:
            return Reply(False, error=f"连接失败：{type(exc).__name__}", duration_ms=_ms(started))
        if 200 <= response.status_code < 300:
            return Reply(True, status=response.status_code, duration_ms=_ms(started))
        return Reply(
            False,
            status=response.status_code,
            error=f"HTTP {response.status_code}: {response.text[:300]}",
            duration_ms=_ms(started),
        )

    def close(self) -> None:
        self.session.close()


class AmqpTransport:
    """Publish each envelope as a persistent message with publisher confirms: `basic_publish`
    returns only after the broker confirmed (or raises), so a message is marked delivered only
    once the broker has it. A broker that disappears mid-stream fails the rest of the batch,
    which is retried later; a confirm lost with the connection means a re-publish — consumers
    de-duplicate by `message_id`, as the HTTP inbox does."""

    def __init__(self, source: str):
        self.source = source
        self._connections: dict[str, Any] = {}

    def _channel(self, endpoint):
        import pika

        cached = self._connections.get(endpoint.url)
        if cached is not None and cached[0].is_open and cached[1].is_open:
            return cached[1]
        params = pika.URLParameters(endpoint.url)
        params.socket_timeout = float(endpoint.timeout_seconds)
        params.blocked_connection_timeout = float(endpoint.timeout_seconds)
        params.connection_attempts = 1
        connection = pika.BlockingConnection(params)
        channel = connection.channel()
        channel.confirm_delivery()
        channel.exchange_declare(
            exchange=endpoint.amqp_exchange or "sanxiang", exchange_type="topic", durable=True
        )
        self._connections[endpoint.url] = (connection, channel)
        return channel

    def send(self, endpoint, envelopes: list[dict[str, Any]]) -> Reply:
        import pika

        started = time.monotonic()
        done = 0
        try:
            channel = self._channel(endpoint)
            for envelope in envelopes:
                body = canonical.encode(envelope)
                channel.basic_publish(
                    exchange=endpoint.amqp_exchange or "sanxiang",
                    routing_key=envelope["topic"],
                    body=body,
                    properties=pika.BasicProperties(
                        content_type="application/json",
                        delivery_mode=pika.DeliveryMode.Persistent,
                        message_id=envelope["id"],
                        headers=signing.headers(self.source, endpoint.secret, body),
                    ),
                    mandatory=False,
                )
                done += 1
        except Exception as exc:  # any broker or socket failure: keep what was confirmed, retry the rest
            self._drop(endpoint)
            return Reply(
                False, error=f"消息队列错误：{type(exc).__name__}", delivered=done, duration_ms=_ms(started)
            )
        return Reply(True, delivered=done, duration_ms=_ms(started))

    def _drop(self, endpoint) -> None:
        cached = self._connections.pop(endpoint.url, None)
        if cached is not None:
            with contextlib.suppress(Exception):  # the connection is already gone
                cached[0].close()

    def close(self) -> None:
        for url in list(self._connections):
            cached = self._connections.pop(url)
            with contextlib.suppress(Exception):
                cached[0].close()


class Transports:
    """One transport per endpoint kind, created on first use and reused (keep-alive)."""

    def __init__(self, source: str):
        self.source = source
        self._by_kind: dict[str, Any] = {}

    def for_endpoint(self, endpoint):
        if endpoint.kind not in self._by_kind:
            self._by_kind[endpoint.kind] = (AmqpTransport if endpoint.kind == "amqp" else HttpTransport)(
                self.source
            )
        return self._by_kind[endpoint.kind]

    def close(self) -> None:
        for transport in self._by_kind.values():
            transport.close()


def _batch_id(envelopes: list[dict[str, Any]]) -> str:
    import hashlib

    return hashlib.sha256(",".join(e["id"] for e in envelopes).encode()).hexdigest()[:32]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
