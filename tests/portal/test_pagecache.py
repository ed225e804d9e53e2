"""Whole-page caching of the portal: shared pages come from the cache, and a change to any public
snapshot (a new, withdrawn or corrected decision; a certificate) is visible at once."""

import pytest

from sanxiang.portal import pagecache
from sanxiang.publicity import services
from sanxiang.publicity.models import PublicDecision
from tests.factories import PASSWORD
from tests.publicity.helpers import decided_case, editor, publication_of, publish_case

pytestmark = pytest.mark.django_db


def test_a_page_is_served_from_the_cache_until_a_snapshot_changes(client, world, django_assert_num_queries):
    first = client.get("/portal/decisions/")
    assert first.status_code == 200 and not first.cookies
    with django_assert_num_queries(0):  # no session, no query: the stored page
        again = client.get("/portal/decisions/")
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]

    publish_case(world, decided_case(world))
    fresh = client.get("/portal/decisions/").content.decode()
    decision = PublicDecision.objects.get()
    assert decision.decision_number in fresh


def test_a_withdrawn_decision_leaves_the_cached_pages_at_once(client, world):
    case = decided_case(world)
    publish_case(world, case)
    decision = PublicDecision.objects.get()
    detail = f"/portal/decisions/{decision.pk}/"
    assert decision.decision_number in client.get("/portal/decisions/").content.decode()
    client.get(detail)

    services.withdraw(publication_of(case), actor=editor(world), reason="行政复议决定撤销原处罚决定")
    assert decision.decision_number not in client.get("/portal/decisions/").content.decode()
    assert "撤销" in client.get(detail).content.decode()


def test_language_and_query_are_part_of_the_key(client, world):
    chinese = client.get("/portal/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/portal/").content.decode()
    assert chinese != english and "Search enforcement decisions" in english
    assert client.get("/portal/decisions/?q=abc").content != client.get("/portal/decisions/?q=xyz").content


def test_staff_with_a_session_always_get_a_fresh_page(client, world):
    client.get("/portal/")
    before = pagecache.generation()
    client.login(username=world.officer.username, password=PASSWORD)
    response = client.get("/portal/")
    assert response.status_code == 200 and pagecache.generation() == before


def test_the_cache_can_be_turned_off(client, world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SANXIANG_PORTAL_CACHE_SECONDS = 0
    client.get("/portal/decisions/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/portal/decisions/")
    assert len(queries) > 0


def test_a_lost_generation_counter_never_revives_old_pages(client, world):
    from django.core.cache import cache

    client.get("/portal/decisions/")
    old = pagecache.generation()
    cache.delete(pagecache.GENERATION_KEY)  # evicted, as a memory cache may do
    assert pagecache.generation() != old
    publish_case(world, decided_case(world))
    assert PublicDecision.objects.get().decision_number in client.get("/portal/decisions/").content.decode()
