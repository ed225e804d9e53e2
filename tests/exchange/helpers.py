"""Shared test helpers for the exchange: endpoints, scripted transports, decided cases."""

from __future__ import annotations

from sanxiang.core.roles import Role
from sanxiang.exchange.models import Endpoint, InboundSource
from sanxiang.exchange.transports import Reply
from tests.cases.walk import PATHS, walk
from tests.factories import staff

SECRET = "test-shared-secret"


def endpoint(name="省级平台", url="http://127.0.0.1:9/api/exchange/inbox/", **fields) -> Endpoint:
    defaults = {"secret": SECRET, "backoff_base_seconds": 1, "backoff_max_seconds": 8, "max_attempts": 3}
    defaults.update(fields)
    return Endpoint.objects.create(name=name, url=url, **defaults)


def source(name="sanxiang", secret=SECRET) -> InboundSource:
    return InboundSource.objects.create(name=name, secret=secret)


def admin(world):
    return staff(world.agency, Role.ADMIN, certified=False)


def decided_case(world):
    """A general-procedure penalty case walked up to the decision (one `case.decided` message)."""
    case = world.case()
    steps = PATHS["penalty.general"]
    return walk(world, case, steps[: [s[0] for s in steps].index("decide") + 1])


class ScriptedTransport:
    """Answers from a script (a list of Reply, the last one repeating) and remembers what it saw."""

    def __init__(self, *replies: Reply):
        self.replies = list(replies) or [Reply(True, status=200)]
        self.sent: list[list[dict]] = []

    def send(self, endpoint, envelopes):
        self.sent.append(envelopes)
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def close(self):
        pass

    @property
    def keys_in_order(self) -> list[tuple[str, int]]:
        return [(e["key"], e["key_seq"]) for batch in self.sent for e in batch]


class ScriptedTransports:
    def __init__(self, transport):
        self.transport = transport

    def for_endpoint(self, endpoint):
        return self.transport

    def close(self):
        pass
