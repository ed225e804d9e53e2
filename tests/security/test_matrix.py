"""The access-control matrix (issue 10, item 1): every route of the URL conf × every actor answers
as the policy table in docs/security.md says.

- The routes come from the URL conf (staff pages, the API router, downloads, the portal, the admin).
- The table is parsed from docs/security.md: a route no row covers fails the test, so a new route
  cannot ship unreviewed, and the documented policy cannot drift from the code.
- URL kwargs are real objects of agency A (tests/security/matrix_world.py), so a 404 means "not
  yours", not "does not exist".
- A 403/404 body never holds data of the object (case number, party name, …).
- Every POST-only route refuses anonymous (login redirect, 401 or 403) and another agency's user
  (403 or 404) — never a 200 or a success redirect.

`MATRIX_DISCOVER=1` prints the observed matrix in the table's format (for reviewing a new route).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sanxiang.core import clock
from tests.conftest import FIXED_NOW
from tests.security import routes as R
from tests.security.matrix_world import ACTORS, MatrixWorld, extra_objects

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def mw(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.test.utils import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        clock.frozen(FIXED_NOW),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = MatrixWorld()
            extra_objects(world)
            world.media_root = media
            assert media == settings.MEDIA_ROOT
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def clients(mw, settings):
    settings.MEDIA_ROOT = mw.media_root
    # eleven actors from one address walk every portal page: the per-address limits are not the
    # subject here (tests/security/test_hardening_ratelimit.py is)
    settings.SANXIANG_RATE_LIMITS = dict.fromkeys(settings.SANXIANG_RATE_LIMITS, "100000/min")
    out = {}
    for actor in ACTORS:
        client = Client()
        if actor != "anonymous":
            client.force_login(mw.users[actor])
        out[actor] = client
    return out


def classify(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "login" if "login/" in response.headers.get("Location", "") else "allow"
    if status == 401:
        return "login"
    if 200 <= status < 300:
        return "allow"
    return str(status)


def body(response) -> str:
    if getattr(response, "streaming", False):
        # consumed through the test client's wrapper, which keeps the test's DB connection open
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def url_of(route, mw) -> str:
    kwargs = R.kwargs_for(route, mw)
    key = route.key
    if key.startswith(("admin:/", "/")) or ":/" in key:
        path = route.pattern.replace("^", "").replace("$", "").replace("(?P<url>.*)", kwargs.get("url", ""))
        for name, value in kwargs.items():
            path = path.replace(f"<path:{name}>", value)
        return "/" + path
    return reverse(key, kwargs=kwargs)


# Routes whose answer is the same document for everyone and costs seconds to build (the OpenAPI
# schema): asked as three actors only (docs/security.md: How the matrix runs).
SAMPLED = {"api-schema": ("anonymous", "officer", "other_agency")}


# Actors for whom A's objects are out of scope: a 403 they get must not show the object either.
# (A supervisor of A's division gets 403 on a case file until they state a reason — that page names
# the case they are allowed to ask for.)
OUTSIDERS = {"anonymous", "other_agency", "other_division", "justice_office"}


def observe(mw, clients):
    import time

    seen = {}
    for route in R.routes():
        url = url_of(route, mw)
        row = {}
        started = time.perf_counter()
        for actor in SAMPLED.get(route.key, ACTORS):
            response = clients[actor].get(url)
            row[actor] = (classify(response), response.status_code, body(response))
        seen[route.key] = (url, row)
        if os.environ.get("MATRIX_DISCOVER"):
            print(f"TIME {time.perf_counter() - started:.3f} {route.key}")
    return seen


def test_route_names_are_unique():
    """(F3) `reverse()` silently picks one of two routes with the same name."""
    counts = Counter(r.key for r in R.routes())
    assert [k for k, n in counts.items() if n > 1] == []


def test_the_policy_table_covers_every_route():
    actors, rows = R.policy()
    assert actors == ACTORS
    uncovered = [r.key for r in R.routes() if R.expectation(r.key, rows) is None]
    assert uncovered == [], "routes the policy table in docs/security.md does not cover"
    used = {
        pattern
        for pattern, _ in rows
        if any(R.expectation(r.key, [(pattern, {})]) is not None for r in R.routes())
    }
    assert [p for p, _ in rows if p not in used] == [], "rows matching no route (stale)"


def test_every_route_answers_every_actor_as_documented(mw, clients):
    _actors, rows = R.policy()
    seen = observe(mw, clients)
    if os.environ.get("MATRIX_DISCOVER"):
        for key, (url, row) in seen.items():
            print(f"| `{key}` | " + " | ".join(row[a][0] if a in row else "?" for a in ACTORS) + f" |  {url}")
    wrong, leaks = [], []
    for key, (url, row) in seen.items():
        expected = R.expectation(key, rows)
        if expected is None:
            continue  # reported by test_the_policy_table_covers_every_route
        for actor in SAMPLED.get(key, ACTORS):
            got, status, text = row[actor]
            if status >= 500 or got != expected[actor]:
                wrong.append(f"{key} {url} {actor}: expected {expected[actor]}, got {status}")
            if status == 404 or (status == 403 and actor in OUTSIDERS):
                leaks += [f"{key} {url} {actor}: {s!r} in the {status} body" for s in mw.secrets if s in text]
    assert wrong == [], "\n".join(wrong)
    assert leaks == [], "\n".join(leaks)


# POST-only routes anyone may use: logging out and choosing the interface language.
OPEN_POSTS = {"logout", "admin:logout", "core:language"}
# POST-only routes without a target object: they act on the actor's own agency (draft its item
# list, import a task template — refused by the service without the supervisor role), so another
# agency's user is not a stranger to them; only anonymous is checked.
OWN_AGENCY_POSTS = {"publicity:draft_item_list", "supervision:template_import"}


def test_post_only_routes_refuse_strangers(mw, clients):
    _actors, rows = R.policy()
    wrong = []
    post_only = [
        r
        for r in R.routes()
        if "405" in (R.expectation(r.key, rows) or {}).values() and r.key not in OPEN_POSTS
    ]
    assert len(post_only) > 40
    for route in post_only:
        url = url_of(route, mw)
        anonymous = clients["anonymous"].post(url, {})
        if classify(anonymous) != "login" and anonymous.status_code != 403:
            wrong.append(f"{route.key} anonymous: {anonymous.status_code}")
        if route.key in OWN_AGENCY_POSTS:
            continue
        other = clients["other_agency"].post(url, {})
        if other.status_code not in (403, 404):
            wrong.append(f"{route.key} other_agency: {other.status_code}")
    assert wrong == []


def test_schemathesis_sees_every_api_route():
    """tests/exchange/test_api_contract.py runs schemathesis over every operation of the OpenAPI
    document; this proves the document holds every API route of the URL conf (else that route
    would escape the fuzzing)."""
    import re

    import yaml

    document = yaml.safe_load((R.DOC.parent / "openapi.yaml").read_text(encoding="utf-8"))
    documented = {re.sub(r"\{\w+\}", "{}", p) for p in document["paths"]}

    def shape(pattern: str) -> str:
        pattern = pattern.replace("^", "").replace("$", "")
        pattern = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", pattern)
        return "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", pattern)

    not_api = {"/api/", "/api/schema/", "/api/docs/"}  # the root, the document itself, its viewer
    api = {shape(r.pattern) for r in R.routes() if r.pattern.startswith("api/")} - not_api
    assert sorted(api - documented) == []
