"""Delivering the outbox: one pass per endpoint, at least once, in key order.

* **Lease.** A worker holds an endpoint's lease (a row update that only succeeds when the lease is
  free or expired) while it delivers to it, so two workers never interleave one endpoint's stream.
* **Order.** A pending delivery is sent only when no earlier message of its key is still
  undelivered at that endpoint (pending, backing off, or dead): message n+1 never overtakes n.
  A dead letter therefore holds back the later messages of its key until an operator retries
  or skips it — the provincial platform never sees a case's later facts without the earlier.
* **Retries.** A failed attempt is retried after `base · 2^(n−1)` seconds (capped), with equal
  jitter (half fixed, half random) so a recovering endpoint is not hit by every worker at once.
  After `max_attempts`, or at once for a permanent refusal (4xx other than 408/425/429), the
  delivery becomes a dead letter, shown in the UI with retry, skip and replay.
* **Batches.** With `batch_size` > 1 a request carries consecutive messages (still in key
  order); the receiver stores them in one transaction, so the batch is acknowledged as a whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.models import F, Min, Q

from sanxiang.core import clock
from sanxiang.exchange import metrics
from sanxiang.exchange.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint
from sanxiang.exchange.outbox import envelope
from sanxiang.exchange.transports import Reply, Transports

log = logging.getLogger("sanxiang.exchange")
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.DEAD)
_random = random.SystemRandom()


def instance_name() -> str:
    return getattr(settings, "SANXIANG_INSTANCE_NAME", "sanxiang")


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    requests: int = 0
    endpoints: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, name: str, other: PassResult) -> None:
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead
        self.requests += other.requests
        self.endpoints[name] = {"delivered": other.delivered, "failed": other.failed, "dead": other.dead}

    def as_dict(self) -> dict:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "dead": self.dead,
            "requests": self.requests,
        }


def backoff(endpoint: Endpoint, attempts: int) -> dt.timedelta:
    """Exponential backoff with equal jitter."""
    delay = min(endpoint.backoff_max_seconds, endpoint.backoff_base_seconds * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=delay / 2 + _random.uniform(0, delay / 2))


def acquire_lease(endpoint: Endpoint, owner: str, seconds: float = 60) -> bool:
    now = clock.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    return bool(
        Endpoint.objects.filter(pk=endpoint.pk)
        .filter(free)
        .update(lease_owner=owner, lease_until=now + dt.timedelta(seconds=seconds))
    )


def release_lease(endpoint: Endpoint, owner: str) -> None:
    Endpoint.objects.filter(pk=endpoint.pk, lease_owner=owner).update(lease_owner="", lease_until=None)


def eligible(endpoint: Endpoint, limit: int) -> list[Delivery]:
    """Due pending deliveries, oldest first, that no earlier open message of their key holds back."""
    now = clock.now()
    # keys held back by a dead letter or a backing-off head are left out of the candidates, so a
    # long blocked case cannot fill the batch and starve the other cases
    blocked = (
        Delivery.objects.filter(endpoint=endpoint)
        .filter(Q(status=DeliveryStatus.DEAD) | Q(status=DeliveryStatus.PENDING, next_attempt_at__gt=now))
        .values("message__key")
    )
    candidates = list(
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .exclude(message__key__in=blocked)
        .select_related("message")
        .order_by("message_id")[:limit]
    )
    if not candidates:
        return []
    keys = {d.message.key for d in candidates}
    blockers = dict(
        Delivery.objects.filter(endpoint=endpoint, status__in=OPEN, message__key__in=keys)
        .exclude(pk__in=[d.pk for d in candidates])
        .values_list("message__key")
        .annotate(first=Min("message__key_seq"))
    )
    return [d for d in candidates if d.message.key_seq < blockers.get(d.message.key, 2**63)]


def _succeed(deliveries: list[Delivery], reply: Reply) -> None:
    now = clock.now()
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=now,
        last_attempt_at=now,
        attempts=F("attempts") + 1,
        last_status=reply.status,
        last_error="",
    )
    metrics.DELIVERED.inc(len(deliveries))


def _fail(endpoint: Endpoint, deliveries: list[Delivery], reply: Reply) -> int:
    now = clock.now()
    dead = 0
    for d in deliveries:
        d.attempts += 1
        d.last_attempt_at, d.last_status, d.last_error = now, reply.status, reply.error[:2000]
        if reply.permanent or d.attempts >= endpoint.max_attempts:
            d.status = DeliveryStatus.DEAD
            dead += 1
        else:
            d.next_attempt_at = now + backoff(endpoint, d.attempts)
    Delivery.objects.bulk_update(
        deliveries, ["attempts", "last_attempt_at", "last_status", "last_error", "status", "next_attempt_at"]
    )
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            delivery=d,
            at=now,
            status_code=reply.status,
            error=reply.error[:2000],
            duration_ms=reply.duration_ms,
        )
        for d in deliveries
    )
    metrics.FAILED.inc(len(deliveries))
    metrics.DEAD.inc(dead)
    log.warning(
        "exchange delivery failed",
        extra={
            "endpoint": endpoint.name,
            "messages": len(deliveries),
            "status": reply.status,
            "error": reply.error,
        },
    )
    return dead


def deliver_endpoint(endpoint: Endpoint, transports: Transports, *, limit: int = 1000) -> PassResult:
    """One pass over what is due at `endpoint` (the caller holds its lease)."""
    result = PassResult()
    transport = transports.for_endpoint(endpoint)
    source = instance_name()
    batch = max(1, int(endpoint.batch_size))
    held_back: set[str] = set()
    ready = eligible(endpoint, limit)
    for start in range(0, len(ready), batch):
        chunk = [d for d in ready[start : start + batch] if d.message.key not in held_back]
        if not chunk:
            continue
        reply = transport.send(endpoint, [envelope(d.message, source) for d in chunk])
        result.requests += 1
        done = len(chunk) if reply.ok and reply.delivered is None else (reply.delivered or 0)
        if done:
            _succeed(chunk[:done], reply)
            result.delivered += done
        if not reply.ok:
            failed = chunk[done:]
            result.dead += _fail(endpoint, failed, reply)
            result.failed += len(failed)
            held_back |= {d.message.key for d in failed}
    return result


def deliver_all(
    *,
    owner: str | None = None,
    transports: Transports | None = None,
    endpoints: Iterable[Endpoint] | None = None,
    budget_seconds: float = 30.0,
    limit: int = 1000,
) -> PassResult:
    """Deliver what is due at every active endpoint until nothing more is ready or the time
    budget is spent. Used by `exchange_worker` (in a loop) and by the `sanxiang tick` job."""
    owner = owner or default_owner()
    own_transports = transports is None
    transports = transports or Transports(instance_name())
    total = PassResult()
    deadline = time.monotonic() + budget_seconds
    try:
        for endpoint in endpoints if endpoints is not None else Endpoint.objects.filter(active=True):
            if not acquire_lease(endpoint, owner, seconds=max(60.0, budget_seconds * 2)):
                continue
            try:
                done = PassResult()
                while time.monotonic() < deadline:
                    step = deliver_endpoint(endpoint, transports, limit=limit)
                    done.delivered += step.delivered
                    done.failed += step.failed
                    done.dead += step.dead
                    done.requests += step.requests
                    if step.delivered == 0:
                        break
                total.add(endpoint.name, done)
            finally:
                release_lease(endpoint, owner)
    finally:
        if own_transports:
            transports.close()
    return total


# A sweep cut off by the database (restart, failover, network cut) is retried on a fresh connection
# after interval·2^n seconds, capped here.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_BACKOFF_MAX_SECONDS = 60.0


def run_worker(
    *,
    owner: str,
    transports: Transports,
    budget_seconds: float = 30.0,
    interval: float = 1.0,
    once: bool = False,
    max_seconds: float = 0,
    stopping: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    on_result: Callable[[PassResult], None] = lambda result: None,
) -> None:
    """The loop of `exchange_worker`: sweep, sleep when idle, until `stopping()`.

    A sweep the database cut off is logged, the connection dropped, and the loop carries on after a
    growing pause instead of ending the worker: the outbox resumes when the database is back. What
    the cut-off sweep had sent but not yet marked delivered is sent again (at least once; receivers
    drop a message id they already stored), and its endpoint lease is this owner's, so the next
    sweep takes it up at once. With `once`, the error is raised (the caller's exit status says it)."""
    started = time.monotonic()
    failures = 0
    while not stopping():
        try:
            result = deliver_all(owner=owner, transports=transports, budget_seconds=budget_seconds)
        except DATABASE_ERRORS as error:
            connections.close_all()  # the next sweep connects afresh
            if once:
                raise
            failures += 1
            pause = min(DATABASE_BACKOFF_MAX_SECONDS, max(interval, 0.05) * 2**failures)
            log.warning(
                "exchange worker: database unavailable, next sweep in %.1f s",
                pause,
                extra={"error": str(error), "failures": failures},
            )
            sleep(pause)
            continue
        if failures:
            log.info("exchange worker: database back after %d failed sweeps", failures)
            failures = 0
        on_result(result)
        if once or (max_seconds and time.monotonic() - started > max_seconds):
            break
        if not result.delivered:
            sleep(interval)


def tick() -> dict:
    """`sanxiang tick` job: a bounded delivery sweep, for installations without the worker."""
    return deliver_all(budget_seconds=float(getattr(settings, "SANXIANG_EXCHANGE_TICK_BUDGET", 20))).as_dict()
