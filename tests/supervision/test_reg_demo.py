"""The issue-11 part of the demo on the demo city's reference data (no cases walked): a 12345 clue
that becomes a key-supervision task, a 意见书 rectified, verified and closed, and overdue items of the
county bureau visible to the city bureau."""

import random

import pytest

from sanxiang.core import calendar, clock
from sanxiang.demo import loader, reference
from sanxiang.demo.people import People
from sanxiang.supervision import demo_reg
from sanxiang.supervision.models import Clue, Instrument, SupervisionTask
from sanxiang.supervision.services import selectors

pytestmark = pytest.mark.django_db


def test_demo_walk():
    today = clock.today()
    with clock.frozen(calendar.add_months(today, -16)):
        world, _admin = reference.build(
            People(random.Random(2)), today=today, reference_day=calendar.add_months(today, -16)
        )
    cast = loader.Cast(today, random.Random(1), world, first_load=True)
    demo_reg._load(cast)
    clue = Clue.objects.get(channel="hotline")
    key = SupervisionTask.objects.get(source_clue=clue)
    assert key.kind == "key" and key.listed and clue.hotline_order_no
    assert Instrument.objects.filter(kind="opinion", status="closed", reports__accepted=True).exists()
    assert Instrument.objects.filter(kind="upper_notification", target__vertically_managed=True).exists()
    city_supervisor = cast.users["supervisor"]
    rows = {r.bureau.code: r for r in selectors.overdue_by_bureau(city_supervisor)}
    assert rows["qs-sfj"].instruments and rows["qs-sfj"].tasks
    assert clock.today() == today
    demo_reg._load(loader.Cast(today, random.Random(1), world, first_load=False))  # changes nothing
    assert SupervisionTask.objects.count() == 3
