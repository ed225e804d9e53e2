"""Data scopes follow the supervision graph (core.scoping; docs/supervision.md "Data scopes").

Through the doors: the staff API (/api/agencies/, /api/cases/<id>/) and the case page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sanxiang.cases.models import Case
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope, agency_scope_q
from sanxiang.org.models import Agency
from tests.factories import AgencyFactory, World, staff
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    graph = Graph()
    # a sibling city department (same government, not in the city department's system)
    graph.sibling = AgencyFactory(division=graph.city, name="监督市城管局")
    graph.sibling_sup = staff(graph.sibling, Role.SUPERVISOR, certified=False)
    # an agency outside the city's division that the city bureau is set to supervise
    graph.assigned = AgencyFactory(division=graph.elsewhere, supervising_bureau=graph.city_bureau)
    # a township unit entrusted by the county department
    graph.entrusted = AgencyFactory(
        division=graph.town, kind="entrusted_organisation", entrusted_by=graph.county_dept
    )
    graph.county_world = World(graph.county_dept)
    graph.county_case = graph.county_world.case()
    return graph


def codes(user):
    client = APIClient()
    client.force_authenticate(user)
    body = client.get("/api/agencies/?page_size=500").json()
    return {a["code"] for a in body["results"]}


def case_status(user, case):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/cases/{case.pk}/?reason=监督检查").status_code


def test_justice_bureau_sees_its_subtree_and_the_agencies_it_supervises(g):
    seen = codes(g.city_sup)
    for agency in (
        g.city_bureau,
        g.city_dept,
        g.county_dept,
        g.unit,
        g.vertical,
        g.office,
        g.sibling,
        g.assigned,
    ):
        assert agency.code in seen, agency.name
    assert g.outside.code not in seen
    county = codes(g.county_sup)
    assert g.county_dept.code in county and g.entrusted.code in county
    assert g.city_dept.code not in county and g.assigned.code not in county
    assert case_status(g.city_sup, g.county_case) == 200
    assert case_status(g.county_sup, g.county_case) == 200


def test_department_supervisor_sees_its_system_and_the_county_departments_it_guides(g):
    seen = codes(g.dept_sup)
    assert {g.city_dept.code, g.unit.code, g.county_dept.code, g.entrusted.code} <= seen
    # not the rest of the city: the sibling department, the bureaus, the vertical agency
    for agency in (g.sibling, g.city_bureau, g.county_bureau, g.vertical, g.office, g.outside):
        assert agency.code not in seen, agency.name
    assert case_status(g.dept_sup, g.county_case) == 200  # Art. 42 ¶3: read-only guidance
    assert case_status(g.sibling_sup, g.county_case) == 404  # was visible under the division rule
    assert g.sibling.code not in codes(g.dept_sup) and g.city_dept.code not in codes(g.sibling_sup)


def test_guidance_is_read_only(g):
    assert agency_in_scope(g.dept_sup, g.county_dept)
    assert not agency_in_scope(g.dept_sup, g.county_dept, CHANGE)
    assert not Case.objects.restrict(g.dept_sup, CHANGE).filter(pk=g.county_case.pk).exists()


def test_justice_office_sees_only_itself(g):
    assert codes(g.office_sup) == {g.office.code}
    assert case_status(g.office_sup, g.county_case) == 404
    page = Client()
    page.force_login(g.office_sup)
    assert page.get(f"/cases/{g.county_case.number}/?reason=监督检查").status_code == 404
    page.force_login(g.county_sup)
    assert page.get(f"/cases/{g.county_case.number}/?reason=监督检查").status_code == 200


def test_head_and_officer_see_only_their_agency(g):
    assert codes(g.county_head) == {g.county_dept.code}
    assert case_status(g.county_head, g.county_case) == 200
    other = World(g.unit)
    assert case_status(other.officer, g.county_case) == 404


def test_the_python_check_and_the_filter_agree_for_every_pair(g):
    users = [g.city_sup, g.county_sup, g.office_sup, g.dept_sup, g.sibling_sup, g.county_head]
    agencies = list(Agency.objects.all())
    for user in users:
        in_filter = set(Agency.objects.filter(agency_scope_q(user, None)).values_list("pk", flat=True))
        in_python = {a.pk for a in agencies if agency_in_scope(user, a)}
        assert in_filter == in_python, user.agency.name


def test_scope_is_one_query(g):
    g.city_sup.agency.division, g.city_sup.roles  # loaded once per request with the user
    with CaptureQueriesContext(connection) as queries:
        list(Case.objects.restrict(g.city_sup).values_list("pk", flat=True))
    assert len(queries) == 1
