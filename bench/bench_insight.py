"""Insight: the discretion assistant with its similar-decision ranking (character n-gram TF-IDF over
the item's newest decisions) beside the assistant without it, the comparable-group outlier scan,
and the case analysis report (data, then PDF) over the same decided cases."""

from __future__ import annotations

import datetime as dt
import random
import time

from bench import harness
from bench.figures import Figure

FACTS = (
    "超市货架",
    "过期牛奶",
    "过期酸奶",
    "未标注生产日期",
    "冷柜温度超标",
    "进货查验记录缺失",
    "餐馆后厨",
    "散装熟食",
)


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:
    from sanxiang.cases.models import Case
    from sanxiang.insight import analysis, discretion, outliers
    from tests.factories import World
    from tests.insight.helpers import benchmark, decided, proposed

    n = 300 if full else 40
    rng = random.Random(7)
    world = World()
    benchmark(world.item)
    for i in range(n):
        level, fine = rng.choice(
            [("lighter", rng.randrange(50, 335) * 100), ("standard", rng.randrange(335, 715) * 100)]
        )
        facts = "，".join(rng.sample(FACTS, 3))
        decided(
            world,
            fine,
            level=level,
            reasons="当事人系初次违法，积极配合调查。" if level == "lighter" else "无",
            title=f"销售不合格食品{i}",
            facts=facts,
            on=dt.date(2026, 2, 1) + dt.timedelta(days=i % 25),
        )
    case = proposed(
        world, fine="9000", level="lighter", circumstances=["first_offence"], facts="超市货架上发现过期牛奶"
    )

    def per_call_ms(fn, repeat):
        started = time.perf_counter()
        for _ in range(repeat):
            fn()
        return (time.perf_counter() - started) / repeat * 1000

    with_similar = per_call_ms(lambda: discretion.advise(case), 5)
    without = per_call_ms(lambda: discretion.advise(case, with_similar=False), 5)
    period = (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    scan = per_call_ms(lambda: outliers.detect(Case.objects.all(), *period), 3)
    report = per_call_ms(lambda: analysis.build(*period, [world.agency]), 3)
    data = analysis.build(*period, [world.agency])
    pdf = per_call_ms(lambda: analysis.render_pdf(data), 3)
    return [
        Figure(
            f"insight.assistant_ms.{n}_decisions.{engine}",
            with_similar,
            "ms",
            f"assistant_without_similar_ms.{engine}",
            without,
        ),
        Figure(f"insight.outlier_scan_ms.{n}_decisions.{engine}", scan, "ms"),
        Figure(
            f"insight.analysis_report_ms.{n}_decisions.{engine}",
            report,
            "ms",
            f"analysis_pdf_ms.{engine}",
            pdf,
        ),
    ]
