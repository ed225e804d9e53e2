"""The people and reference data the scenarios start from, built through the services: a county
market bureau with its staff, the city's justice bureau (supervision) and an agency elsewhere.
Everything the scenarios then do, they do in the browser."""

from __future__ import annotations

import datetime as dt

from sanxiang.core.roles import Role
from sanxiang.org import services as org_services
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    DivisionFactory,
    FieldFactory,
    certify,
    item,
    person_id,
)
from tests.review.helpers import make_catalog

__all__ = ["PASSWORD", "Cast"]


def _staff(agency, username: str, full_name: str, *roles: str, **extra):
    user = org_services.create_staff(
        agency=agency, username=username, full_name=full_name, roles=roles, password=PASSWORD, **extra
    )
    if Role.OFFICER in roles:
        certify(user)
    return user


class Cast:
    def __init__(self):
        market = FieldFactory(code="market", name="市场监管")
        city = DivisionFactory(code="990000", name="云溪市", level="city")
        county = DivisionFactory(code="990102", name="云溪市东城区", level="county", parent=city)
        elsewhere = DivisionFactory(code="980000", name="远山市", level="city")
        self.agency = AgencyFactory(
            code="e2e-market",
            name="云溪市东城区市场监督管理局",
            short_name="东市监",
            division=county,
            enforcement_fields=[market],
        )
        self.bureau = AgencyFactory(
            code="e2e-justice", name="云溪市司法局", short_name="云司", division=city, is_justice_bureau=True
        )
        self.elsewhere = AgencyFactory(
            code="e2e-far", name="远山市市场监督管理局", short_name="远市监", division=elsewhere
        )
        self.officer = _staff(self.agency, "officer", "林晓峰", Role.OFFICER)
        self.officer2 = self.partner = _staff(self.agency, "officer2", "周雨桐", Role.OFFICER)
        self.head = _staff(self.agency, "head", "陈建国", Role.HEAD)
        self.reviewer = _staff(
            self.agency, "reviewer", "王思远", Role.REVIEWER, legal_qualification="A2019001"
        )
        self.editor = _staff(self.agency, "editor", "赵敏", Role.PUBLICITY_EDITOR)
        self.supervisor = _staff(self.bureau, "supervisor", "孙立平", Role.SUPERVISOR)
        self.outsider = _staff(self.elsewhere, "outsider", "钱远", Role.OFFICER, Role.HEAD)
        self.item = item(self.agency, name="销售不符合食品安全标准的食品", code="E2E-PEN-001")
        self.catalog = make_catalog(self.agency)
        self.party = {
            "name": "王建国",
            "id_number": person_id(dt.date(1980, 5, 17), 7),
            "address": "云溪市东城区建设路18号3栋501室",
            "phone": "13912345678",
        }

    def officers(self) -> list[str]:  # what tests.cases.walk asks of a world
        return [self.officer.username, self.officer2.username]
