"""The same publication rules through the other doors: the desk (web UI), the staff API, the admin,
the workbench panel and the case page."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from sanxiang.core.roles import Role
from sanxiang.publicity.models import PublicDecision
from tests.factories import PASSWORD, World, staff
from tests.publicity.helpers import decided_case, editor, on, publication_of

pytestmark = pytest.mark.django_db


def web(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_desk_lists_drafts_by_due_date_with_overdue_in_red(world, client):
    late = publication_of(decided_case(world))
    with on(dt.date(2026, 3, 16)):
        fresh = publication_of(decided_case(world))
    with on(dt.date(2026, 3, 20)):
        page = web(client, editor(world)).get("/publicity/").content.decode()
    assert page.index(late.title) < page.index(fresh.title)
    assert 'class="is-overdue"' in page or "overdue" in page.split(late.title)[0][-400:]
    assert "逾期" in page


def test_desk_check_and_publish_through_the_web(world, client):
    pub = publication_of(decided_case(world))
    web(client, editor(world))
    detail = client.get(f"/publicity/{pub.pk}/").content.decode()
    assert "王某某" in detail  # the masked preview is shown beside the draft
    response = client.post(f"/publicity/{pub.pk}/check/", {"note": ""})
    assert response.status_code == 302
    pub.refresh_from_db()
    assert pub.status == "draft"  # no confidentiality review ticked: refused, nothing changed
    client.post(f"/publicity/{pub.pk}/check/", {"confidentiality_reviewed": "on"})
    client.post(f"/publicity/{pub.pk}/publish/")
    pub.refresh_from_db()
    assert pub.status == "published" and PublicDecision.objects.count() == 1


def test_desk_is_scoped(world, client):
    pub = publication_of(decided_case(world))
    stranger = staff(World().agency, Role.PUBLICITY_EDITOR, certified=False)
    web(client, stranger)
    assert client.get(f"/publicity/{pub.pk}/").status_code == 404
    assert client.post(f"/publicity/{pub.pk}/publish/").status_code == 404
    assert client.get("/publicity/999999999999999999999/").status_code == 404
    assert pub.title not in client.get("/publicity/").content.decode()


def test_api_steps_and_refusals(world):
    pub = publication_of(decided_case(world))
    client = api(editor(world))
    listing = client.get("/api/publications/").json()
    assert listing["count"] == 1 and listing["results"][0]["preview"]["party_name"] == "王某某"
    refused = client.post(f"/api/publications/{pub.pk}/check/", {}, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "publicity.check.confidentiality"
    ok = client.post(f"/api/publications/{pub.pk}/check/", {"confidentiality_reviewed": True}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "checked"
    published = client.post(f"/api/publications/{pub.pk}/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["published_version"] == 1
    assert (
        api(world.officer).post(f"/api/publications/{pub.pk}/withdraw/", {"reason": "x"}).status_code == 403
    )
    stranger = staff(World().agency, Role.PUBLICITY_EDITOR, certified=False)
    assert api(stranger).get(f"/api/publications/{pub.pk}/").status_code == 404
    assert APIClient().get("/api/publications/").status_code in (401, 403)


def test_admin_is_read_only(world, client):
    pub = publication_of(decided_case(world))
    admin_user = staff(world.agency, Role.ADMIN, certified=False, is_staff=True, is_superuser=True)
    web(client, admin_user)
    assert client.get(f"/admin/publicity/publication/{pub.pk}/change/").status_code == 200
    response = client.post(f"/admin/publicity/publication/{pub.pk}/change/", {"status": "published"})
    assert response.status_code == 403
    pub.refresh_from_db()
    assert pub.status == "draft"


def test_workbench_panel_and_case_section(world, client):
    case = decided_case(world)
    pub = publication_of(case)
    web(client, editor(world))
    assert pub.title in client.get("/").content.decode()
    web(client, world.head)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "2026-03-19" in page  # the publication due date on the case page
