"""RabbitMQ publishing with publisher confirms, through a TCP proxy that cuts the connection
mid-stream and then refuses connections for a while: no message is lost, every delivery ends
confirmed, and the consumer can de-duplicate by message_id. Skipped when no broker answers."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

import pytest
from django.db import transaction

from sanxiang.exchange import delivery, outbox
from sanxiang.exchange.models import Delivery, DeliveryStatus, Endpoint

BROKER = ("127.0.0.1", 5672)
pytestmark = [pytest.mark.django_db, pytest.mark.real_clock, pytest.mark.slow]


def broker_available() -> bool:
    try:
        with socket.create_connection(BROKER, timeout=1):
            return True
    except OSError:
        return False


class CuttingProxy:
    """Forwards 127.0.0.1:port to the broker; after `cut_after` client bytes it drops every
    connection (the broker 'disappears mid-stream') and refuses new ones until `restore()`."""

    def __init__(self, port: int, cut_after: int):
        self.port, self.cut_after, self.sent = port, cut_after, 0
        self.up = True
        self.sockets: list[socket.socket] = []
        self.server = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.server.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(BROKER)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source, target, counts):
        try:
            while data := source.recv(65536):
                if counts:
                    self.sent += len(data)
                    if self.up and self.cut_after and self.sent > self.cut_after:
                        self.cut()
                        return
                target.sendall(data)
        except OSError:
            pass

    def cut(self):
        self.up = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets.clear()

    def restore(self):
        self.cut_after = 0
        self.up = True

    def close(self):
        self.running = False
        self.cut()
        self.server.close()


@pytest.fixture
def proxy(worker_id):
    if not broker_available():
        pytest.skip("RabbitMQ not reachable on 127.0.0.1:5672")
    found = CuttingProxy(8166 if worker_id in ("master", "gw0") else 8167, cut_after=6000)
    yield found
    found.close()


def test_broker_disappearing_mid_stream_loses_nothing(world, proxy):
    import pika

    name = f"sx-test-{uuid.uuid4().hex[:8]}"
    direct = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
    channel = direct.channel()
    channel.exchange_declare(name, exchange_type="topic", durable=True)
    channel.queue_declare(name, durable=True)
    channel.queue_bind(name, name, routing_key="#")
    try:
        Endpoint.objects.create(
            name="消息队列",
            kind="amqp",
            url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F",
            amqp_exchange=name,
            secret="amqp-test-secret",
            batch_size=10,
            max_attempts=50,
            backoff_base_seconds=0.05,
            backoff_max_seconds=0.2,
            timeout_seconds=3,
        )
        with transaction.atomic():
            for n in range(40):
                outbox.enqueue("case.decided", f"case:{n % 4}", {"n": n})
        first = delivery.deliver_all(owner="t", budget_seconds=20)
        assert not proxy.up and first.failed > 0  # the proxy cut the stream part-way
        assert 0 < Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() < 40
        time.sleep(0.3)
        delivery.deliver_all(owner="t", budget_seconds=5)  # refused while the broker is away
        proxy.restore()
        for _ in range(30):
            if not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
                break
            time.sleep(0.25)
            delivery.deliver_all(owner="t", budget_seconds=10)
        assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
        seen = []
        while True:
            method, properties, body = channel.basic_get(name, auto_ack=True)
            if method is None:
                break
            envelope = json.loads(body)
            assert properties.message_id == envelope["id"]
            assert properties.headers["X-Sanxiang-Signature"].startswith("sha256=")
            seen.append((envelope["id"], envelope["key"], envelope["key_seq"]))
        expected = {str(m) for m in Delivery.objects.values_list("message__message_id", flat=True)}
        assert {s[0] for s in seen} == expected  # nothing lost (duplicates allowed: at least once)
        for key in {s[1] for s in seen}:
            firsts = []
            for _, k, seq in seen:
                if k == key and seq not in firsts:
                    firsts.append(seq)
            assert firsts == sorted(firsts)  # first arrivals in key order
    finally:
        channel.queue_delete(name)
        channel.exchange_delete(name)
        direct.close()
