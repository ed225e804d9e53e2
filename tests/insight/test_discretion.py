"""The discretion assistant (X4): benchmark in force on the violation date, tier boundaries,
statutory grounds (PEN-24/25/26), bad benchmarks, similar decisions, and the guard on proposals."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.cases import services as case_services
from sanxiang.catalog.models import BenchmarkLevel
from sanxiang.core.errors import DomainError
from sanxiang.insight import discretion
from tests.cases.walk import PATHS, inputs_for, walk
from tests.factories import person
from tests.insight.helpers import LEVELS, benchmark, decided, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def bw(world):
    benchmark(world.item)
    return world


def advise(case, *codes, **kw):
    return discretion.advise(case, circumstances=list(codes), with_similar=False, **kw)


def test_benchmark_in_force_on_the_violation_date_not_today(world):
    benchmark(world.item, effective_from=dt.date(2025, 1, 1), source="第一版基准")
    newer = [dict(lv) for lv in LEVELS]
    newer[2] = {**newer[2], "max_fine": Decimal("20000")}
    newer[3] = {**newer[3], "min_fine": Decimal("20000")}
    benchmark(world.item, effective_from=dt.date(2026, 1, 1), levels=newer, source="第二版基准")
    old = advise(proposed(world, act_date=dt.date(2025, 12, 31)), "first_offence")
    new = advise(proposed(world, act_date=dt.date(2026, 1, 1)), "first_offence")
    assert old.benchmark.source == "第一版基准" and old.range_max == Decimal("33500")
    assert new.benchmark.source == "第二版基准" and new.range_max == Decimal("20000")
    assert old.level == new.level == "lighter"


def test_an_unpublished_benchmark_never_applies(world):
    benchmark(world.item, published=False)
    advice = advise(proposed(world), "first_offence")
    assert advice.benchmark is None
    assert any("尚未公布" in w for w in advice.warnings)
    # falls back to the statutory range cut by DISC-03 (a rule parameter), marked as reference only
    assert (advice.range_min, advice.range_max) == (Decimal("5000.00"), Decimal("33500.00"))


def test_no_benchmark_at_all_says_so(world):
    advice = advise(proposed(world))
    assert advice.benchmark is None and any("没有施行中的裁量基准" in w for w in advice.warnings)
    assert advice.level == "standard"


@pytest.mark.parametrize(
    ("level", "fine", "inside"),
    [
        ("lighter", "5000", True),
        ("lighter", "33500", True),  # the shared end point belongs to both tiers
        ("lighter", "33500.01", False),
        ("lighter", "4999.99", False),
        ("standard", "33500", True),
        ("standard", "71500.01", False),
        ("heavier", "100000", True),
    ],
)
def test_tier_boundaries(bw, level, fine, inside):
    codes = {"lighter": ["first_offence"], "standard": [], "heavier": ["repeat_offence"]}[level]
    case = proposed(bw, fine=fine, level=level, circumstances=codes, reasons="")
    advice = discretion.advise(case, with_similar=False)
    assert advice.level == level
    outside = [c for c in advice.checks if c.code == "outside_range"]
    assert (not outside) is inside
    if not inside:
        assert outside[0].severity == "bad" and "须在裁量理由中说明" in outside[0].message
        assert advice.flagged


def test_above_the_statutory_maximum_is_flagged(bw):
    advice = discretion.advise(
        proposed(bw, fine="150000", level="heavier", circumstances=["repeat_offence"]), with_similar=False
    )
    assert {"outside_range", "above_statutory"} <= {c.code for c in advice.checks}


def test_below_the_statutory_minimum_needs_the_mitigated_tier(bw):
    case = proposed(bw, fine="3000", level="lighter", circumstances=["first_offence"])
    assert "below_statutory" in {c.code for c in discretion.advise(case, with_similar=False).checks}
    case = proposed(bw, fine="3000", level="mitigated", circumstances=["eliminated_harm"])
    assert not discretion.advise(case, with_similar=False).checks


def test_shall_not_penalise_minor_violation_promptly_corrected(bw):
    advice = advise(proposed(bw), "no_harm", "corrected_promptly")
    assert advice.level == "no_penalty" and not advice.alternatives
    assert any("第三十三条第一款" in g.citation and "PEN-24" in g.citation for g in advice.grounds)
    advice = advise(
        proposed(bw), "no_harm", "corrected_promptly", fine=Decimal("6000"), declared_level="lighter"
    )
    assert "must_not_penalise" in {c.code for c in advice.checks}


def test_first_violation_may_go_unpunished(bw):
    advice = advise(proposed(bw), "first_offence", "minor_harm", "corrected_promptly")
    assert advice.level == "no_penalty" and advice.alternatives == ["lighter"]
    assert any("首违不罚" in g.text for g in advice.grounds)


def test_no_fault_shall_not_be_penalised(bw):
    advice = advise(proposed(bw), "no_fault")
    assert advice.level == "no_penalty" and any("第三十三条第二款" in g.citation for g in advice.grounds)


def test_mandatory_mitigation_proposes_the_mitigated_tier(bw):
    advice = advise(proposed(bw), "eliminated_harm")
    assert advice.level == "mitigated" and advice.alternatives == ["lighter"]
    assert (advice.range_min, advice.range_max) == (Decimal("0"), Decimal("5000"))
    assert any("第三十二条" in g.citation and "PEN-25" in g.citation for g in advice.grounds)
    checked = advise(proposed(bw), "eliminated_harm", fine=Decimal("50000"), declared_level="standard")
    assert "must_mitigate" in {c.code for c in checked.checks}


def test_mitigation_and_aggravation_together_never_go_heavier(bw):
    advice = advise(proposed(bw), "confessed", "repeat_offence")
    assert advice.level == "lighter"
    assert "不得从重" in advice.steps[-2].text


def test_aggravating_and_lighter_circumstances_offset_to_standard(bw):
    assert advise(proposed(bw), "repeat_offence").level == "heavier"
    assert advise(proposed(bw), "first_offence", "cooperated").level == "lighter"
    assert advise(proposed(bw), "first_offence", "repeat_offence").level == "standard"


def test_party_age_from_birth_date(bw):
    today = dt.date(2026, 2, 1)
    child = person(bw.agency, birth=today.replace(year=today.year - 13), name="王小")
    advice = advise(proposed(bw, party=child))
    assert advice.level == "no_penalty"
    assert any("第三十条" in g.citation and "PEN-24" in g.citation for g in advice.grounds)
    teen = person(bw.agency, birth=today.replace(year=today.year - 16), name="赵青")
    advice = advise(proposed(bw, party=teen))
    assert "minor_14_17" in advice.circumstances and advice.level == "mitigated"


def test_circumstances_inferred_from_the_reasons_are_marked(bw):
    case = proposed(bw, fine="9000", level="lighter", reasons="当事人系初次违法，积极配合调查并已改正。")
    advice = discretion.advise(case, with_similar=False)
    assert advice.inferred and {"first_offence", "cooperated", "corrected_promptly"} <= set(
        advice.circumstances
    )
    assert advice.level == "lighter" and not advice.checks


def test_benchmark_gaps_and_overlaps_are_reported(world):
    bench = benchmark(world.item)
    BenchmarkLevel.objects.filter(benchmark=bench, level="standard").update(min_fine=Decimal("40000"))
    assert any("缺口" in p for p in discretion.benchmark_problems(bench))
    BenchmarkLevel.objects.filter(benchmark=bench, level="standard").update(min_fine=Decimal("30000"))
    assert any("重叠" in p for p in discretion.benchmark_problems(bench))
    BenchmarkLevel.objects.filter(benchmark=bench, level="standard").update(min_fine=Decimal("33500"))
    assert discretion.benchmark_problems(bench) == []
    advice = advise(proposed(world))
    assert advice.warnings == []


def test_one_act_one_fine(bw):
    party = proposed(bw).party
    decided(bw, 9000, party=party, act_date=dt.date(2026, 1, 5))
    case = proposed(
        bw,
        fine="8000",
        level="lighter",
        circumstances=["first_offence"],
        party=party,
        act_date=dt.date(2026, 1, 5),
    )
    checks = discretion.advise(case, with_similar=False).checks
    assert [c.code for c in checks] == ["double_fine"] and "第二十九条" in checks[0].message


def test_similar_decisions_of_the_same_item(bw):
    case = proposed(
        bw,
        fine="9000",
        level="lighter",
        circumstances=["first_offence"],
        title="销售过期食品",
        facts="超市货架上发现过期牛奶12盒",
    )
    assert discretion.advise(case).similar_note.startswith("该事项尚无已作出的决定")
    decided(bw, 60000, level="standard", title="生产经营掺假食品", facts="作坊生产的辣椒酱中检出苏丹红")
    near = decided(
        bw,
        8000,
        level="lighter",
        circumstances=["first_offence"],
        title="销售过期食品",
        facts="超市货架上发现过期酸奶8盒",
    )
    advice = discretion.advise(case)
    assert advice.similar[0].number == near.number
    assert advice.similar[0].score > advice.similar[1].score
    assert any("初次违法" in w for w in advice.similar[0].why)


def test_the_guard_asks_for_reasons_outside_the_range(bw):
    case = walk(bw, bw.case(act_date=dt.date(2026, 2, 1)), PATHS["penalty.general"][:3])
    data = {
        **inputs_for(bw, case, "propose"),
        "fine_amount": "90000",
        "discretion_level": "lighter",
        "circumstances": ["first_offence"],
        "reasons_discretion": "",
    }
    with pytest.raises(DomainError) as refused:
        case_services.transition(case, "propose", actor=bw.officer, data=data)
    assert (
        refused.value.code == "insight.discretion.reasons_required"
        and refused.value.field == "reasons_discretion"
    )
    data["reasons_discretion"] = "当事人虽系初次违法，但涉案食品已流入学校食堂，故从重。"
    case = case_services.transition(case, "propose", actor=bw.officer, data=data)
    advice = discretion.advise(case, with_similar=False)
    assert advice.flagged and any(c.code == "outside_range" and c.severity == "warn" for c in advice.checks)


def test_the_guard_leaves_proposals_inside_the_range_alone(bw):
    case = walk(bw, bw.case(act_date=dt.date(2026, 2, 1)), PATHS["penalty.general"][:3])
    data = {
        **inputs_for(bw, case, "propose"),
        "fine_amount": "9000",
        "discretion_level": "lighter",
        "circumstances": ["first_offence"],
        "reasons_discretion": "",
    }
    case = case_services.transition(case, "propose", actor=bw.officer, data=data)
    assert case.current_proposal.circumstances == ["first_offence"]
