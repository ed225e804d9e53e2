"""Supervised access (I7): every read door writes an access entry with who, what and why;
supervisors state a reason; sensitive cases need an approved, time-limited request; refused and
out-of-scope attempts are recorded; supervisors filter the log for unusual access."""

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, AgencyKind
from sanxiang.records import access
from sanxiang.records.models import AccessRequest, Entry
from tests.factories import PASSWORD, World, staff
from tests.records.helpers import upload

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def reads(case, kind=None):
    query = Entry.objects.filter(stream=f"access:{case.number}").order_by("seq")
    if kind:
        query = query.filter(kind=kind)
    return [json.loads(e.body) for e in query]


@pytest.fixture
def supervisor(world):
    bureau = Agency.objects.create(
        code="sfj",
        name="司法局",
        short_name="司",
        kind=AgencyKind.ADMINISTRATIVE_ORGAN,
        division=world.agency.division,
        is_justice_bureau=True,
    )
    return staff(bureau, Role.SUPERVISOR, certified=False)


def test_every_read_door_is_logged(world, client):
    case = world.case()
    item = upload(world, case)
    assert client.login(username=world.officer.username, password=PASSWORD)
    doors = [
        lambda: client.get(f"/cases/{case.number}/"),
        lambda: client.get(f"/records/evidence/{item.pk}/"),
        lambda: client.get(f"/records/evidence/{item.pk}/download/"),
        lambda: api(world.officer).get(f"/api/cases/{case.pk}/"),
        lambda: api(world.officer).get(f"/api/cases/{case.pk}/events/"),
        lambda: api(world.officer).get(f"/api/evidence/{item.pk}/"),
        lambda: api(world.officer).get(f"/api/evidence/{item.pk}/content/"),
        lambda: api(world.officer).get(f"/api/evidence/?case={case.number}"),
        lambda: api(world.officer).get(f"/api/records/entries/?case={case.number}"),
    ]
    for n, door in enumerate(doors, start=1):
        response = door()
        assert response.status_code == 200, (n, response.status_code)
        assert len(reads(case)) == n, f"door {n} did not log"
    logged = reads(case)
    assert {b["payload"]["door"] for b in logged} == {"web", "api"}
    assert all(
        b["actor"] == world.officer.username and b["payload"]["reason"] == "承办人办理本案" for b in logged
    )
    assert [b["kind"] for b in logged].count("access.evidence") == 4
    assert logged[2]["payload"]["what"] == "download"
    # a thumbnail is part of the page already logged; a ranged continuation of a read is not a new read
    client.get(f"/records/evidence/{item.pk}/thumb.jpg")
    api(world.officer).get(f"/api/evidence/{item.pk}/content/", HTTP_RANGE="bytes=5-9")
    assert len(reads(case)) == len(doors)


def test_other_apps_log_through_one_function(world):
    case = world.case()

    class Document:  # what the documents app hands in: any model instance with .case
        _meta = type("Meta", (), {"model_name": "document"})
        pk = 7

        def __init__(self, case):
            self.case = case

        def __str__(self):
            return "行政处罚决定书"

    entry = access.log_access(world.head, Document(case), "web", "审签", what="download")
    assert entry.kind == "access.document" and entry.stream == f"access:{case.number}"
    assert entry.payload["object"] == {"type": "document", "id": 7, "label": "行政处罚决定书"}


def test_supervisor_states_a_reason_once_per_case(world, supervisor, client):
    case = world.case()
    assert client.login(username=supervisor.username, password=PASSWORD)
    prompt = client.get(f"/cases/{case.number}/")
    assert prompt.status_code == 403 and "调阅理由" in prompt.content.decode()
    assert reads(case, "access.denied")[0]["payload"]["why"] == "records.access.reason_required"
    assert client.get(f"/cases/{case.number}/?reason=案卷评查").status_code == 200
    assert client.get(f"/cases/{case.number}/").status_code == 200  # remembered for a while
    views = reads(case, "access.case")
    assert [v["payload"]["reason"] for v in views] == ["案卷评查", "案卷评查"]
    assert views[0]["payload"]["user_agency"] == "sfj"
    assert api(supervisor).get(f"/api/cases/{case.pk}/").json()["code"] == "records.access.reason_required"


def test_sensitive_case_needs_an_approved_time_limited_request(world, client):
    case = world.case(sensitive=True)
    colleague = staff(world.agency, Role.OFFICER)
    assert access.may_read(world.officer, case)  # handler
    assert access.may_read(world.head, case)  # head of the agency
    assert client.login(username=colleague.username, password=PASSWORD)
    gate = client.get(f"/cases/{case.number}/")
    assert gate.status_code == 403 and "调阅申请" in gate.content.decode()
    assert api(colleague).get(f"/api/cases/{case.pk}/").json()["code"] == "records.access.approval_required"
    response = client.post(f"/records/cases/{case.number}/access-request/", {"reason": "关联案件比对核查"})
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    with pytest.raises(Forbidden):
        access.decide_request(request, actor=colleague, approve=True)
    with pytest.raises(DomainError, match="待审批"):
        access.request_access(colleague, case, reason="再申请一次")
    head = client.__class__()
    assert head.login(username=world.head.username, password=PASSWORD)
    assert "关联案件比对核查" in head.get("/records/access/requests/").content.decode()
    assert (
        head.post(f"/records/access/requests/{request.pk}/decide/", {"decision": "approve"}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == "approved" and request.valid_until > clock.now()
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    last = reads(case, "access.case")[-1]["payload"]
    assert last["grant"] == request.pk and last["reason"] == "关联案件比对核查"
    kinds = [b["kind"] for b in reads(case)]
    assert kinds[:3] == ["access.denied", "access.denied", "access.requested"] and "access.approved" in kinds
    with clock.frozen(clock.now() + dt.timedelta(hours=73)):
        assert not access.may_read(colleague, case)


def test_out_of_scope_attempts_are_recorded_and_answer_404(world, client):
    case = world.case()
    stranger = World().officer
    assert client.login(username=stranger.username, password=PASSWORD)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert api(stranger).get(f"/api/cases/{case.pk}/").status_code == 404
    denied = reads(case, "access.denied")
    assert [d["payload"]["door"] for d in denied] == ["web", "api"]
    assert all(d["payload"]["why"] == "outside_scope" and d["actor"] == stranger.username for d in denied)
    assert client.get("/cases/NO-SUCH-CASE/").status_code == 404  # nothing to attach: nothing logged


def test_access_log_filters_and_scope(world, supervisor, client, settings):
    case = world.case()
    item = upload(world, case)
    settings.SANXIANG_BULK_READS_PER_HOUR = 3
    for _ in range(5):
        access.open_evidence(world.officer, item, door="api", what="download")
    with clock.frozen(dt.datetime(2026, 3, 14, 23, 30)):  # a Saturday night
        access.open_case(world.officer, case, door="web")
    stranger = World().officer
    access.log_denied(stranger, case, "web", "outside_scope")

    log = api(supervisor).get("/api/records/access-log/").json()
    assert {r["case"] for r in log} == {case.number}
    denied = api(supervisor).get("/api/records/access-log/?unusual=denied").json()
    assert [r["user"] for r in denied] == [stranger.username]
    bulk = api(supervisor).get("/api/records/access-log/?unusual=bulk").json()
    assert len(bulk) == 5 and {r["what"] for r in bulk} == {"download"}
    window = "since=2026-03-01&until=2026-03-31"
    night = api(supervisor).get(f"/api/records/access-log/?unusual=off_hours&{window}").json()
    assert len(night) == 1 and night[0]["off_hours"]
    by_user = api(world.head).get(f"/api/records/access-log/?user={world.officer.username}&{window}").json()
    assert len(by_user) == 6 and all(r["user"] == world.officer.username for r in by_user)
    assert api(world.officer).get("/api/records/access-log/").status_code == 404
    other_head = World().head
    assert api(other_head).get("/api/records/access-log/").json() == []
    assert client.login(username=supervisor.username, password=PASSWORD)
    page = client.get("/records/access/?unusual=denied")
    assert page.status_code == 200 and stranger.username in page.content.decode()
    page = client.get(f"/records/access/?{window}")
    assert page.status_code == 200 and "非工作时间" in page.content.decode()
