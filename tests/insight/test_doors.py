"""The assistant through its doors: the case page, the review page, its own page and the API."""

import pytest
from django.urls import reverse

from sanxiang.review import services as review_services
from tests.factories import World
from tests.insight.helpers import benchmark, proposed
from tests.review.helpers import ReviewWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    benchmark(world.item)
    return proposed(world, fine="90000", level="lighter", circumstances=["first_offence"], reasons="")


def test_case_page_shows_the_advice_and_the_flag(client, world, case):
    client.force_login(world.officer)
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "裁量智能辅助" in body and "须重点审查" in body and "33,500.00元" in body


def test_assistant_page_and_trying_circumstances(client, world, case):
    client.force_login(world.officer)
    url = reverse("insight:assistant", args=[case.number])
    body = client.get(url).content.decode()
    assert "推理过程" in body and "超出“从轻处罚”阶次区间" in body and "PEN-24" not in body
    tried = client.get(url, {"try": "1", "circumstances": ["no_harm", "corrected_promptly"]}).content.decode()
    assert "不予处罚（应当）" in tried and "第三十三条第一款" in tried
    client.force_login(World().officer)
    assert client.get(url).status_code == 404


def test_api(client, world, case):
    client.force_login(world.officer)
    url = f"/api/insight/discretion/{case.number}/"
    body = client.get(url).json()
    assert body["level"] == "lighter" and body["flagged"] is True
    assert {c["code"] for c in body["checks"]} == {"outside_range"}
    assert body["range"] == {"min": "5000.00", "max": "33500.00", "other": ""}
    heavier = client.get(url, {"circumstances": "repeat_offence", "fine": "80000", "level": "heavier"}).json()
    assert heavier["level"] == "heavier" and heavier["checks"] == []
    bad = client.get(url, {"circumstances": "bribed"})
    assert bad.status_code == 422 and bad.json()["code"] == "insight.circumstances.invalid"
    assert client.get(url, {"fine": "abc"}).json()["code"] == "insight.fine.invalid"
    assert client.get(url, {"level": "maximal"}).json()["code"] == "insight.level.invalid"
    client.force_login(World().officer)
    assert client.get(url).status_code == 404


def test_review_page_shows_the_flag_to_the_reviewer(client):
    rw = ReviewWorld()
    benchmark(rw.item)
    case = rw.major_case(
        fine="90000",
        discretion_level="lighter",
        circumstances=["first_offence"],
        reasons_discretion="货值较大，故从重。",
    )
    review = review_services.accept(rw.submit(case), actor=rw.chief)
    client.force_login(rw.chief)
    body = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "裁量智能辅助" in body and "须重点审查" in body and "已说明理由，请审核人重点审查" in body
