"""Outbox delivery against a real receiver in another process that fails on purpose: down, 500,
slow (answers after the timeout), stores-but-answers-500 (forcing a second delivery). Nothing is
lost, nothing is stored twice, order per key holds, dead letters are replayed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import transaction

from sanxiang.exchange import delivery, outbox, services
from sanxiang.exchange.models import Delivery, DeliveryStatus
from tests.exchange.helpers import SECRET, admin, endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock, pytest.mark.slow]
HERE = Path(__file__).resolve().parent


class Receiver:
    def __init__(self, port: int, tmp_path: Path):
        self.port, self.state_file, self.process = port, tmp_path / f"receiver-{port}.json", None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/inbox"

    def start(self, mode: str = "ok") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "receiver.py"), str(self.port), SECRET, str(self.state_file)]
        )
        for _ in range(100):
            try:
                requests.post(f"http://127.0.0.1:{self.port}/_mode", json={"mode": mode}, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("receiver did not start")

    def mode(self, mode: str) -> None:
        requests.post(f"http://127.0.0.1:{self.port}/_mode", json={"mode": mode}, timeout=2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def state(self) -> dict:
        return json.loads(self.state_file.read_text())


@pytest.fixture
def receiver(tmp_path, worker_id):
    port = 8160 + (0 if worker_id in ("master", "gw0") else 1)
    found = Receiver(port, tmp_path)
    yield found
    found.stop()


def sweep():
    return delivery.deliver_all(owner="test", budget_seconds=10)


def wait_and_sweep(seconds=0.3):
    time.sleep(seconds)
    return sweep()


def test_down_500_slow_and_lost_acks_end_with_every_message_stored_once_in_order(world, receiver):
    endpoint(
        url=receiver.url,
        max_attempts=50,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        timeout_seconds=0.5,
    )
    with transaction.atomic():
        for n in range(6):
            outbox.enqueue("case.decided", f"case:{n % 2}", {"n": n})
    expected = {
        str(m)
        for m in Delivery.objects.filter(endpoint__name="省级平台").values_list(
            "message__message_id", flat=True
        )
    }

    assert sweep().delivered == 0  # down: connection refused
    assert Delivery.objects.filter(attempts=1, status=DeliveryStatus.PENDING).count() == 2  # one head per key

    receiver.start("500")
    assert wait_and_sweep().delivered == 0
    assert receiver.state()["requests"] >= 1 and receiver.state()["stored"] == []

    receiver.mode("slow")  # stored after the sender gave up waiting
    assert wait_and_sweep().delivered == 0
    time.sleep(2.2)
    assert len(receiver.state()["stored"]) >= 1

    receiver.mode("ack_lost")  # stored, answered 500: the sender must send it again
    wait_and_sweep()

    receiver.mode("ok")
    for _ in range(20):
        if not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            break
        wait_and_sweep(0.25)
    state = receiver.state()
    assert set(state["stored"]) == expected  # nothing lost
    assert len(state["stored"]) == len(expected)  # nothing stored twice
    assert state["requests"] > len(expected)  # … although some were delivered more than once
    assert state["bad_signatures"] == 0
    for key in ("case:0", "case:1"):
        assert [seq for k, seq in state["order"] if k == key] == [1, 2, 3]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert Delivery.objects.filter(failures__isnull=False).exists()


def test_dead_letters_then_replay_after_the_receiver_recovers(world, receiver):
    boss = admin(world)
    ep = endpoint(url=receiver.url, max_attempts=2, backoff_base_seconds=0.05, backoff_max_seconds=0.1)
    with transaction.atomic():
        outbox.enqueue("case.decided", "case:D", {"n": 1})
        outbox.enqueue("case.decided", "case:D", {"n": 2})
    receiver.start("500")
    sweep()
    wait_and_sweep()
    first = Delivery.objects.get(message__key="case:D", message__key_seq=1)
    assert first.status == DeliveryStatus.DEAD and first.attempts == 2 and first.last_status == 500
    assert Delivery.objects.get(message__key="case:D", message__key_seq=2).attempts == 0  # held back
    receiver.mode("ok")
    wait_and_sweep()
    assert receiver.state()["stored"] == []  # still dead: nothing goes until an operator acts
    services.replay(ep, actor=boss, from_seq=first.message_id, reason="省平台恢复")
    sweep()
    assert [seq for _, seq in receiver.state()["order"]] == [1, 2]
    assert set(Delivery.objects.filter(message__key="case:D").values_list("status", flat=True)) == {
        "delivered"
    }
