"""Re-authentication before sensitive acts (org/reauth.py): a decision, publishing, issuing a
document, exporting a dossier — on the web (password again, inputs kept) and on the API
(session callers get 403 `reauth_required`, token callers are exempt)."""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sanxiang.org.models import SecurityEvent, SecurityEventKind
from tests.factories import PASSWORD, World
from tests.security.helpers import REAUTH_SECONDS, age_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.SANXIANG_REAUTH_SECONDS = REAUTH_SECONDS
    return World()


@pytest.fixture
def case(world):
    return world.case()


def stale(client, user):
    client.force_login(user)
    age_session(client, auth=REAUTH_SECONDS + 60)
    return client


def to_reauth(response, next_path: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"/login/reauth/?next={next_path}")


def test_default_window_is_fifteen_minutes():
    assert REAUTH_SECONDS == 15 * 60


def test_a_decision_asks_for_the_password_again_and_keeps_the_input(world, case, client):
    stale(client, world.head)
    path = f"/cases/{case.number}/do/decide/"
    assert to_reauth(client.get(path), path)
    data = {"acted_on": "2026-03-10", "version": "1", "reason": "依法决定"}
    posted = client.post(path, data, HTTP_REFERER=f"http://testserver{path}")
    assert to_reauth(posted, "http%3A//testserver" + path)
    page = client.get(posted["Location"])
    assert page.status_code == 200 and "您已填写的内容会保留" in page.content.decode()

    wrong = client.post("/login/reauth/", {"password": "not-it", "next": path})
    assert wrong.status_code == 422 and "密码不正确" in wrong.content.decode()
    ok = client.post("/login/reauth/", {"password": PASSWORD, "next": path})
    html = ok.content.decode()
    assert ok.status_code == 200 and f'action="{path}"' in html
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert kept.pop("csrfmiddlewaretoken")  # a fresh one
    assert kept == data
    # the retry reaches the act (refused by the workflow here: the case is not ready to decide)
    retry = client.post(path, kept)
    assert not (retry.status_code == 302 and retry["Location"].startswith("/login/reauth/"))
    assert retry.status_code in (200, 302, 409, 422)
    kinds = list(SecurityEvent.objects.filter(user=world.head).values_list("kind", flat=True))
    assert SecurityEventKind.REAUTH in kinds and SecurityEventKind.REAUTH_FAILED in kinds


def test_a_recent_login_is_enough_and_other_transitions_never_ask(world, case, client):
    client.force_login(world.head)
    assert client.get(f"/cases/{case.number}/do/decide/").status_code == 200
    stale(client, world.officer)
    moves = [t.name for t in case.definition.transitions if t.act != "decision" and case.stage in t.sources]
    assert moves
    assert client.get(f"/cases/{case.number}/do/{moves[0]}/").status_code == 200


def test_publish_issue_and_dossier_ask_on_the_web(world, case, client):
    stale(client, world.officer)
    assert to_reauth(client.post("/publicity/1/publish/", {"note": "x"}), "/publicity/1/publish/")
    pending = client.session["sx_reauth_pending"]
    assert pending["path"] == "/publicity/1/publish/" and [list(p) for p in pending["data"]] == [
        ["note", "x"]
    ]
    preview = f"/documents/case/{case.number}/filing_approval/"
    assert client.get(preview).status_code == 200  # looking is not issuing
    assert to_reauth(client.post(preview, {"override_facts": "事实"}), preview)
    dossier = f"/records/cases/{case.number}/dossier.zip"
    assert to_reauth(client.get(dossier), dossier)
    back = client.post("/login/reauth/", {"password": PASSWORD, "next": dossier})
    assert back.status_code == 302 and back["Location"] == dossier  # a GET act simply continues
    response = client.get(dossier)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_session_api_calls_are_refused_and_token_calls_exempt(world, case):
    session = APIClient()
    stale(session, world.head)
    refused = session.post(
        f"/api/cases/{case.pk}/transitions/", {"name": "decide", "data": {}}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "reauth_required"
    other = session.post(f"/api/cases/{case.pk}/transitions/", {"name": "no-such", "data": {}}, format="json")
    assert other.status_code != 403
    assert (
        session.post("/api/publications/999999/publish/", {}, format="json").json()["code"]
        == "reauth_required"
    )
    assert session.get(f"/api/records/dossiers/{case.number}/").json()["code"] == "reauth_required"

    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.head).key}")
    response = token.post(f"/api/cases/{case.pk}/transitions/", {"name": "decide", "data": {}}, format="json")
    assert response.status_code != 403 or response.json()["code"] != "reauth_required"
    assert token.post("/api/publications/999999/publish/", {}, format="json").status_code == 404
