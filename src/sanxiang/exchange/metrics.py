"""Prometheus-style metrics (prometheus-client): request counts and latency, outbox backlog,
deliveries, dead letters, inbox receipts. `/metrics` is protected (see views.metrics_view).

Under gunicorn with several worker processes set `PROMETHEUS_MULTIPROC_DIR` to an empty folder
(docs/deploy.md); the counters are then summed across processes at scrape time.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "sanxiang_http_requests_total", "HTTP requests served", ["method", "route", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "sanxiang_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
DELIVERED = Counter("sanxiang_exchange_delivered_total", "Outbox messages delivered", registry=REGISTRY)
FAILED = Counter("sanxiang_exchange_failed_attempts_total", "Failed delivery attempts", registry=REGISTRY)
DEAD = Counter(
    "sanxiang_exchange_dead_letters_total", "Deliveries that became dead letters", registry=REGISTRY
)
RECEIVED = Counter("sanxiang_inbox_received_total", "Inbox messages stored", registry=REGISTRY)
DUPLICATES = Counter("sanxiang_inbox_duplicates_total", "Inbox messages received again", registry=REGISTRY)


class OutboxCollector:
    """Backlog and dead letters per endpoint, read from the database at scrape time."""

    def collect(self):
        from django.db.models import Count

        from sanxiang.exchange.models import Delivery, DeliveryStatus

        backlog = GaugeMetricFamily("sanxiang_outbox_backlog", "Pending deliveries", labels=["endpoint"])
        dead = GaugeMetricFamily(
            "sanxiang_outbox_dead_letters", "Dead letters awaiting action", labels=["endpoint"]
        )
        rows = (
            Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD])
            .values_list("endpoint__name", "status")
            .annotate(n=Count("id"))
        )
        for name, status, n in rows:
            (backlog if status == DeliveryStatus.PENDING else dead).add_metric([name], n)
        yield backlog
        yield dead


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    registry_with_db = CollectorRegistry()
    registry_with_db.register(OutboxCollector())
    return generate_latest(registry) + generate_latest(registry_with_db)
