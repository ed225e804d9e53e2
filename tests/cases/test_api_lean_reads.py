"""The shortcuts of the API's read path (docs/performance.md, API) change nothing a client or an
auditor can see: through a real `Authorization: Token` header, roles and activity are read afresh on
every request; a keyset page answers what a numbered page answers; filters still validate when
named; a handler's read is logged as the handler's; a system token's last use is written at most
once a minute; serializers built once per class share no field between two reads."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sanxiang.cases.api import CaseDetailSerializer
from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.exchange import services as exchange
from sanxiang.exchange.models import SystemToken
from sanxiang.records.models import Entry
from tests.exchange.helpers import admin
from tests.factories import AgencyFactory, DivisionFactory, World, staff

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_a_role_taken_away_narrows_the_next_request_of_the_same_token():
    city = DivisionFactory(code="990000", name="测试市", level="city")
    supervised = World(AgencyFactory(division=DivisionFactory(code="990100", name="测试县", parent=city)))
    bureau = World(AgencyFactory(division=city, is_justice_bureau=True))
    supervisor = staff(bureau.agency, Role.SUPERVISOR, certified=False)
    theirs, ours = supervised.case(), bureau.case()
    client = token_client(supervisor)
    assert numbers(client.get("/api/cases/?cursor=")) == {theirs.number, ours.number}
    supervisor.groups.remove(supervisor.groups.get(name=Role.SUPERVISOR))
    assert numbers(client.get("/api/cases/?cursor=")) == {ours.number}
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    refused = client.get("/api/cases/?cursor=")
    assert refused.status_code == 403 and refused.json()["code"] == "auth.failed"


def test_a_keyset_page_answers_what_a_numbered_page_answers(world):
    made = [world.case(title=f"案件{i}") for i in range(4)]
    other = World(AgencyFactory(code="a00"))  # first by agency code, last by username
    made[1].handlers.set([world.partner, world.officer, other.officer])
    client = token_client(world.head)
    by_cursor = client.get("/api/cases/?cursor=&page_size=10").json()["results"]
    by_number = client.get("/api/cases/?page=1&page_size=10").json()["results"]
    assert by_cursor == by_number and len(by_cursor) == len(made)
    handlers = next(row["handlers"] for row in by_cursor if row["id"] == made[1].pk)
    people = [(world.agency.code, world.partner.username), (world.agency.code, world.officer.username)]
    assert handlers == [name for _, name in sorted([*people, (other.agency.code, other.officer.username)])]


def test_filters_still_filter_and_validate_when_named_and_unknown_parameters_change_nothing(world):
    open_case, closed = world.case(), world.case()
    closed.closed_on = dt.date(2026, 3, 1)
    closed.save(update_fields=["closed_on"])
    client = token_client(world.head)
    assert numbers(client.get("/api/cases/?is_open=true")) == {open_case.number}
    assert numbers(client.get("/api/cases/?cursor=&is_open=false")) == {closed.number}
    assert numbers(client.get("/api/cases/?colour=blue")) == {open_case.number, closed.number}
    refused = client.get("/api/cases/?opened_after=not-a-date")
    assert refused.status_code == 422 and refused.json()["code"]


def test_a_handlers_read_is_logged_as_the_handlers_and_a_heads_as_the_heads(world):
    case = world.case()
    case.handlers.set([world.officer])
    for user, reason in ((world.officer, "承办人办理本案"), (world.head, "本机关负责人履职")):
        assert token_client(user).get(f"/api/cases/{case.pk}/").status_code == 200
        entry = Entry.objects.filter(stream=f"access:{case.number}").order_by("-seq").first()
        assert entry.actor_id == user.pk and f'"reason":"{reason}"' in entry.body


def test_a_system_tokens_last_use_is_written_at_most_once_a_minute(world):
    service = staff(world.agency, Role.HEAD, certified=False)
    token, key = exchange.issue_token(name="省平台", user=service, scopes=["cases:read"], actor=admin(world))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    start = clock.now()
    with clock.frozen(start):
        assert client.get("/api/cases/").status_code == 200
    with clock.frozen(start + dt.timedelta(seconds=59)):
        assert client.get("/api/cases/").status_code == 200
    assert SystemToken.objects.get(pk=token.pk).last_used_at == start
    with clock.frozen(start + dt.timedelta(seconds=61)):
        assert client.get("/api/cases/").status_code == 200
    assert SystemToken.objects.get(pk=token.pk).last_used_at == start + dt.timedelta(seconds=61)


def test_serializers_built_once_per_class_share_no_field_between_reads(world):
    case = world.case()
    first, second = CaseDetailSerializer(case), CaseDetailSerializer(case)
    assert first.fields.keys() == second.fields.keys()
    assert all(first.fields[name] is not second.fields[name] for name in first.fields)
    assert first.fields["party"].parent is first and second.fields["party"].parent is second
    assert first.data == second.data
