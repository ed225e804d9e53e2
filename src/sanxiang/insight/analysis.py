"""案件分析报告 (X5, policy §二(四)): trends, top violations by item and area, fine distribution,
review findings and comparable-case outliers over a period, with plain-language findings
templated from the computed facts, as a staff page (ECharts), HTML (inline SVG charts) and PDF.

The report is assembled from sections in a registry so other apps add theirs without insight
importing them (supervision registers "scorecard changes" and "clue statistics"):

    from sanxiang.insight import analysis
    analysis.register_section("scorecard", "考评变化", 60, build)

`build(date_from, date_to, agencies)` returns {"facts": [str…], "columns": [...], "rows": [[...]],
"chart": optional ECharts option dict} or None when it has nothing to say.

    sanxiang report analysis --from 2026-01-01 --to 2026-03-31 --format html|pdf -o FILE [--agency CODE]

An optional OpenAI-compatible endpoint (settings.SANXIANG_LLM_URL) may rewrite the summary; a
rewrite whose figures are not exactly figures of the computed facts is rejected (`checked_rewrite`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import re
import statistics
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.cases.models import Case
from sanxiang.catalog.choices import Category
from sanxiang.core import clock
from sanxiang.core.scoping import agency_scope_q
from sanxiang.org.models import Agency

log = logging.getLogger(__name__)
HELP = "案件分析报告（趋势、主要违法行为、罚款分布、审核发现、同案不同罚）"
FORMATS = ("html", "pdf")
DASH = "—"
MAX_DAYS = 3660  # a report spans at most ten years


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    build: Callable[[dt.date, dt.date, list[Agency]], dict[str, Any] | None]


_sections: dict[str, Section] = {}


def register_section(key: str, title: str, order: int, build: Callable[..., dict[str, Any] | None]) -> None:
    _sections[key] = Section(key, title, order, build)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# --- small helpers ----------------------------------------------------------------------------


def pct(part: int | Decimal, whole: int | Decimal) -> str:
    """A share as text; never a division by zero shown as a figure."""
    return f"{Decimal(part) * 100 / Decimal(whole):.1f}%" if whole else DASH


def yuan(value: Decimal | int | float | None) -> str:
    return f"{Decimal(value or 0):,.2f}"


def bar_option(categories: list[str], series: dict[str, list], *, horizontal: bool = False) -> dict[str, Any]:
    """The ECharts option of a (grouped) bar chart — also the input of the SVG and PDF charts."""
    cat = {"type": "category", "data": categories, "axisLabel": {"interval": 0}}
    val = {"type": "value"}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": list(series), "top": 0} if len(series) > 1 else {"show": False},
        "grid": {"left": 10, "right": 20, "bottom": 10, "top": 36, "containLabel": True},
        "xAxis": val if horizontal else cat,
        "yAxis": cat if horizontal else val,
        "series": [{"type": "bar", "name": name, "data": values} for name, values in series.items()],
    }


# --- the sections ------------------------------------------------------------------------------


def _months(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    months, day = [], date_from.replace(day=1)
    while day <= date_to:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def trend(date_from, date_to, agencies) -> dict[str, Any]:
    """New and decided cases per month."""
    cases = Case.objects.filter(agency__in=agencies)
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    opened = Counter()
    for at in cases.filter(opened_at__gte=start, opened_at__lt=end).values_list("opened_at", flat=True):
        local = timezone.localtime(at).date()
        opened[(local.year, local.month)] += 1
    decided = Counter()
    rows_decided = (
        cases.filter(decided_on__gte=date_from, decided_on__lte=date_to)
        .annotate(m=TruncMonth("decided_on"))
        .values("m")
        .annotate(n=Count("pk"))
    )
    for row in rows_decided:
        decided[(row["m"].year, row["m"].month)] += row["n"]
    months = _months(date_from, date_to)
    labels = [f"{m:%Y-%m}" for m in months]
    rows = [
        [lab, opened[(m.year, m.month)], decided[(m.year, m.month)]]
        for lab, m in zip(labels, months, strict=True)
    ]
    total_opened, total_decided = sum(opened.values()), sum(decided.values())
    facts = [
        _("%(date_from)s至%(date_to)s，共登记案件%(total_opened)s件，作出决定%(total_decided)s件。")
        % {
            "date_from": format(date_from, "%Y年%m月%d日"),
            "date_to": format(date_to, "%Y年%m月%d日"),
            "total_opened": total_opened,
            "total_decided": total_decided,
        }
    ]
    if total_decided:
        peak = max(rows, key=lambda r: r[2])
        facts.append(
            _("作出决定最多的月份是%(month)s，共%(count)s件。") % {"month": peak[0], "count": peak[2]}
        )
        if len(rows) >= 2:
            first, last = rows[0][2], rows[-1][2]
            if last != first:
                facts.append(
                    _("末月作出决定%(last)s件，比首月增加%(diff)s件。")
                    % {"last": last, "diff": abs(last - first)}
                    if last > first
                    else _("末月作出决定%(last)s件，比首月减少%(diff)s件。")
                    % {"last": last, "diff": abs(last - first)}
                )
    else:
        facts.append(_("期间内没有作出决定的案件。"))
    return {
        "facts": facts,
        "columns": [_("月份"), _("登记案件"), _("作出决定")],
        "rows": rows,
        "chart": bar_option(
            labels, {_("登记案件"): [r[1] for r in rows], _("作出决定"): [r[2] for r in rows]}
        ),
    }


def _penalties(date_from, date_to, agencies):
    return Case.objects.filter(
        agency__in=agencies, category=Category.PENALTY, decided_on__gte=date_from, decided_on__lte=date_to
    )


def top_items(date_from, date_to, agencies) -> dict[str, Any]:
    """Penalty decisions by enforcement item (by name, so the same violation of two agencies adds up)."""
    rows_q = (
        _penalties(date_from, date_to, agencies)
        .values("item__name")
        .annotate(n=Count("pk"), fines=Sum("fine_amount"))
        .order_by("-n", "item__name")
    )
    rows_all = list(rows_q)
    total = sum(r["n"] for r in rows_all)
    rows = [
        [r["item__name"] or _("（未关联事项）"), r["n"], pct(r["n"], total), yuan(r["fines"])]
        for r in rows_all[:10]
    ]
    if not total:
        facts = [_("期间内没有作出行政处罚决定。")]
    else:
        top = rows[0]
        facts = [
            _(
                "期间内作出行政处罚决定%(total)s件，涉及%(rows_all)s个事项；最多的是“%(item)s”，共%(count)s件，占%(share)s。"
            )
            % {"total": total, "rows_all": len(rows_all), "item": top[0], "count": top[1], "share": top[2]}
        ]
        if len(rows) >= 3:
            share = sum(r[1] for r in rows[:3])
            facts.append(
                _("前三个事项合计%(share)s件，占处罚决定的%(percent)s。")
                % {"share": share, "percent": pct(share, total)}
            )
    return {
        "facts": facts,
        "columns": [_("执法事项"), _("处罚决定（件）"), _("占比"), _("罚款合计（元）")],
        "rows": rows,
        "chart": bar_option(
            [r[0][:14] for r in rows][::-1], {_("处罚决定"): [r[1] for r in rows][::-1]}, horizontal=True
        )
        if rows
        else None,
    }


def top_areas(date_from, date_to, agencies) -> dict[str, Any]:
    """Decisions and penalties by administrative division (area) of the agency."""
    rows_all = list(
        Case.objects.filter(agency__in=agencies, decided_on__gte=date_from, decided_on__lte=date_to)
        .values("agency__division__name")
        .annotate(
            n=Count("pk"),
            penalties=Count("pk", filter=Q(category=Category.PENALTY)),
            fines=Sum("fine_amount"),
        )
        .order_by("-n", "agency__division__name")
    )
    total = sum(r["n"] for r in rows_all)
    rows = [
        [r["agency__division__name"], r["n"], r["penalties"], pct(r["n"], total), yuan(r["fines"])]
        for r in rows_all
    ]
    facts = (
        [
            _("作出决定最多的地区是%(area)s，共%(count)s件，占%(share)s；其中行政处罚%(penalties)s件。")
            % {"area": rows[0][0], "count": rows[0][1], "share": rows[0][3], "penalties": rows[0][2]}
        ]
        if total
        else [_("期间内各地区均没有作出决定的案件。")]
    )
    return {
        "facts": facts,
        "columns": [_("地区"), _("作出决定（件）"), _("其中行政处罚"), _("占比"), _("罚款合计（元）")],
        "rows": rows,
        "chart": bar_option([r[0] for r in rows], {_("作出决定"): [r[1] for r in rows]}) if rows else None,
    }


FINE_BANDS = (  # presentation bands of the histogram (yuan), not legal thresholds
    (Decimal(0), Decimal(1000)),
    (Decimal(1000), Decimal(5000)),
    (Decimal(5000), Decimal(10000)),
    (Decimal(10000), Decimal(50000)),
    (Decimal(50000), Decimal(100000)),
    (Decimal(100000), None),
)


def fines(date_from, date_to, agencies) -> dict[str, Any]:
    """Distribution of the fines decided in the period."""
    amounts = [
        Decimal(v)
        for v in _penalties(date_from, date_to, agencies)
        .filter(fine_amount__gt=0)
        .values_list("fine_amount", flat=True)
    ]
    labels, counts = [], []
    for low, high in FINE_BANDS:
        labels.append(
            _("%(low)s元以上") % {"low": format(low, ",.0f")}
            if high is None
            else _("%(low)s–%(high)s元") % {"low": format(low, ",.0f"), "high": format(high, ",.0f")}
        )
        counts.append(sum(1 for a in amounts if a >= low and (high is None or a < high)))
    rows = [[lab, n, pct(n, len(amounts))] for lab, n in zip(labels, counts, strict=True)]
    if amounts:
        total = sum(amounts)
        facts = [
            _("期间内处以罚款%(amounts)s件，罚款合计%(total)s元，中位数%(median)s元，最高%(max)s元。")
            % {
                "amounts": len(amounts),
                "total": yuan(total),
                "median": yuan(statistics.median(amounts)),
                "max": yuan(max(amounts)),
            }
        ]
        peak = max(rows, key=lambda r: r[1])
        facts.append(
            _("罚款数额集中在%(band)s区间，共%(count)s件，占%(share)s。")
            % {"band": peak[0], "count": peak[1], "share": peak[2]}
        )
    else:
        facts = [_("期间内没有处以罚款的决定，无法计算罚款分布。")]
    return {
        "facts": facts,
        "columns": [_("罚款区间"), _("件数"), _("占比")],
        "rows": rows,
        "chart": bar_option(labels, {_("件数"): counts}) if amounts else None,
    }


def review_findings(date_from, date_to, agencies) -> dict[str, Any] | None:
    """Legal reviews concluded in the period: outcomes and the aspects found wanting."""
    from sanxiang.review.choices import Aspect, Finding, Outcome
    from sanxiang.review.models import Review, ReviewFinding

    reviews = Review.objects.filter(
        case__agency__in=agencies, concluded_on__gte=date_from, concluded_on__lte=date_to
    )
    outcomes = dict(reviews.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    total = sum(outcomes.values())
    problems = dict(
        ReviewFinding.objects.filter(review__in=reviews, result=Finding.PROBLEM)
        .values_list("aspect")
        .annotate(n=Count("pk"))
        .values_list("aspect", "n")
    )
    rows = [
        [str(label), outcomes.get(value, 0), pct(outcomes.get(value, 0), total)]
        for value, label in Outcome.choices
    ]
    rows += [
        [
            _("发现问题：%(label)s") % {"label": label},
            problems.get(value, 0),
            pct(problems.get(value, 0), total),
        ]
        for value, label in Aspect.choices
    ]
    if total:
        agree = outcomes.get(Outcome.AGREE, 0)
        facts = [
            _(
                "期间内出具法制审核意见%(total)s件，其中同意%(agree)s件，占%(share)s；其余%(rest)s件提出修改、退回或不同意意见。"
            )
            % {"total": total, "agree": agree, "share": pct(agree, total), "rest": total - agree}
        ]
        if problems:
            aspect, n = max(problems.items(), key=lambda kv: kv[1])
            facts.append(
                _("审核发现问题最多的方面是“%(label)s”，共%(n)s次。")
                % {"label": Aspect(aspect).label, "n": n}
            )
    else:
        facts = [_("期间内没有出具法制审核意见。")]
    return {
        "facts": facts,
        "columns": [_("审核意见/发现"), _("件（次）数"), _("占审核意见比例")],
        "rows": rows,
        "chart": bar_option(
            [str(lab) for _v, lab in Outcome.choices],
            {_("审核意见"): [outcomes.get(v, 0) for v, _l in Outcome.choices]},
        )
        if total
        else None,
    }


def outlier_groups(date_from, date_to, agencies) -> dict[str, Any]:
    """同案不同罚: comparable groups and their outliers (insight.outliers)."""
    from sanxiang.insight import outliers

    groups = outliers.detect(Case.objects.filter(agency__in=agencies), date_from, date_to)
    flagged = [g for g in groups if g.outliers]
    rows = [
        [
            g.item_name,
            g.level_label,
            g.circumstance_labels,
            g.size,
            yuan(g.median),
            g.spread,
            len(g.outliers),
            _("是") if g.weak else _("否"),
        ]
        for g in groups[:15]
    ]
    if not groups:
        facts = [_("期间内没有可比较的处罚案件组（同一事项、同一阶次、同一情节的罚款决定不足两件）。")]
    else:
        n_out = sum(len(g.outliers) for g in groups)
        facts = [
            _("期间内形成可比较案件组%(groups)s个，其中%(flagged)s个组发现罚款明显偏离的决定共%(n_out)s件。")
            % {"groups": len(groups), "flagged": len(flagged), "n_out": n_out}
        ]
        weak = sum(1 for g in groups if g.weak)
        if weak:
            facts.append(_("%(weak)s个组样本较少，结论仅供参考。") % {"weak": weak})
    return {
        "facts": facts,
        "columns": [
            _("执法事项"),
            _("阶次"),
            _("情节"),
            _("件数"),
            _("中位数（元）"),
            _("最高/最低"),
            _("偏离件数"),
            _("样本不足"),
        ],
        "rows": rows,
        "chart": None,
    }


register_section("trend", N_("案件趋势"), 10, trend)
register_section("items", N_("主要违法行为（按执法事项）"), 20, top_items)
register_section("areas", N_("主要违法行为（按地区）"), 30, top_areas)
register_section("fines", N_("罚款分布"), 40, fines)
register_section("review", N_("法制审核发现"), 50, review_findings)
register_section("outliers", N_("同案不同罚"), 70, outlier_groups)


# --- building the report ----------------------------------------------------------------------


def scope_agencies(agency_codes=None, user=None) -> list[Agency]:
    query = Agency.objects.filter(is_justice_bureau=False).select_related("division")
    if user is not None:
        query = query.filter(agency_scope_q(user, None))
    if agency_codes:
        query = query.filter(code__in=list(agency_codes))
    return list(query.order_by("division__path", "code"))


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    from sanxiang.core.errors import InvalidInput

    if date_from is None or date_to is None:
        raise InvalidInput("insight.period.missing", _("请填写起止日期。"), field="from")
    if date_from > date_to:
        raise InvalidInput("insight.period.reversed", _("开始日期不能晚于结束日期。"), field="from")
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidInput("insight.period.too_long", _("统计期间不能超过十年。"), field="to")
    return date_from, date_to


def build(
    date_from: dt.date,
    date_to: dt.date,
    agencies: list[Agency],
    *,
    scope_name: str = "",
    rewrite: bool = True,
) -> dict[str, Any]:
    """The report data: plain JSON-able values; the summary is the first fact of each section."""
    date_from, date_to = check_period(date_from, date_to)
    built = []
    for section in sections():
        table = section.build(date_from, date_to, agencies) if agencies else None
        if table is None:
            continue
        built.append(
            {
                "key": section.key,
                "title": _(section.title),
                "chart_id": f"chart-{section.key}",
                "facts": [],
                "columns": [],
                "rows": [],
                "chart": None,
                **table,
            }
        )
    summary = [s["facts"][0] for s in built if s["facts"]]
    if not agencies:
        summary = [_("所选范围内没有执法主体，报告为空。")]
    data = {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "scope": scope_name or _("全部执法主体"),
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "sections": built,
        "summary": summary,
        "summary_source": "template",
    }
    if rewrite and settings.SANXIANG_LLM_URL and built:
        text = checked_rewrite(summary, [f for s in built for f in s["facts"]])
        if text:
            data["summary"], data["summary_source"] = [text], "llm"
    return data


# --- the optional LLM rewrite -----------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:件|元|个|次|倍|名|家|项|月|年|%|％)")


def figures(text: str) -> set[str]:
    """The figures of a text, normalised: 1,200.00 and 1200 are the same figure."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = Decimal(raw.replace(",", ""))
        found.add(format(value.normalize(), "f"))
    return found


def rewrite_is_faithful(rewrite: str, facts: list[str]) -> bool:
    """A rewrite may leave figures out and reword, but every figure it states must be a figure of
    the facts, and it may not spell figures in Chinese numerals (they could not be checked)."""
    allowed = set().union(*(figures(f) for f in facts)) if facts else set()
    return figures(rewrite) <= allowed and not _CHINESE_NUMBER.search(rewrite)


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if settings.SANXIANG_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.SANXIANG_LLM_API_KEY}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.SANXIANG_LLM_TIMEOUT) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


def checked_rewrite(summary: list[str], facts: list[str]) -> str | None:
    """Ask the configured endpoint to rewrite the summary; None if off, failing or unfaithful."""
    url = settings.SANXIANG_LLM_URL.rstrip("/")
    if not url:
        return None
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    prompt = (
        "请把下面的案件分析要点改写成一段通顺、简洁的中文摘要。只能使用要点中出现的数字，原样照抄，"
        "不得计算、估算、增加或改写任何数字，不得使用中文数字。\n\n" + "\n".join(f"- {s}" for s in summary)
    )
    body = {
        "model": settings.SANXIANG_LLM_MODEL or "default",
        "messages": [{"role": "user", "content": prompt}],
        "temperature": 0,
    }
    try:
        answer = _post(url, body)
        text = str(answer["choices"][0]["message"]["content"]).strip()
    except Exception as failure:
        log.warning("analysis: summary rewrite failed: %s", failure)
        return None
    if not text or not rewrite_is_faithful(text, facts):
        log.warning("analysis: summary rewrite rejected (figures differ from the computed facts)")
        return None
    return text


# --- rendering --------------------------------------------------------------------------------

_PALETTE = ("#1d4ed8", "#a4161a", "#1a7f37", "#9a6700")


def _chart_series(option: dict[str, Any]) -> tuple[list[str], list[tuple[str, list[float]]], bool]:
    horizontal = option.get("yAxis", {}).get("type") == "category"
    axis = option["yAxis"] if horizontal else option["xAxis"]
    series = [
        (s.get("name", ""), [float(v or 0) for v in s.get("data", [])]) for s in option.get("series", [])
    ]
    return [str(c) for c in axis.get("data", [])], series, horizontal


def svg_chart(option: dict[str, Any], width: int = 640, height: int = 240) -> str:
    """A static bar chart of an ECharts bar option, for the standalone HTML file (no script)."""
    labels, series, _horizontal = _chart_series(option)
    if not labels or not series:
        return ""
    peak = max((v for _n, values in series for v in values), default=0) or 1
    left, bottom, top = 40, 50, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    slot = plot_w / len(labels)
    bar = max(slot * 0.8 / len(series), 1)
    title = escape(_("统计图"))
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{title}">'
    ]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#8c959f"/>'
    )
    for i, lab in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (_name, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = plot_h * v / peak
            x = x0 + j * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{_PALETTE[j % 4]}"/>'
            )
            if v:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="10" '
                    f'text-anchor="middle">{v:g}</text>'
                )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="middle">{escape(lab[:10])}</text>'
        )
    for j, (name, _v) in enumerate(series):
        if len(series) > 1:
            parts.append(
                f'<rect x="{left + j * 110}" y="{height - 16}" width="10" height="10" '
                f'fill="{_PALETTE[j % 4]}"/>'
            )
            parts.append(
                f'<text x="{left + j * 110 + 14}" y="{height - 7}" font-size="11">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: dict[str, Any]) -> str:
    """The standalone HTML file: inline CSS and SVG charts, nothing loaded from elsewhere."""
    css = (Path(settings.PACKAGE_DIR) / "core" / "static" / "sanxiang" / "app.css").read_text(
        encoding="utf-8"
    )
    shown = [
        {**s, "svg": mark_safe(svg_chart(s["chart"])) if s.get("chart") else ""}  # noqa: S308 - escaped SVG
        for s in data["sections"]
    ]
    return render_to_string(
        "insight/analysis_file.html",
        {"report": data, "sections": shown, "inline_css": mark_safe(css)},  # noqa: S308
    )


def _pdf_chart(option: dict[str, Any], font: str, width: float):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    labels, series, horizontal = _chart_series(option)
    if not labels or not series:
        return None
    height = 60 + 14 * len(labels) if horizontal else 170
    drawing = Drawing(width, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (110 if horizontal else 40), 30
    chart.width, chart.height = width - chart.x - 20, height - 50
    chart.data = [values for _n, values in series]
    chart.categoryAxis.categoryNames = [lab[:12] for lab in labels]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for j in range(len(series)):
        chart.bars[j].fillColor = colors.HexColor(_PALETTE[j % 4])
    drawing.add(chart)
    return drawing


def render_pdf(data: dict[str, Any]) -> bytes:
    """PDF with the embedded CJK font the documents app registers (core.pdf)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sanxiang.core.pdf import pdf_font

    font = pdf_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("案件分析报告"),
    )
    story: list[Any] = [
        Paragraph(
            escape(_("案件分析报告（%(from)s至%(to)s）") % {"from": data["from"], "to": data["to"]}), title
        ),
        Paragraph(
            escape(
                _("范围：%(scope)s · 生成时间：%(generated_at)s")
                % {"scope": data["scope"], "generated_at": data["generated_at"]}
            ),
            body,
        ),
        Paragraph(_("主要发现"), h2),
    ]
    story += [Paragraph(escape(f"• {line}"), body) for line in data["summary"]]
    for section in data["sections"]:
        story.append(Paragraph(escape(section["title"]), h2))
        story += [Paragraph(escape(f"• {fact}"), body) for fact in section["facts"]]
        if section.get("chart"):
            chart = _pdf_chart(section["chart"], font, doc.width)
            if chart is not None:
                story.append(chart)
        if section["rows"]:
            rows = [
                [Paragraph(escape(str(v)), cell) for v in r] for r in [section["columns"], *section["rows"]]
            ]
            table = Table(rows, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c959f")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [Spacer(1, 3), table]
    doc.build(story)
    return out.getvalue()


RENDERERS = {"html": lambda d: render_html(d).encode("utf-8"), "pdf": render_pdf}


# --- the `sanxiang report analysis` command ---------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (YYYY-MM-DD)") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=_date, required=True, help="开始日期 YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=_date, default=None, help="结束日期（默认今天）")
    parser.add_argument("--format", choices=FORMATS, default="html")
    parser.add_argument("-o", "--output", required=True, help="输出文件")
    parser.add_argument("--agency", action="append", help="只统计该机关（代码，可重复）")


def run_report(options: argparse.Namespace, stdout) -> Path:
    from sanxiang.core.errors import DomainError

    date_to = options.date_to or clock.today()
    agencies = scope_agencies(options.agency)
    if options.agency and not agencies:
        raise CommandError(f"unknown agency code(s): {', '.join(options.agency)}")
    try:
        data = build(
            options.date_from,
            date_to,
            agencies,
            scope_name="、".join(a.name for a in agencies) if options.agency else "",
        )
    except DomainError as refusal:
        raise CommandError(refusal.message) from None
    path = Path(options.output)
    path.write_bytes(RENDERERS[options.format](data))
    stdout.write(
        f"analysis report {data['from']}..{data['to']} ({options.format}) → {path} "
        f"({path.stat().st_size} bytes)\n"
    )
    return path
