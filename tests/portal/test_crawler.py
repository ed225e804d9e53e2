"""Crawler-style checks: walk every public URL of a demo-like data set (and of the real demo when
its loader is installed) and assert that no ID number or phone number pattern appears anywhere
and nothing answers with a server error."""

import datetime as dt
import importlib.util
import io

import pytest
from django.core.cache import cache

from sanxiang.cases import services as case_services
from sanxiang.core.roles import Role
from sanxiang.portal import api
from sanxiang.publicity import services
from tests.factories import World, certify, company, staff
from tests.portal.crawler import crawl
from tests.publicity.helpers import decide_simple, decided_case, editor, on, publish_case, resident
from tests.publicity.test_before import publish_item_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_no_cache(monkeypatch, settings):
    monkeypatch.setattr(api.OpenDataThrottle, "rate", "100000/min")
    settings.SANXIANG_RATE_LIMITS = dict.fromkeys(settings.SANXIANG_RATE_LIMITS, "100000/min")
    cache.clear()
    yield
    cache.clear()


def demo_like():
    """Two agencies; decisions on persons whose ID, phone, address and plate appear in the facts,
    on companies, on a minor; one withdrawn after revocation, one expired, one updated; item lists
    with a service window; valid and expired certificates; last year's report."""
    worlds = [World(), World()]
    for n, world in enumerate(worlds):
        for i, name in enumerate(["王建国", "欧阳娜娜", "李小明"]):
            party = resident(
                world, name=name, phone=f"1391234{n}{i}78", address=f"云溪市解放路{10 + i}号{i + 1}栋"
            )
            facts = (
                f"当事人{name}（身份证号{party.id_number}，电话{party.phone}，住{party.address}）"
                f"驾驶湘A{n}{i}345号车辆在路边摆摊销售过期食品，收款账户6222020200011234{n}{i}。"
            )
            publish_case(world, decided_case(world, party=party, facts=facts, title=f"销售过期食品第{i}起"))
        publish_case(world, decided_case(world, party=company(world.agency, name=f"云溪第{n}食品有限公司")))
        decide_simple(world, party=resident(world, name="张小华", birth=dt.date(2011, 3, 1)))  # a minor
        revoked = decided_case(world, party=resident(world, name="赵敏", phone="13700001111"))
        publish_case(world, revoked)
        case_services.transition(
            revoked,
            "record_remedy",
            actor=world.officer,
            data={"remedy_kind": "litigation", "remedy_result": "revoked", "remedy_decided_on": "2026-03-10"},
        )
        with on(dt.date(2025, 6, 2)):
            publish_case(world, decide_simple(world, penalty_types=["warning"], fine_amount=""))
        pub = publish_case(world, decided_case(world, party=resident(world, name="孙丽")))
        pub = services.revise(pub, actor=editor(world), reason="更正")
        pub = services.check(pub, actor=editor(world), confidentiality_reviewed=True)
        services.publish(pub, actor=editor(world), note="更正错别字")
        services.expire_due()
        certify(staff(world.agency, Role.OFFICER, certified=False), valid_to=dt.date(2025, 12, 31))
        services.save_window(
            world.agency,
            actor=editor(world),
            data={"name": "一号窗口", "progress_query": "窗口查询", "staff": [world.officer]},
        )
        publish_item_list(world)
        services.publish_annual_report(2025, actor=editor(world), agency=world.agency)
    return worlds


def test_every_public_url_is_clean(client):
    demo_like()
    seen = crawl(client)
    assert len(seen) > 40
    assert all(status < 500 for status in seen.values())
    kinds = {url.split("/")[2] for url in seen if url.startswith("/portal/")}
    assert {"decisions", "agencies", "officers", "procedures", "reports"} <= kinds


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("sanxiang.demo.loader") is None, reason="the demo loader is not installed"
)
def test_every_public_url_of_the_demo_is_clean(client):
    from sanxiang.demo import loader

    loader.load(stdout=io.StringIO(), size=0.1)
    seen = crawl(client)
    assert len(seen) > 40


def snapshot_leaks() -> list[str]:
    """The public tables themselves, below the response safety net."""
    import json

    from sanxiang.publicity import masking
    from sanxiang.publicity.models import PublicDecision, PublicDecisionVersion, PublicOfficer, PublicReport

    found = []
    for model in (PublicDecision, PublicDecisionVersion, PublicOfficer, PublicReport):
        for row in model.objects.values():
            found += masking.leaks(json.dumps(row, ensure_ascii=False, default=str))
    return found


def test_snapshots_hold_no_personal_data_patterns(client):
    demo_like()
    assert snapshot_leaks() == []


def test_the_crawler_catches_a_leak(client, monkeypatch):
    """Bypass the publish service and the safety net: the crawler must notice."""
    from sanxiang.portal import public
    from sanxiang.publicity.models import PublicDecision

    demo_like()
    decision = PublicDecision.objects.filter(status="published").first()
    PublicDecision.objects.filter(pk=decision.pk).update(facts="联系电话13912345678")
    monkeypatch.setattr(public.masking, "scrub", lambda text: text)
    with pytest.raises(AssertionError):
        crawl(client)
    assert snapshot_leaks()
