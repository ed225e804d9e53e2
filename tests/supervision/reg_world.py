"""A small supervision graph for the issue-11 tests: a city and a county government with their
justice bureaus, a township justice office, same-sector departments, a subordinate unit and a
vertically managed agency."""

from __future__ import annotations

from sanxiang.core.roles import Role
from tests.factories import AgencyFactory, DivisionFactory, staff


class Graph:
    def __init__(self) -> None:
        self.city = DivisionFactory(code="970000", name="监督市", level="city")
        self.county = DivisionFactory(code="970100", name="监督县", level="county", parent=self.city)
        self.town = DivisionFactory(code="970100100", name="监督镇", level="township", parent=self.county)
        self.elsewhere = DivisionFactory(code="960000", name="外市", level="city")
        self.city_bureau = AgencyFactory(
            division=self.city, is_justice_bureau=True, name="监督市司法局", short_name="监司"
        )
        self.county_bureau = AgencyFactory(
            division=self.county, is_justice_bureau=True, name="监督县司法局", short_name="监县司"
        )
        self.office = AgencyFactory(
            division=self.town, is_justice_office=True, name="监督镇司法所", short_name="监所"
        )
        self.city_dept = AgencyFactory(division=self.city, name="监督市市场监管局", short_name="监市监")
        self.unit = AgencyFactory(division=self.city, parent=self.city_dept, name="监督市市场监管局执法支队")
        self.county_dept = AgencyFactory(
            division=self.county, parent=self.city_dept, name="监督县市场监管局", short_name="监县监"
        )
        self.vertical = AgencyFactory(
            division=self.city,
            vertically_managed=True,
            name="国家税务总局监督市税务局",
            upper_department="国家税务总局某省税务局",
        )
        self.outside = AgencyFactory(division=self.elsewhere, name="外市市场监管局")
        self.city_sup = staff(self.city_bureau, Role.SUPERVISOR, certified=False)
        self.city_sup2 = staff(self.city_bureau, Role.SUPERVISOR, certified=False)
        self.county_sup = staff(self.county_bureau, Role.SUPERVISOR, certified=False)
        self.office_sup = staff(self.office, Role.SUPERVISOR, certified=False)
        self.dept_sup = staff(self.city_dept, Role.SUPERVISOR, certified=False)
        self.county_head = staff(self.county_dept, Role.HEAD, certified=False)
        self.county_officer = staff(self.county_dept, Role.OFFICER)
        self.invited = staff(self.city_bureau, Role.INVITED_SUPERVISOR, certified=False, username=None)
