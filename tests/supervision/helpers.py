"""Shared test data for the clue, finding and evaluation tests: a justice bureau above the world's
agency, with a supervisor."""

from __future__ import annotations

import datetime as dt

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.org.models import Division, DivisionLevel
from sanxiang.supervision.services import clues as clue_services
from tests.factories import AgencyFactory, staff

HOTLINE_NO = "20260310000123"


class Bureau:
    """云溪-style setup: a city justice bureau whose division contains the world's agency."""

    def __init__(self, world):
        self.world = world
        city = Division.objects.create(
            code=f"88{world.agency.pk:04d}", name="测试市", level=DivisionLevel.CITY
        )
        county = world.agency.division
        county.parent = city
        county.save()
        world.agency.division.refresh_from_db()
        self.city = city
        self.agency = AgencyFactory(division=city, is_justice_bureau=True, name="测试市司法局")
        self.supervisor = staff(self.agency, Role.SUPERVISOR, certified=False)
        self.other_agency = AgencyFactory(division=county)

    def clue(self, **kw):
        kw.setdefault("channel", "hotline")
        kw.setdefault("hotline_order_no", HOTLINE_NO if kw["channel"] == "hotline" else "")
        kw.setdefault("title", "反映某企业被反复检查")
        kw.setdefault("content", "企业反映一个月内被检查五次。")
        kw.setdefault("agencies", [self.world.agency])
        return clue_services.register_clue(actor=self.supervisor, **kw)


def on(day: dt.date, hour: int = 10):
    return clock.frozen(dt.datetime(day.year, day.month, day.day, hour, 0))
