"""The same rules through every door: service (test_workflow), API, and the web form."""

import pytest
from rest_framework.test import APIClient

from sanxiang.cases.models import Case
from tests.cases.walk import PATHS, walk
from tests.factories import PASSWORD, World, staff

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_api_transition_and_etag(world):
    case = world.case()
    client = api(world.head)
    response = client.get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200
    etag = response["ETag"]
    response = client.post(
        f"/api/cases/{case.pk}/transitions/", {"name": "file", "data": {}}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "filed"
    # the old ETag is now stale: 409 with a stable code, nothing changed
    again = client.post(
        f"/api/cases/{case.pk}/transitions/",
        {"name": "inspect", "data": {}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert again.status_code in (403, 409)


def test_api_refusals_have_code_and_message_and_change_nothing(world):
    case = world.case()
    response = api(world.head).post(f"/api/cases/{case.pk}/transitions/", {"name": "decide"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "case.transition.not_allowed"
    assert response.json()["message"]
    response = api(world.officer).post(f"/api/cases/{case.pk}/transitions/", {"name": "file"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "case.transition.role"
    response = api(world.head).post(
        f"/api/cases/{case.pk}/transitions/", {"name": "file", "data": {"acted_on": "x"}}, format="json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "case.input.invalid",
        "message": response.json()["message"],
        "field": "acted_on",
    }
    case.refresh_from_db()
    assert case.stage == "clue" and case.version == 1


def test_api_lists_transition_options(world):
    case = world.case()
    options = {o["name"]: o for o in api(world.officer).get(f"/api/cases/{case.pk}/transitions/").json()}
    assert options["file"]["allowed"] is False
    assert options["file"]["reason"]
    assert api(world.head).get(f"/api/cases/{case.pk}/transitions/").json()[0]["allowed"] is True


def test_api_create_case_with_new_party_validates_credit_code(world):
    body = {
        "procedure": "penalty.general",
        "title": "无照经营",
        "item": world.item.code,
        "handlers": world.officers(),
        "party_data": {
            "kind": "organisation",
            "name": "某公司",
            "credit_code": "91350100M000100Y44",
            "legal_representative": "王五",
        },
    }
    response = api(world.officer).post("/api/cases/", body, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "party.credit_code.checksum"
    assert not Case.objects.exists()
    body["party_data"]["credit_code"] = "91350100M000100Y43"
    response = api(world.officer).post("/api/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"].endswith("-00001")


def test_web_transition_form_keeps_input_and_shows_error(client, world):
    case = walk(world, world.case(), PATHS["penalty.general"][:4])
    web(client, world.officer)
    url = f"/cases/{case.number}/do/notify/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"served_on": "2099-01-01", "version": case.version, "reason": "保留这段备注"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "不能晚于今天" in body and "保留这段备注" in body
    response = client.post(url, {"served_on": "2026-03-10", "rights_waived": "on", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "notified"


def test_web_refusal_shows_reason_and_changes_nothing(client, world):
    case = world.case()
    web(client, world.officer)
    response = client.post(f"/cases/{case.number}/do/file/", {"version": case.version})
    assert response.status_code == 422
    assert "只能由负责人办理" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "clue"


def test_web_stale_form_submitted_twice(client, world):
    case = world.case()
    web(client, world.head)
    first = client.post(f"/cases/{case.number}/do/file/", {"version": case.version})
    assert first.status_code == 302
    second = client.post(f"/cases/{case.number}/do/file/", {"version": case.version})
    assert second.status_code == 422
    assert "已被他人更新" in second.content.decode()
    assert Case.objects.get(pk=case.pk).events.filter(transition="file").count() == 1


def test_case_page_shows_buttons_from_the_definition(client, world):
    case = world.case()
    web(client, world.head)
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/do/file/" in body
    assert "批准立案" in body


@pytest.mark.parametrize("code", sorted(PATHS))
def test_case_page_renders_at_every_stage_of_the_happy_path(client, world, code):
    case = world.case(code)
    web(client, world.officer)
    for step in range(len(PATHS[code]) + 1):
        response = client.get(f"/cases/{case.number}/")
        assert response.status_code == 200, (code, case.stage)
        if step < len(PATHS[code]):
            case = walk(world, case, PATHS[code][step : step + 1])


def test_open_case_through_the_web(client, world):
    web(client, world.officer)
    response = client.post(
        "/cases/new/",
        {
            "procedure": "penalty.general",
            "title": "网页登记",
            "source": "complaint",
            "item": world.item.pk,
            "handlers": [world.officer.pk, world.partner.pk],
            "party_kind": "person",
            "party_name": "赵六",
            "party_id_type": "resident_id",
            "party_id_number": "110101199003071235",
        },
    )
    assert response.status_code == 200  # bad checksum: form shown again with the error
    assert "校验位" in response.content.decode()
    assert not Case.objects.exists()


def test_other_agency_cannot_reach_the_case(client, world):
    other = World()
    case = world.case()
    assert api(other.head).get(f"/api/cases/{case.pk}/").status_code == 404
    response = api(other.head).post(f"/api/cases/{case.pk}/transitions/", {"name": "file"}, format="json")
    assert response.status_code == 404
    listing = api(other.head).get("/api/cases/").json()
    assert listing["count"] == 0 and listing["results"] == []
    web(client, other.head)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.post(f"/cases/{case.number}/do/file/", {}).status_code == 404
    assert case.number not in client.get("/cases/").content.decode()


def test_supervisor_in_scope_reads_but_cannot_transition(world):
    from sanxiang.core.roles import Role
    from sanxiang.org.models import Agency, AgencyKind

    bureau = Agency.objects.create(
        code="sfj",
        name="司法局",
        short_name="司",
        kind=AgencyKind.ADMINISTRATIVE_ORGAN,
        division=world.agency.division,
        is_justice_bureau=True,
    )
    supervisor = staff(bureau, Role.SUPERVISOR, certified=False)
    case = world.case()
    # I7: a supervisor states why they read a case (records.access)
    assert api(supervisor).get(f"/api/cases/{case.pk}/").status_code == 403
    assert api(supervisor).get(f"/api/cases/{case.pk}/?reason=案卷评查").status_code == 200
    response = api(supervisor).post(f"/api/cases/{case.pk}/transitions/", {"name": "file"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "case.read_only"


def test_anonymous_gets_nothing(client, world):
    case = world.case()
    assert APIClient().get("/api/cases/").status_code in (401, 403)
    assert client.get(f"/cases/{case.number}/").status_code == 302
