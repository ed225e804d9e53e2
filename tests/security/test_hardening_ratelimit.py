"""Per-IP rate limits on the public portal and the open-data API (core/ratelimit.py): 429 with
Retry-After, a Chinese page or the JSON code `rate_limited`; limits are settings."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_(**values):
        settings.SANXIANG_RATE_LIMITS = {**settings.SANXIANG_RATE_LIMITS, **values}

    return set_


def test_portal_search_is_limited_per_address(limits, client):
    limits(portal_search="2/min")
    assert client.get("/portal/decisions/", {"q": "食品"}).status_code == 200
    assert client.get("/portal/decisions/", {"q": "过期"}).status_code == 200
    refused = client.get("/portal/decisions/", {"q": "药品"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    text = refused.content.decode()
    assert "请求过于频繁" in text and "秒后再试" in text
    assert "Content-Security-Policy" in refused
    assert client.get("/portal/decisions/").status_code == 200  # browsing without a query is not a search
    assert client.get("/portal/decisions/", {"q": "x"}, REMOTE_ADDR="192.0.2.44").status_code == 200
    forged = client.get("/portal/decisions/", {"q": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429  # a forged X-Forwarded-For is not a new client


def test_every_portal_page_counts(limits, client):
    limits(portal="3/min")
    statuses = [
        client.get(p).status_code
        for p in ("/portal/", "/portal/agencies/", "/portal/procedures/", "/portal/")
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_clue_form_is_limited(limits, client):
    limits(portal_clue="1/hour")
    assert client.get("/portal/clues/").status_code == 200  # the empty form is not counted
    first = client.post("/portal/clues/", {"content": "x"})
    assert first.status_code != 429
    second = client.post("/portal/clues/", {"content": "y"})
    assert second.status_code == 429 and int(second["Retry-After"]) > 60


def test_open_data_api_answers_rate_limited(limits, client):
    limits(open_data="1/min")
    assert client.get("/api/open/decisions", {"page": "1"}).status_code == 200
    refused = client.get("/api/open/decisions", {"page": "2"})
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1


def test_staff_pages_are_not_portal_limited(limits, client):
    limits(portal="1/min")
    client.get("/portal/")
    assert client.get("/login/").status_code == 200
