"""Demo data for the exchange: a provincial endpoint linked to this instance's own inbox (so the
received log fills up), some delivered messages, and a second endpoint whose messages became dead
letters — what an operator sees on 数据交换 after a partner system's outage."""

from __future__ import annotations

from django.conf import settings

from sanxiang.exchange import delivery, inbox
from sanxiang.exchange.models import Endpoint, InboundSource
from sanxiang.exchange.transports import Reply, body_of

DEMO_SECRET = "demo-exchange-secret-not-for-production"  # noqa: S105 — demo only, documented


class InProcessInbox:
    """Delivers to this instance's inbox service directly (the demo server is not running while
    the demo loads), with the same body and signature the HTTP transport would send."""

    def send(self, endpoint, envelopes):
        from sanxiang.exchange import signing

        body = body_of(endpoint, envelopes)
        result = inbox.receive(body, signing.headers(delivery.instance_name(), endpoint.secret, body))
        return Reply(True, status=200, error=str(result))

    def close(self):
        pass


class PartnerDown:
    def send(self, endpoint, envelopes):
        return Reply(False, status=503, error="HTTP 503: 演示——对方系统维护中")

    def close(self):
        pass


class DemoTransports:
    def __init__(self):
        self.by_name = {"省级执法监督平台": InProcessInbox()}

    def for_endpoint(self, endpoint):
        return self.by_name.get(endpoint.name, PartnerDown())

    def close(self):
        pass


def _setup(cast) -> None:
    if not getattr(cast, "first_load", True):  # a second `sanxiang demo` changes nothing (docs/demo.md)
        return
    port = getattr(settings, "SANXIANG_DEMO_PORT", 8000)
    province, _ = Endpoint.objects.get_or_create(
        name="省级执法监督平台",
        defaults={
            "url": f"http://127.0.0.1:{port}/api/exchange/inbox/",
            "secret": DEMO_SECRET,
            "topics": ["case.*", "publication.*", "certificate.*", "record.*"],
            "batch_size": 50,
        },
    )
    partner, _ = Endpoint.objects.get_or_create(
        name="市生态环境局共享平台（演示）",
        defaults={
            "url": "http://127.0.0.1:9/exchange/",
            "secret": DEMO_SECRET,
            "topics": ["certificate.*"],
            "max_attempts": 1,
        },
    )
    InboundSource.objects.get_or_create(
        name=delivery.instance_name(), defaults={"secret": DEMO_SECRET, "note": "演示：本机推送给自己"}
    )
    from sanxiang.exchange import services

    admin = _an_admin(cast)
    if admin is not None:  # messages written before the endpoints existed: replay them
        for endpoint in (province, partner):
            services.replay(endpoint, actor=admin, from_seq=1, reason="演示数据：接入省级平台")
    delivery.deliver_all(owner="demo", transports=DemoTransports(), budget_seconds=60, limit=5000)


def _an_admin(cast):
    from sanxiang.core.roles import Role
    from sanxiang.org.models import User

    return User.objects.filter(groups__name=Role.ADMIN, agency__isnull=False).first()


def register(hooks) -> None:
    hooks.finally_(_setup)
