"""The demo hook: a provincial endpoint linked to the own inbox, delivered messages, dead letters."""

from types import SimpleNamespace

import pytest

from sanxiang.demo.hooks import DemoHooks
from sanxiang.exchange import demo
from sanxiang.exchange.models import Delivery, DeliveryStatus, ReceivedMessage
from tests.exchange.helpers import admin, decided_case

pytestmark = pytest.mark.django_db


def test_demo_shows_delivered_and_dead_lettered_messages_and_can_run_twice(world):
    admin(world)
    case = decided_case(world)
    hooks = DemoHooks()
    demo.register(hooks)
    hooks.run_finally(None)
    province = Delivery.objects.filter(endpoint__name="省级执法监督平台")
    assert province.exists() and not province.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert ReceivedMessage.objects.filter(key=f"case:{case.number}", topic="case.decided").count() == 1
    assert Delivery.objects.filter(endpoint__name__contains="演示", status=DeliveryStatus.DEAD).exists()
    received = ReceivedMessage.objects.count()
    hooks.run_finally(None)
    assert ReceivedMessage.objects.count() == received  # replayed, received once
    messages = Delivery.objects.count()
    hooks.run_finally(SimpleNamespace(first_load=False))  # a later `sanxiang demo` changes nothing
    assert Delivery.objects.count() == messages
