"""The portal: search by Chinese substring with filters and pagination (both engines' index
paths and the short-query fallback), detail pages, open data (JSON, CSV, Atom), officer
verification with QR codes, and bad input answered cleanly."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection

from sanxiang.core.roles import Role
from sanxiang.org import services as org_services
from sanxiang.publicity import search, services
from sanxiang.publicity.models import PublicDecision
from tests.factories import World, certify, company, staff
from tests.publicity.helpers import decided_case, editor, on, publish_case, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(world):
    """Three published decisions of one agency and one of another; one draft left unpublished."""
    a = publish_case(world, decided_case(world, title="销售过期食品", facts="货架上摆放过期酸奶12盒。"))
    with on(dt.date(2026, 2, 2)):
        b = publish_case(
            world,
            decided_case(world, party=company(world.agency, name="云溪鲜果贸易有限公司"), title="虚假宣传"),
        )
    c = publish_case(world, decided_case(world, party=resident(world, name="赵敏"), title="无证经营小吃店"))
    other = World()
    d = publish_case(other, decided_case(other, title="销售过期食品"))
    draft = decided_case(world, party=resident(world, name="孙悟空"), title="未公开的秘密案件")
    return {"world": world, "other": other, "pubs": [a, b, c, d], "draft": draft}


def texts(response) -> str:
    return response.content.decode()


def test_search_index_exists_for_this_engine(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'publicity_decision_fts'")
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'publicity_decision_trgm'")
        row = cursor.fetchone()
    assert row is not None
    if connection.vendor == "postgresql":
        assert "gin_trgm_ops" in row[0]


def test_substring_search_and_filters(published, client):
    world, other = published["world"], published["other"]
    page = texts(client.get("/portal/decisions/", {"q": "过期食品"}))
    assert "共 2 条" in page
    page = texts(client.get("/portal/decisions/", {"q": "过期食品", "agency": world.agency.code}))
    assert "共 1 条" in page and other.agency.name not in page.split("共 1 条")[1]
    assert "共 1 条" in texts(client.get("/portal/decisions/", {"q": "鲜果贸易"}))  # organisation name
    assert "共 1 条" in texts(client.get("/portal/decisions/", {"q": "过期酸奶"}))  # inside the facts
    assert "共 0 条" in texts(client.get("/portal/decisions/", {"q": "秘密案件"}))  # never published
    assert "共 0 条" in texts(client.get("/portal/decisions/", {"q": "赵敏"}))  # the name is masked
    assert "共 1 条" in texts(client.get("/portal/decisions/", {"q": "赵某某"}))
    dated = texts(client.get("/portal/decisions/", {"from": "2026-02-01", "to": "2026-02-28"}))
    assert "共 1 条" in dated and "虚假宣传" in dated
    assert "共 0 条" in texts(client.get("/portal/decisions/", {"category": "permit"}))


def test_short_queries_fall_back_to_a_scan(published, client):
    page = texts(client.get("/portal/decisions/", {"q": "过期"}))
    assert "共 2 条" in page and "少于3个字" in page
    assert search.matching("宣传").count() == 1


def test_search_matches_on_both_index_paths(published):
    """The trigram path (3+ characters) and the fallback agree on the same data."""
    indexed = set(search.matching("过期食品").values_list("id", flat=True))
    scanned = {d.id for d in PublicDecision.objects.all() if "过期食品" in d.search_text}
    assert indexed == scanned and len(indexed) == 2


def test_pagination_is_clamped(world, client):
    for i in range(23):
        publish_case(world, decided_case(world, title=f"占道经营第{i}起"))
    first = texts(client.get("/portal/decisions/", {"q": "占道经营"}))
    assert "共 23 条" in first and "1 / 2" in first
    second = texts(client.get("/portal/decisions/", {"q": "占道经营", "page": "2"}))
    assert "2 / 2" in second
    for junk in ("999999999999999999999999", "-1", "abc", "²", "0"):
        response = client.get("/portal/decisions/", {"q": "占道经营", "page": junk})
        assert response.status_code == 200


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        '"; DROP TABLE publicity_publicdecision; --',
        "<script>alert(1)</script>",
        "\x00\x01\x1f过期",
        "过期%_\\",
        '"""',
        "NEAR(过期 食品)",
        "过期 AND 食品 OR *",
        "ｘ" * 500,
    ],
)
def test_bad_search_input_answers_cleanly(published, client, q):
    response = client.get("/portal/decisions/", {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in texts(response)
    api = client.get("/api/open/decisions", {"q": q})
    assert api.status_code == 200
    assert PublicDecision.objects.count() == 4


@pytest.mark.parametrize(
    "value", ["2026-13-45", "yesterday", "2026-02-30", "99999-01-01", "2026-01-01T00:00:00Z"]
)
def test_malformed_dates_are_ignored_with_a_message(published, client, value):
    response = client.get("/portal/decisions/", {"from": value})
    assert response.status_code == 200 and "日期格式应为" in texts(response)
    api = client.get("/api/open/decisions", {"from": value}).json()
    assert api["ignored"]["from"]


def test_detail_pages_and_unknown_ids(published, client):
    decision = PublicDecision.objects.filter(title="无证经营小吃店").get()
    page = texts(client.get(f"/portal/decisions/{decision.pk}/"))
    assert "赵某某" in page and "赵敏" not in page and "透明日志" in page
    for bad in ("0", "99999", "1e9", "abc", "9" * 40):
        assert client.get(f"/portal/decisions/{bad}/").status_code == 404
        assert client.get(f"/api/open/decisions/{bad}").status_code == 404


def test_withdrawn_decisions_show_only_the_notice(published, client):
    world = published["world"]
    pub = published["pubs"][2]
    services.withdraw(pub, actor=editor(world), reason="复议撤销")
    decision = PublicDecision.objects.get(publication_ref=pub.pk)
    page = texts(client.get(f"/portal/decisions/{decision.pk}/"))
    assert "已撤下" in page and "复议撤销" in page and "无证经营小吃店" not in page
    assert "无证经营" not in texts(client.get("/portal/decisions/", {"q": "无证经营"})).split("共")[1][:200]
    body = client.get(f"/api/open/decisions/{decision.pk}").json()
    assert body["status"] == "withdrawn" and "facts" not in body


def test_open_data_json_csv_and_atom(published, client):
    body = client.get("/api/open/decisions", {"q": "过期食品"}).json()
    assert body["count"] == 2 and body["page"] == 1
    first = body["results"][0]
    assert {"party_name", "decision_number", "body_hash", "entry_seq"} <= set(first)
    assert "persons" not in first and "content" not in first
    one = client.get(f"/api/open/decisions/{first['id']}").json()
    assert one["versions"][0]["event"] == "published"
    response = client.get("/api/open/decisions.csv", {"category": "penalty"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and len(rows) == 5
    feed = client.get("/portal/decisions/feed.atom")
    assert feed.status_code == 200 and b"<feed" in feed.content and "王某某".encode() in feed.content
    assert client.get("/portal/open-data/").status_code == 200


def test_open_data_is_anonymous_cached_and_rate_limited(published, client, settings):
    response = client.get("/api/open/decisions")
    assert response.status_code == 200 and "max-age" in response["Cache-Control"]
    settings.SANXIANG_RATE_LIMITS = {**settings.SANXIANG_RATE_LIMITS, "open_data": "3/min"}
    responses = [client.get("/api/open/decisions", {"page": str(i)}) for i in range(6)]
    assert [r.status_code for r in responses].count(429) >= 2
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["code"] == "rate_limited" and int(refused["Retry-After"]) >= 1
    assert client.get("/api/open/decisions", {"page": "99"}).status_code in (200, 429)


def test_officer_verification_valid_expired_suspended_and_unknown(world, client):
    valid = world.officer.certificates.first()
    expired_holder = staff(world.agency, Role.OFFICER, certified=False)
    expired = certify(expired_holder, valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2025, 12, 31))
    page = texts(client.get(f"/portal/officers/verify/{valid.number}/"))
    assert "有效" in page and world.officer.full_name in page and world.agency.name in page
    page = texts(client.get(f"/portal/officers/verify/{expired.number}/"))
    assert "已过期" in page and "不能用于执法" in page
    org_services.change_certificate_status(valid, status="suspended", reason="调查中", actor=None)
    assert "暂扣" in texts(client.get(f"/portal/officers/verify/{valid.number}/"))
    unknown = client.get("/portal/officers/verify/NOPE-0000/")
    assert unknown.status_code == 404 and "未查到" in texts(unknown)
    assert client.get("/portal/officers/verify/", {"number": valid.number}).status_code == 200
    assert client.get("/portal/officers/verify/", {"number": "<b>x</b>\x00"}).status_code == 404
    page = texts(client.get(f"/portal/officers/verify/{valid.number}/"))
    assert world.officer.phone not in page or not world.officer.phone


def test_qr_code_and_printable_card(world, client):
    cert = world.officer.certificates.first()
    qr = client.get(f"/portal/officers/verify/{cert.number}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    import segno

    assert segno.make(f"http://testserver/portal/officers/verify/{cert.number}/").designator  # same payload
    card = texts(client.get(f"/portal/officers/verify/{cert.number}/card/"))
    assert "qr.svg" in card and f"/portal/officers/verify/{cert.number}/" in card
    assert client.get("/portal/officers/verify/NOPE/qr.svg").status_code == 404


def test_home_and_directory(published, client):
    from tests.publicity.test_before import publish_item_list

    publish_item_list(published["world"])
    page = texts(client.get("/portal/"))
    assert "最新公示的执法决定" in page and published["world"].agency.name in page
    assert "/portal/transparency/" in page
    assert client.get("/portal/agencies/").status_code == 200
    assert client.get("/portal/agencies/nope/").status_code == 404
    assert client.get("/portal/agencies/<x>/").status_code == 404
