"""The leaks the access-control review found, each pinned by a test (docs/security.md: Findings)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.exchange.models import OutboxMessage, ReceivedMessage
from sanxiang.org.models import Division, DivisionLevel
from tests.factories import PASSWORD, AgencyFactory, DivisionFactory, staff

pytestmark = pytest.mark.django_db


def _received():
    return ReceivedMessage.objects.create(
        message_id="6f1c0d3e-0000-4000-8000-000000000001",
        source="province",
        topic="case.decided",
        key="case:X",
        key_seq=1,
        received_at="2026-03-10T10:00:00+08:00",
        payload={"party": {"name": "王小明", "id_number": "110101199003070000"}},
    )


def test_f2_received_log_is_not_every_supervisors(world, client):
    """F2: a county or township supervisor read the whole city's inbound messages."""
    city = Division.objects.create(code="889900", name="测试市", level=DivisionLevel.CITY)
    county = DivisionFactory(parent=city)
    top = staff(AgencyFactory(division=city, is_justice_bureau=True), Role.SUPERVISOR, certified=False)
    county_sup = staff(
        AgencyFactory(division=county, is_justice_bureau=True), Role.SUPERVISOR, certified=False
    )
    row = _received()
    for user, status in ((county_sup, 404), (top, 200)):
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(f"/exchange/received/{row.pk}/").status_code == status
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/exchange/received/{row.pk}/").status_code == status
        listed = api.get("/api/exchange/received/").json()["count"]
        assert listed == (1 if status == 200 else 0)


def test_f3_route_names_are_unique_and_the_contest_form_posts_to_the_review():
    """F3: two routes named review:contest; the reviewer's contest form reversed to the head's
    contest-decision page with the review's pk."""
    assert reverse("review:contest", args=[7]) == "/review/7/contest/"
    assert reverse("review:contest_decision", args=[7]) == "/review/contests/7/"


def test_f4_admin_does_not_show_message_payloads(world, client):
    """F4: the admin site showed every outbox/received payload (personal data) to any admin."""
    admin = staff(world.agency, Role.ADMIN, certified=False, is_staff=True, is_superuser=True)
    message = OutboxMessage.objects.create(
        topic="case.decided",
        key="case:Y",
        key_seq=1,
        agency=world.agency,
        created_at=clock.now(),
        payload={"party": {"name": "王小明", "id_number": "110101199003070000"}},
    )
    row = _received()
    assert client.login(username=admin.username, password=PASSWORD)
    for url in (
        f"/admin/exchange/outboxmessage/{message.pk}/change/",
        f"/admin/exchange/receivedmessage/{row.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "110101199003070000" not in text and "王小明" not in text
        assert "id_number" not in text and "party" in text  # the shape, not the values


def test_officers_api_filters_by_agency_id(world):
    """`/api/officers/?agency=<id>` ignored the filter."""
    supervisor_agency = AgencyFactory(division=world.agency.division, is_justice_bureau=True)
    other = AgencyFactory(division=world.agency.division)
    staff(other, Role.OFFICER)
    boss = staff(supervisor_agency, Role.SUPERVISOR, certified=False)
    api = APIClient()
    api.force_authenticate(boss)
    every = api.get("/api/officers/").json()["count"]
    mine = api.get(f"/api/officers/?agency={world.agency.pk}").json()
    assert mine["count"] == 2 < every
    assert {o["username"] for o in mine["results"]} == set(world.officers())
