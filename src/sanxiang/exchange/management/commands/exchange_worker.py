"""`sanxiang manage exchange_worker` — deliver the outbox continuously (systemd: sanxiang-exchange).

Why a dedicated worker rather than one `django_tasks` task per message: delivery is a stream with
per-key order and per-endpoint leases; one loop that drains each endpoint in order, batches, keeps
HTTP/AMQP connections alive and sleeps when idle does that with a few queries per batch, where a
task per message would cost a task row and a scheduling round trip for each message and could not
keep order without the same lease logic. `sanxiang tick` also runs a bounded sweep
(`exchange.deliver`), so an installation without the worker still delivers, only later.
"""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from sanxiang.exchange import delivery
from sanxiang.exchange.transports import Transports


class Command(BaseCommand):
    help = "Deliver outbox messages to the configured endpoints (loop; --once for a single sweep)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one sweep until nothing is due, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to sleep when idle")
        parser.add_argument("--budget", type=float, default=30.0, help="seconds per sweep")
        parser.add_argument("--max-seconds", type=float, default=0, help="stop after this long (0: never)")

    def handle(self, *, once, interval, budget, max_seconds, **_):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *a: stopping.append(True))
        transports = Transports(delivery.instance_name())

        def report(result: delivery.PassResult) -> None:
            if result.requests:
                self.stdout.write(f"delivered={result.delivered} failed={result.failed} dead={result.dead}")

        try:
            delivery.run_worker(
                owner=delivery.default_owner(),
                transports=transports,
                budget_seconds=budget,
                interval=interval,
                once=once,
                max_seconds=max_seconds,
                stopping=lambda: bool(stopping),
                on_result=report,
            )
        finally:
            transports.close()
