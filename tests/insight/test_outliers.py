"""同案不同罚 (X5) on a constructed group: the outlier, what differs, small-sample caution, scope."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.cases.models import Case
from sanxiang.core.roles import Role
from sanxiang.insight import outliers
from tests.factories import World, staff
from tests.insight.helpers import decided

pytestmark = pytest.mark.django_db
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
LIGHTER = "当事人系初次违法，积极配合调查。"


@pytest.fixture
def two():
    """Two agencies with the same item (same name, same penalty basis): one comparable group of
    five lighter-tier fines, one of them three times the median, decided by the second agency."""
    a, b = World(), World()
    for fine in (8000, 9000, 10000, 11000):
        decided(a, fine, level="lighter", reasons=LIGHTER)
    odd = decided(b, 30000, level="lighter", reasons=LIGHTER, officer=b.partner)
    return a, b, odd


def test_the_outlier_of_a_group_and_what_differs(two):
    _a, b, odd = two
    groups = outliers.detect(Case.objects.all(), *PERIOD)
    assert len(groups) == 1
    group = groups[0]
    assert group.size == 5 and not group.weak and group.median == Decimal("10000")
    assert set(group.circumstances) == {"first_offence", "cooperated"}
    assert [o.member.case.number for o in group.outliers] == [odd.number]
    outlier = group.outliers[0]
    assert outlier.direction == "high" and outlier.ratio == pytest.approx(3.0)
    text = "\n".join(outlier.explanation)
    assert "中位数10,000.00元的3.00倍" in text
    assert f"本案为{b.agency.name}" in text
    assert "承办人不同" in text
    assert "从裁量理由文字中识别" in text


def test_a_spread_inside_the_fences_is_no_outlier(world):
    for fine in (8000, 9000, 10000, 11000, 12000):
        decided(world, fine, level="lighter", reasons=LIGHTER)
    (group,) = outliers.detect(Case.objects.all(), *PERIOD)
    assert group.outliers == [] and group.spread == "1.5"


def test_small_groups_are_marked_statistically_weak(world):
    for fine in (8000, 9000, 40000):
        decided(world, fine, level="lighter", reasons=LIGHTER)
    (group,) = outliers.detect(Case.objects.all(), *PERIOD)
    assert group.weak and "统计意义有限" in group.note
    decided(world, 50000, level="standard", reasons="无")
    decided(world, 60000, level="standard", reasons="无")
    pair = next(g for g in outliers.detect(Case.objects.all(), *PERIOD) if g.level == "standard")
    assert pair.size == 2 and pair.outliers == [] and "无法判断" in pair.note


def test_level_and_circumstances_split_groups(world):
    for fine in (8000, 9000):
        decided(world, fine, level="lighter", reasons=LIGHTER)
    decided(world, 9000, level="lighter", circumstances=["small_amount"], reasons=LIGHTER)
    decided(world, 40000, level="standard", reasons=LIGHTER)
    groups = outliers.detect(Case.objects.all(), *PERIOD)
    assert [g.size for g in groups] == [2]


def test_period_and_scope(two):
    a, _b, _odd = two
    assert outliers.detect(Case.objects.all(), dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []
    only_a = outliers.detect(Case.objects.restrict(a.head), *PERIOD)
    assert only_a[0].size == 4 and only_a[0].outliers == []


def test_page_and_api_for_reviewers_only(client, two):
    a, b, odd = two
    reviewer = staff(b.agency, Role.REVIEWER, certified=False)
    client.force_login(reviewer)
    page = client.get("/insight/outliers/", {"from": "2026-01-01", "to": "2026-03-01"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "可比较案件组" in body and odd.number not in body  # b alone has one case: no group
    client.force_login(a.head)
    api = client.get("/api/insight/outliers/", {"from": "2026-01-01", "to": "2026-03-01"})
    assert api.status_code == 200 and api.json()["groups"][0]["size"] == 4
    assert api.json()["groups"][0]["statistically_weak"] is True
    bad = client.get("/api/insight/outliers/", {"from": "2026-03-02", "to": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "insight.period.reversed"
    page = client.get("/insight/outliers/", {"from": "2026-13-01"})
    assert page.status_code == 422 and "开始日期不是有效日期" in page.content.decode()
    client.force_login(a.officer)
    assert client.get("/insight/outliers/").status_code == 404
    assert client.get("/api/insight/outliers/").json()["code"] == "insight.forbidden"
