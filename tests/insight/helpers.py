"""Small worlds for the insight tests: a published benchmark, and decided penalty cases built
through the case services (proposal) with the decision date and fine set directly — walking each
case through notification and decision would cost a second per case and test nothing here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case
from sanxiang.catalog import services as catalog_services
from sanxiang.core import clock
from tests.factories import company

# The demo's cut of a 5,000–100,000 range by the DISC-03 bands (30% / 30%).
LEVELS = [
    {
        "level": "no_penalty",
        "conditions": "违法行为轻微并及时改正，没有造成危害后果",
        "circumstances": ["no_harm", "corrected_promptly"],
        "other_penalties": "不予行政处罚",
    },
    {
        "level": "mitigated",
        "conditions": "主动消除或者减轻危害后果等",
        "circumstances": ["eliminated_harm", "coerced", "confessed", "meritorious", "minor_14_17"],
        "min_fine": Decimal("0"),
        "max_fine": Decimal("5000"),
    },
    {
        "level": "lighter",
        "conditions": "初次违法，积极配合调查",
        "circumstances": ["first_offence", "short_duration", "small_amount", "cooperated"],
        "min_fine": Decimal("5000"),
        "max_fine": Decimal("33500"),
    },
    {
        "level": "standard",
        "conditions": "不具有从轻、减轻、从重情节的",
        "circumstances": [],
        "min_fine": Decimal("33500"),
        "max_fine": Decimal("71500"),
    },
    {
        "level": "heavier",
        "conditions": "一年内因同一违法行为受过行政处罚的",
        "circumstances": ["repeat_offence", "obstructed", "serious_harm"],
        "min_fine": Decimal("71500"),
        "max_fine": Decimal("100000"),
    },
]


def benchmark(
    item, *, effective_from=dt.date(2025, 1, 1), published=True, levels=None, source="测试局行政处罚裁量基准"
):
    return catalog_services.create_benchmark(
        item=item,
        effective_from=effective_from,
        published_on=effective_from - dt.timedelta(days=10) if published else None,
        source=source,
        levels=levels or LEVELS,
        actor=None,
    )


def proposed(
    world,
    *,
    fine=None,
    level="",
    circumstances=(),
    reasons="依据裁量基准。",
    act_date=dt.date(2026, 2, 1),
    party=None,
    title="涉嫌销售过期食品",
    facts="",
    officer=None,
):
    """A penalty case with a proposal (through the case services)."""
    case = world.case(party=party or company(world.agency), title=title, act_date=act_date, facts=facts)
    data = {
        "outcome": "penalty",
        "penalty_types": ["fine"] if fine else ["warning"],
        "fine_amount": Decimal(str(fine)) if fine else None,
        "discretion_level": level,
        "circumstances": list(circumstances),
        "summary": f"拟罚款{fine}元。" if fine else "拟警告。",
        "reasons_discretion": reasons,
    }
    case_services.record_proposal(case, actor=officer or world.officer, data=data, at=clock.now())
    return case


def decided(world, fine, *, on=dt.date(2026, 2, 20), **kw) -> Case:
    case = proposed(world, fine=fine, **kw)
    Case.objects.filter(pk=case.pk).update(decided_on=on, fine_amount=Decimal(str(fine)))
    case.refresh_from_db()
    return case
