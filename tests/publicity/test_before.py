"""Before enforcement (P2): the item list's legality check, the published profile, flowcharts drawn
from the workflow definitions, and amended articles flagged on the desk."""

import datetime as dt

import pytest

from sanxiang.cases.workflow import registry
from sanxiang.catalog import services as catalog_services
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.portal import flowchart
from sanxiang.publicity import services
from sanxiang.publicity.models import PublicAgency
from tests.factories import PASSWORD, item
from tests.publicity.helpers import editor

pytestmark = pytest.mark.django_db


def publish_item_list(world, note=""):
    pub = services.draft_item_list(world.agency, actor=editor(world))
    pub = services.check(pub, actor=editor(world), note=note)
    return services.publish(pub, actor=editor(world))


def test_item_list_is_checked_for_legality_then_published(world, client):
    pub = publish_item_list(world)
    assert pub.status == "published" and pub.kind == "item_list"
    profile = PublicAgency.objects.get(code=world.agency.code)
    codes = [i["code"] for i in profile.body["items"]]
    assert codes == [world.item.code]
    basis = profile.body["items"][0]["legal_basis"][0]
    assert "食品安全法" in profile.body["articles"][basis]["citation"]
    assert profile.body["remedies"][0]["limit"].endswith("60日内")  # REM-01
    page = client.get(f"/portal/agencies/{world.agency.code}/")
    assert page.status_code == 200 and world.item.name in page.content.decode()
    item_page = client.get(f"/portal/agencies/{world.agency.code}/items/{world.item.code}/")
    assert "第一百二十四条" in item_page.content.decode()  # the article text is linked and shown


def test_item_without_legal_basis_blocks_publication(world):
    catalog_services.create_item(
        agency=world.agency, category="penalty", actor=None, code="NOBASIS", name="无依据事项", field=None
    )
    pub = services.draft_item_list(world.agency, actor=editor(world))
    with pytest.raises(DomainError) as refusal:
        services.check(pub, actor=editor(world))
    assert refusal.value.code == "publicity.check.legality"
    assert any("NOBASIS" in p for p in refusal.value.details["problems"])
    assert not PublicAgency.objects.exists()


def test_amended_article_flags_items_and_is_shown_on_the_desk(world, client):
    article = world.item.legal_basis.first()
    catalog_services.amend_article(
        article, text="修订后的条文。", effective_from=dt.date(2026, 6, 1), actor=None
    )
    pub = services.draft_item_list(world.agency, actor=editor(world))
    with pytest.raises(InvalidInput) as refusal:
        services.check(pub, actor=editor(world))  # a warning needs a note
    assert refusal.value.code == "publicity.check.note_required"
    client.login(username=editor(world).username, password=PASSWORD)
    desk = client.get("/publicity/").content.decode()
    assert world.item.code in desk and "待更新" in desk
    services.check(pub, actor=editor(world), note="新条文6月1日施行，届时更新依据")


def test_repealed_basis_blocks_publication(world):
    article = world.item.legal_basis.first()
    catalog_services.amend_article(article, text=None, effective_from=dt.date(2026, 3, 1), actor=None)
    pub = services.draft_item_list(world.agency, actor=editor(world))
    with pytest.raises(DomainError) as refusal:
        services.check(pub, actor=editor(world), note="x")
    assert "失效" in refusal.value.message


def test_random_inspection_items_and_service_windows_reach_the_portal(world, client):
    item(world.agency, random_inspection=True, name="食品经营者监督检查", category="inspection")
    window = services.save_window(
        world.agency,
        actor=editor(world),
        data={
            "name": "一号窗口",
            "location": "政务中心2楼",
            "sample_texts": "许可申请书\n变更申请书",
            "staff": [world.officer],
        },
    )
    publish_item_list(world)
    page = client.get(f"/portal/agencies/{world.agency.code}/").content.decode()
    assert "食品经营者监督检查" in page
    board = client.get(f"/portal/agencies/{world.agency.code}/windows/{window.pk}/board/")
    text = board.content.decode()
    assert board.status_code == 200 and "岗位信息公示牌" in text and world.officer.full_name in text
    assert world.officer.certificates.first().number in text and "变更申请书" in text


@pytest.mark.parametrize("procedure", registry.procedures(), ids=lambda p: p.code)
def test_flowchart_is_drawn_from_the_definition(procedure):
    svg = flowchart.svg(procedure)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for stage in procedure.stages:
        assert f">{stage.name}<" in svg
    for transition in procedure.transitions:
        if transition.target:
            assert transition.label in svg


def test_procedure_pages(client):
    assert client.get("/portal/procedures/").status_code == 200
    page = client.get("/portal/procedures/penalty.general/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client.get("/portal/procedures/nope/").status_code == 404
