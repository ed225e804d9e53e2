"""The case list API's lean path answers exactly what CaseSerializer answers; `?cursor=` walks the
same scope as page numbers, without a count; a current If-None-Match on a case answers 304 and
the read is still logged."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from sanxiang.cases import selectors
from sanxiang.cases.api import CaseSerializer
from sanxiang.cases.models import Case
from sanxiang.records.models import Entry
from tests.factories import World, person

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def cases(world):
    made = [world.case(title=f"案件{i}") for i in range(5)]
    made.append(world.case(party=person(world.agency), act_date=dt.date(2025, 3, 1)))
    Case.objects.filter(pk=made[0].pk).update(
        fine_amount=Decimal("1234.50"), closed_on=dt.date(2025, 6, 30), outcome="penalty"
    )
    Case.objects.filter(pk=made[1].pk).update(party=None)
    made[2].handlers.set([world.partner])
    World().case()  # another agency's: never listed
    return made


def test_the_list_answers_what_the_serializer_answers(world, cases):
    body = api(world.head).get("/api/cases/?page_size=200").json()
    ids = [row["id"] for row in body["results"]]
    assert body["count"] == len(cases) == len(ids)
    visible = selectors.cases_visible_to(world.head).prefetch_related("handlers").in_bulk(ids)
    expected = CaseSerializer([visible[pk] for pk in ids], many=True).data
    assert body["results"] == [dict(row) for row in expected]
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[cases[0].pk]["fine_amount"] == "1234.50" and by_id[cases[1].pk]["party"] is None


def test_cursor_pages_walk_the_scope_once_without_a_count(world, cases):
    client = api(world.head)
    url, seen = "/api/cases/?cursor=&page_size=2", []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    by_page = [row["id"] for row in client.get("/api/cases/?page_size=200").json()["results"]]
    assert seen == by_page  # same scope, same order (newest first)
    assert len(set(seen)) == len(cases)


def test_a_cursor_that_is_not_ours_or_an_unkeyed_ordering_answers_422(world, cases):
    client = api(world.head)
    forged = client.get("/api/cases/?cursor=bz14")
    assert forged.status_code == 422 and forged.json()["code"] == "pagination.cursor.invalid"
    nullable = client.get("/api/cases/?cursor=&ordering=decided_on")
    assert nullable.status_code == 422 and nullable.json()["code"] == "pagination.cursor.ordering"
    assert client.get("/api/cases/?cursor=&ordering=number").status_code == 200


def test_a_current_etag_answers_304_and_the_read_is_still_logged(world, cases):
    case = cases[3]
    client = api(world.head)
    etag = client.get(f"/api/cases/{case.pk}/")["ETag"]
    reads = Entry.objects.filter(stream=f"access:{case.number}").count()
    again = client.get(f"/api/cases/{case.pk}/", HTTP_IF_NONE_MATCH=f'"x", {etag}')
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert Entry.objects.filter(stream=f"access:{case.number}").count() == reads + 1
