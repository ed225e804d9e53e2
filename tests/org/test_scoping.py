"""Scoping of reference data in the staff API: own agency, or a supervisor's division subtree."""

import pytest
from rest_framework.test import APIClient

from sanxiang.core.roles import Role
from tests.factories import AgencyFactory, DivisionFactory, World, staff

pytestmark = pytest.mark.django_db


def get(user, url):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url)


def test_agency_a_cannot_see_agency_b():
    a, b = World(), World()
    for url in ("/api/agencies/", "/api/officers/", "/api/items/", "/api/cases/"):
        body = get(a.officer, url).json()
        codes = str(body["results"])
        assert b.agency.code not in codes and b.officer.username not in codes, url
    assert get(a.officer, f"/api/agencies/{b.agency.code}/").status_code == 404
    assert get(a.officer, f"/api/officers/{b.officer.username}/").status_code == 404
    assert get(a.officer, f"/api/items/{b.item.code}/").status_code == 404
    assert get(a.officer, f"/api/officers/{a.partner.username}/").status_code == 200


def test_supervisor_sees_division_subtree_only():
    city = DivisionFactory(code="990000", name="测试市", level="city")
    county = DivisionFactory(code="990100", name="测试县", parent=city)
    elsewhere = DivisionFactory(code="980000", name="别处市", level="city")
    inside, outside = World(AgencyFactory(division=county)), World(AgencyFactory(division=elsewhere))
    bureau = AgencyFactory(division=city, is_justice_bureau=True)
    supervisor = staff(bureau, Role.SUPERVISOR, certified=False)
    codes = {a["code"] for a in get(supervisor, "/api/agencies/").json()["results"]}
    assert inside.agency.code in codes and bureau.code in codes and outside.agency.code not in codes
    assert get(supervisor, f"/api/items/{inside.item.code}/").status_code == 200
    assert get(supervisor, f"/api/items/{outside.item.code}/").status_code == 404
