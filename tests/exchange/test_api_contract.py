"""The REST API as a contract: scoped system tokens, ETags (If-None-Match / If-Match), stable
error codes, the committed OpenAPI document (fails when stale), and schemathesis over it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.exchange import services
from sanxiang.exchange.models import SystemToken
from tests.exchange.helpers import admin
from tests.factories import World, staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# schemathesis examples per operation and identity: few and fixed in the suite; set
# SANXIANG_SCHEMATHESIS_EXAMPLES=50 for a deeper, randomised exploration
EXAMPLES = int(os.environ.get("SANXIANG_SCHEMATHESIS_EXAMPLES", "4"))


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_read_token_reads_its_agency_only_and_cannot_write(world):
    boss = admin(world)
    service = staff(world.agency, Role.HEAD, certified=False, username="svc-province")
    token, key = services.issue_token(name="省平台读取", user=service, scopes=["cases:read"], actor=boss)
    mine, theirs = world.case(), World().case()
    client = bearer(key)
    listed = client.get("/api/cases/").json()
    assert [c["number"] for c in listed["results"]] == [mine.number]
    assert client.get(f"/api/cases/{theirs.pk}/").status_code == 404
    refused = client.post(f"/api/cases/{mine.pk}/transitions/", {"name": "file"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get("/api/agencies/").status_code == 403  # org:read not granted
    assert client.get("/api/exchange/messages/").status_code == 403
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert len(key) > 40 and token.key_hash != key  # only the hash is stored


def test_a_write_token_acts_through_the_services_as_its_account(world):
    boss = admin(world)
    service = staff(world.agency, Role.HEAD, certified=False)
    _, key = services.issue_token(name="办案系统", user=service, scopes=["cases:*"], actor=boss)
    case = world.case()
    response = bearer(key).post(f"/api/cases/{case.pk}/transitions/", {"name": "file"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "filed"
    case.refresh_from_db()
    assert case.events.last().actor == service  # the service account is the actor on the record


def test_bad_revoked_and_expired_tokens_are_refused(world):
    boss = admin(world)
    service = staff(world.agency, Role.OFFICER, certified=False)
    token, key = services.issue_token(name="t", user=service, scopes=["cases:read"], actor=boss)
    assert bearer(key[:-2] + "xx").get("/api/cases/").json()["code"] == "auth.failed"
    services.revoke_token(token, actor=boss)
    assert bearer(key).get("/api/cases/").json()["code"] == "auth.failed"
    _expired, key2 = services.issue_token(
        name="e",
        user=service,
        scopes=["cases:read"],
        actor=boss,
        expires_at=clock.now() - dt.timedelta(days=1),
    )
    refused = bearer(key2).get("/api/cases/")
    assert refused.status_code in (401, 403) and refused.json()["code"] == "auth.failed"


def test_tokens_are_issued_by_admins_with_known_scopes(world):
    with pytest.raises(Forbidden):
        services.issue_token(name="x", user=world.officer, scopes=["cases:read"], actor=world.head)
    with pytest.raises(InvalidInput):
        services.issue_token(name="x", user=world.officer, scopes=["root"], actor=admin(world))


def test_token_command_prints_the_key_once(world, capsys):
    boss = admin(world)
    call_command(
        "exchange_token",
        "cli",
        "--user",
        world.head.username,
        "--scope",
        "cases:read",
        "--actor",
        boss.username,
    )
    key = capsys.readouterr().out.strip()
    assert key.startswith("sx_") and SystemToken.objects.get(name="cli").key_hash != key
    assert bearer(key).get("/api/cases/").status_code == 200


def test_etags_answer_304_until_the_case_changes(world):
    case = world.case()
    client = APIClient()
    client.force_authenticate(world.head)
    first = client.get(f"/api/cases/{case.pk}/")
    etag = first["ETag"]
    assert etag == f'"{case.pk}-1"'
    assert client.get(f"/api/cases/{case.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    listed = client.get("/api/cases/")
    assert listed.has_header("ETag")
    assert client.get("/api/cases/", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
    moved = client.post(
        f"/api/cases/{case.pk}/transitions/", {"name": "file"}, format="json", HTTP_IF_MATCH=etag
    )
    assert moved.status_code == 200 and moved["ETag"] == f'"{case.pk}-2"'
    assert client.get(f"/api/cases/{case.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    stale = client.post(
        f"/api/cases/{case.pk}/transitions/", {"name": "inspect"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 409 and stale.json()["code"] == "case.stale"
    assert client.get("/api/cases/", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 200


def test_pagination_filtering_and_ordering_on_the_case_list(world):
    for title in ("甲案", "乙案", "丙案"):
        world.case(title=title)
    client = APIClient()
    client.force_authenticate(world.head)
    page = client.get("/api/cases/?page_size=2&ordering=number").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert [c["title"] for c in client.get("/api/cases/?q=乙").json()["results"]] == ["乙案"]
    bad = client.get("/api/cases/?procedure=nope")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"


def test_the_committed_openapi_document_is_current(tmp_path):
    """Regenerate with `make schema` when this fails."""
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(out), "--validate")
    committed = ROOT / "docs" / "openapi.yaml"
    assert committed.exists(), "docs/openapi.yaml is missing: run `make schema`"
    assert _portable(yaml.safe_load(out.read_text())) == _portable(yaml.safe_load(committed.read_text())), (
        "docs/openapi.yaml is stale: run `make schema` and commit it"
    )
    assert yaml.safe_load(committed.read_text())["openapi"].startswith("3.")


def _portable(node):
    """The schema without integer bounds, which Django takes from the database engine (SQLite's
    integers are 64-bit, PostgreSQL's `integer` 32-bit): the committed file is made on SQLite."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node = {k: v for k, v in node.items() if k not in ("maximum", "minimum", "format")}
        return {k: _portable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_portable(v) for v in node]
    return node


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_as_staff_or_anonymous(world):
    import schemathesis
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import HealthCheck, given, settings
    from rest_framework.authtoken.models import Token

    world.case()
    supervisor = staff(world.agency, Role.SUPERVISOR, Role.HEAD, Role.ADMIN, certified=False)
    token = Token.objects.create(user=supervisor)
    # like Django's test client: keep the test's connection (and its transaction) open between requests
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    statuses: dict[bool, list[int]] = {True: [], False: []}
    public: list[int] = []  # anonymous calls of operations the schema declares public (open data)
    failures = []

    def explore(operation, auth):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=not os.environ.get("SANXIANG_SCHEMATHESIS_EXAMPLES"),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=auth)
            anonymous_allowed = {} in (operation.definition.raw.get("security") or [None])
            (public if anonymous_allowed and not auth else statuses[bool(auth)]).append(response.status_code)
            if response.status_code >= 500:
                failures.append((operation.label, bool(auth), response.status_code, response.text[:300]))

        cache.clear()  # the open-data throttle (120/min per address) would answer 429 to a deep run
        check()

    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for auth in ({"Authorization": f"Token {token.key}"}, {}):
            for operation in operations:
                explore(operation, auth)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses[True].count(200) >= 20  # the staff run really reached the endpoints
    assert set(statuses[False]) <= {401, 403, 404, 405, 422}  # anonymous: refused, never 5xx
    assert 200 in public and set(public) <= {200, 404, 422, 429}  # the open-data API answers anyone
    assert not failures, failures[:5]
