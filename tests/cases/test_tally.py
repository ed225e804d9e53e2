"""Each agency's case tally (cases/tally.py) equals the live count after every way a case is
written or removed — registration, the history import, deletion, raw SQL healed by a recount or
`sanxiang recount` — and the unfiltered lists of the API and the web take their `count` from it,
while any filter still counts the rows themselves."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sanxiang.cases import tally
from sanxiang.cases.models import Case, CaseTally
from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.exchange.importers import run_import
from tests.exchange.helpers import admin
from tests.exchange.test_import_export import case_rows
from tests.factories import AgencyFactory, DivisionFactory, World, staff

pytestmark = pytest.mark.django_db


def held(agency) -> int:
    return CaseTally.objects.filter(agency=agency).values_list("cases", flat=True).first() or 0


def live(agency) -> int:
    return Case.objects.filter(agency=agency).count()


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def bare_case(world, serial: int) -> Case:
    """A case written by the ORM alone, with no record or event that would protect it from deletion
    (a registered case can never be deleted: its entries refer to it)."""
    return Case.objects.create(
        agency=world.agency,
        number=f"BARE-{world.agency.pk}-{serial}",
        year=2026,
        serial=90000 + serial,
        procedure="penalty.general",
        category="penalty",
        title="裸案件",
        stage="registration",
        opened_at=clock.now(),
    )


def set_tally(agency, n: int) -> None:
    CaseTally.objects.filter(agency=agency).update(cases=n)


def test_registration_an_orm_write_and_a_deletion_move_the_tally_by_one(world):
    for i in range(2):
        world.case(title=f"案件{i}")
    bare = bare_case(world, 1)
    assert held(world.agency) == live(world.agency) == 3
    bare.delete()
    assert held(world.agency) == live(world.agency) == 2


def test_a_registration_rolled_back_takes_its_count_with_it(world):
    world.case()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.case()
        raise RuntimeError("the change failed after the case was written")
    assert held(world.agency) == live(world.agency) == 1


def test_the_history_import_counts_its_bulk_insert(world):
    world.case()
    run = run_import("cases", case_rows(world, 7), filename="h.csv", actor=admin(world))
    assert run.status == "committed", run.errors
    assert held(world.agency) == live(world.agency) == 8


def test_a_rejected_import_counts_nothing(world):
    rows = case_rows(world, 3) + "HIST-BAD,nope,penalty.general,坏行\n".encode()
    run = run_import("cases", rows, filename="bad.csv", actor=admin(world))
    assert run.status == "rejected"
    assert held(world.agency) == live(world.agency) == 0


def test_raw_sql_is_healed_by_the_recount_and_its_command(world):
    world.case()
    other = World(AgencyFactory(code="b01"))
    other.case()
    set_tally(world.agency, 40)
    CaseTally.objects.filter(agency=other.agency).delete()
    assert tally.recount() == {"agencies": 2, "cases": 2, "corrected": 2}
    assert held(world.agency) == held(other.agency) == 1
    set_tally(world.agency, 0)
    out = io.StringIO()
    call_command("recount", stdout=out)
    assert "1 corrected" in out.getvalue()
    assert held(world.agency) == 1
    assert tally.recount()["corrected"] == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["open_a", "open_b", "bare", "delete", "raw", "recount"]), max_size=8))
def test_tally_equals_live_count_after_any_sequence_of_writes(world, steps):
    with transaction.atomic():
        sid = transaction.savepoint()
        other = World(AgencyFactory())
        made: list[str] = []
        for step in steps:
            if step == "open_a":
                world.case()
            elif step == "open_b":
                other.case()
            elif step == "bare":
                bare_case(world, len(made) + 1)
                made.append(step)
            elif step == "delete" and (doomed := Case.objects.filter(number__startswith="BARE-").first()):
                doomed.delete()
            elif step == "raw":  # a write around the ORM: only a recount sees it
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM cases_case WHERE number LIKE 'BARE-%%'")
                tally.recount()
            elif step == "recount":
                assert tally.recount()["corrected"] == 0
            assert (held(world.agency), held(other.agency)) == (live(world.agency), live(other.agency))
        transaction.savepoint_rollback(sid)


def test_the_unfiltered_api_list_counts_from_the_tally_and_a_filtered_one_counts_rows(world):
    for i in range(3):
        world.case(title=f"案件{i}")
    client = api(world.head)
    assert client.get("/api/cases/?page=1").json()["count"] == 3
    set_tally(world.agency, 1000)  # a wrong tally shows: the unfiltered count is read from it
    page = client.get("/api/cases/?page=1&page_size=2&ordering=number").json()
    assert page["count"] == 1000 and len(page["results"]) == 2
    assert client.get("/api/cases/?page=1&procedure=penalty.general").json()["count"] == 3
    assert client.get("/api/cases/?page=1&q=").json()["count"] == 3  # a named filter counts rows


def test_a_supervisor_counts_every_agency_in_scope_and_nothing_else():
    city = DivisionFactory(code="980000", name="测试市", level="city")
    county = World(AgencyFactory(division=DivisionFactory(code="980100", name="测试县", parent=city)))
    bureau = World(AgencyFactory(division=city, is_justice_bureau=True))
    outside = World(AgencyFactory(division=DivisionFactory(code="970000", name="别市", level="city")))
    for w, n in ((county, 2), (bureau, 1), (outside, 4)):
        for _ in range(n):
            w.case()
    supervisor = staff(bureau.agency, Role.SUPERVISOR, certified=False)
    answer = api(supervisor).get("/api/cases/?page=1").json()
    assert answer["count"] == 3 == len(answer["results"])
    assert api(outside.head).get("/api/cases/?page=1").json()["count"] == 4


def test_the_web_list_counts_from_the_tally_unless_filtered(world, client):
    for i in range(2):
        world.case(title=f"案件{i}")
    client.force_login(world.head)
    set_tally(world.agency, 77)
    assert client.get("/cases/").context["page"].paginator.count == 77
    assert client.get("/cases/?procedure=penalty.general").context["page"].paginator.count == 2
