"""统计年报 (P5, PUB-11): last year's enforcement statistics per agency and category, as HTML with
charts, XLSX and PDF; published on the portal by 31 January.

The report is assembled from sections registered in `core.reports` under the name "annual", so
the review app (reviews and outcomes) and the record app (audio/video coverage) add theirs
without publicity importing them; until they do, their placeholders show "—".

    sanxiang report annual --year 2025 --format html|xlsx|pdf -o FILE [--agency CODE]
"""

from __future__ import annotations

import argparse
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.catalog.choices import Category
from sanxiang.core import clock, reports
from sanxiang.org.models import Agency
from sanxiang.publicity.choices import PublicationKind, PublicationStatus
from sanxiang.publicity.models import Publication

HELP = "统计年报（各机关各类别执法数据，PUB-11）"
FORMATS = ("html", "xlsx", "pdf")
CATEGORIES = (
    Category.PERMIT,
    Category.PENALTY,
    Category.COERCION,
    Category.INSPECTION,
    Category.LEVY,
    Category.CONFIRMATION,
)
DASH = "—"


def _pct(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / Decimal(whole):.1f}%" if whole else DASH


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


# --- sections --------------------------------------------------------------------------------


def decisions_by_category(year: int, agencies) -> dict[str, Any]:
    """Decisions per agency and category (permits, penalties, coercion, inspections, levies,
    confirmations), with on-site coercive measures and inspections carried out."""
    rows = []
    counts = (
        Case.objects.filter(agency__in=agencies, decided_on__year=year)
        .values("agency_id", "category")
        .annotate(n=Count("pk"))
    )
    by_agency: dict[int, Counter] = defaultdict(Counter)
    for row in counts:
        by_agency[row["agency_id"]][row["category"]] += row["n"]
    acts = (
        CaseEvent.objects.filter(case__agency__in=agencies, at__year=year)
        .filter(Q(transition__in=["execute", "execute_emergency"], case__procedure="coercion.measure"))
        .values("case__agency_id")
        .annotate(n=Count("pk"))
    )
    measures = {a["case__agency_id"]: a["n"] for a in acts}
    totals: Counter = Counter()
    for agency in agencies:
        counter = by_agency.get(agency.pk, Counter())
        values = [counter[c] for c in CATEGORIES]
        row = [agency.name, *values, measures.get(agency.pk, 0), sum(values)]
        totals.update({i: v for i, v in enumerate(row[1:])})
        rows.append(row)
    total_row = [_("合计"), *[totals[i] for i in range(len(CATEGORIES) + 2)]]
    return {
        "columns": [_("执法主体"), *[str(c.label) for c in CATEGORIES], _("实施强制措施"), _("合计")],
        "rows": rows,
        "total": total_row,
        "chart": {"labels": [str(c.label) for c in CATEGORIES], "values": total_row[1 : len(CATEGORIES) + 1]},
    }


def fines(year: int, agencies) -> dict[str, Any]:
    sums = {
        r["agency_id"]: r
        for r in Case.objects.filter(agency__in=agencies, decided_on__year=year, category=Category.PENALTY)
        .values("agency_id")
        .annotate(fine=Sum("fine_amount"), confiscation=Sum("confiscation_amount"), n=Count("pk"))
    }
    rows, fine_total, conf_total = [], Decimal(0), Decimal(0)
    for agency in agencies:
        r = sums.get(agency.pk, {})
        fine_total += r.get("fine") or 0
        conf_total += r.get("confiscation") or 0
        rows.append([agency.name, r.get("n", 0), _money(r.get("fine")), _money(r.get("confiscation"))])
    return {
        "columns": [_("执法主体"), _("处罚决定"), _("罚款（元）"), _("没收违法所得、非法财物（元）")],
        "rows": rows,
        "total": [_("合计"), sum(r[1] for r in rows), _money(fine_total), _money(conf_total)],
    }


def hearings(year: int, agencies) -> dict[str, Any]:
    held = dict(
        CaseEvent.objects.filter(case__agency__in=agencies, at__year=year, transition="hold_hearing")
        .values_list("case__agency_id")
        .annotate(n=Count("pk"))
    )
    requested = dict(
        CaseEvent.objects.filter(case__agency__in=agencies, at__year=year, transition="request_hearing")
        .values_list("case__agency_id")
        .annotate(n=Count("pk"))
    )
    rows = [[a.name, requested.get(a.pk, 0), held.get(a.pk, 0)] for a in agencies]
    return {
        "columns": [_("执法主体"), _("申请听证"), _("举行听证")],
        "rows": rows,
        "total": [_("合计"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    }


_CORRECTED = {"changed", "revoked", "confirmed_illegal", "confirmed_void"}


def remedies(year: int, agencies) -> dict[str, Any]:
    """Reconsiderations and lawsuits concluded in the year, and the correction rate (纠错率)."""
    per: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for event in CaseEvent.objects.filter(
        case__agency__in=agencies, at__year=year, transition="record_remedy"
    ).select_related("case"):
        data = event.data or {}
        per[(event.case.agency_id, data.get("remedy_kind", ""))][data.get("remedy_result", "")] += 1
    rows = []
    grand: Counter = Counter()
    for agency in agencies:
        for kind, label in (("reconsideration", _("行政复议")), ("litigation", _("行政诉讼"))):
            c = per.get((agency.pk, kind), Counter())
            decided = sum(v for k, v in c.items() if k != "withdrawn")
            corrected = sum(c[k] for k in _CORRECTED)
            grand[f"{kind}:decided"] += decided
            grand[f"{kind}:corrected"] += corrected
            rows.append(
                [
                    agency.name,
                    label,
                    sum(c.values()),
                    c["upheld"],
                    corrected,
                    c["withdrawn"],
                    _pct(corrected, decided),
                ]
            )
    decided = grand["reconsideration:decided"] + grand["litigation:decided"]
    corrected = grand["reconsideration:corrected"] + grand["litigation:corrected"]
    return {
        "columns": [
            _("执法主体"),
            _("途径"),
            _("办结"),
            _("维持"),
            _("纠错（变更、撤销、确认违法或无效）"),
            _("撤回"),
            _("纠错率"),
        ],
        "rows": [r for r in rows if r[2]] or [[_("（本年度无复议、诉讼结果）"), "", 0, 0, 0, 0, DASH]],
        "total": [
            _("合计"),
            "",
            sum(r[2] for r in rows),
            sum(r[3] for r in rows),
            corrected,
            sum(r[5] for r in rows),
            _pct(corrected, decided),
        ],
    }


def publication_timeliness(year: int, agencies) -> dict[str, Any]:
    """事后公开: decisions of the year published on time (PUB-05), late, still pending, withheld."""
    today = clock.today()
    rows = []
    totals: Counter = Counter()
    pubs = Publication.objects.filter(
        agency__in=agencies, kind=PublicationKind.DECISION, decided_on__year=year
    ).values_list("agency_id", "status", "first_published_on", "due_on")
    per: dict[int, Counter] = defaultdict(Counter)
    for agency_id, status, first, due in pubs:
        c = per[agency_id]
        c["total"] += 1
        if status == PublicationStatus.WITHHELD:
            c["withheld"] += 1
        elif first is not None:
            c["on_time" if due is None or first <= due else "late"] += 1
        elif due is not None and due < today:
            c["overdue"] += 1
        else:
            c["pending"] += 1
    for agency in agencies:
        c = per.get(agency.pk, Counter())
        totals.update(c)
        published = c["on_time"] + c["late"]
        rows.append(
            [
                agency.name,
                c["total"],
                c["on_time"],
                c["late"],
                c["overdue"],
                c["pending"],
                c["withheld"],
                _pct(c["on_time"], published + c["overdue"]),
            ]
        )
    return {
        "columns": [
            _("执法主体"),
            _("应公示决定"),
            _("按期公示"),
            _("逾期公示"),
            _("逾期未公示"),
            _("期限内待公示"),
            _("依法不予公开"),
            _("及时率"),
        ],
        "rows": rows,
        "total": [
            _("合计"),
            totals["total"],
            totals["on_time"],
            totals["late"],
            totals["overdue"],
            totals["pending"],
            totals["withheld"],
            _pct(totals["on_time"], totals["on_time"] + totals["late"] + totals["overdue"]),
        ],
    }


def _unavailable(year: int, agencies) -> None:
    return None


def register_sections() -> None:
    add = reports.register_section
    add("annual", "decisions", N_("执法决定数量（按执法主体、类别）"), decisions_by_category, order=10)
    add("annual", "fines", N_("罚没金额"), fines, order=20)
    add("annual", "hearings", N_("听证"), hearings, order=30)
    add("annual", "reviews", N_("重大执法决定法制审核及结果"), _unavailable, order=40, placeholder=True)
    add("annual", "remedies", N_("行政复议、行政诉讼及纠错率"), remedies, order=50)
    add("annual", "publication", N_("事后公开及时率"), publication_timeliness, order=60)
    add("annual", "av_coverage", N_("音视频记录覆盖率"), _unavailable, order=70, placeholder=True)


register_sections()


# --- building and rendering ------------------------------------------------------------------


def scope_agencies(agency_codes: Iterable[str] | None = None):
    query = (
        Agency.objects.filter(is_justice_bureau=False)
        .select_related("division")
        .order_by("division__path", "code")
    )
    if agency_codes:
        query = query.filter(code__in=list(agency_codes))
    return list(query)


def build(year: int, agencies=None, *, scope_name: str = "") -> dict[str, Any]:
    """The report data: plain JSON (strings and integers), ready to publish or render."""
    agencies = scope_agencies() if agencies is None else list(agencies)
    sections = []
    for section in reports.sections("annual"):
        table = section.build(year, agencies)
        sections.append(
            {"key": section.key, "title": _(section.title), "available": table is not None, **(table or {})}
        )
    return {
        "year": year,
        "scope": scope_name or _("全市"),
        "agencies": [a.name for a in agencies],
        "generated_at": timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M"),
        "sections": sections,
    }


def bar_chart(labels: list[str], values: list[int], *, width: int = 560, bar_height: int = 22) -> str:
    """A horizontal bar chart as inline SVG (no script, no external asset)."""
    peak = max(values or [0]) or 1
    label_w, gap = 110, 8
    height = len(labels) * (bar_height + gap) + gap
    title = escape(_("统计图"))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{title}">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = gap + i * (bar_height + gap)
        w = int((width - label_w - 60) * value / peak)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_height - 6}" text-anchor="end" font-size="13" '
            f'fill="#1f2328">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_height}" fill="#a4161a" rx="3"/>'
            f'<text x="{label_w + w + 6}" y="{y + bar_height - 6}" font-size="13" '
            f'fill="#1f2328">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: dict[str, Any], *, standalone: bool = True) -> str:
    sections = []
    for s in data["sections"]:
        chart = s.get("chart")
        sections.append({**s, "svg": mark_safe(bar_chart(chart["labels"], chart["values"])) if chart else ""})  # noqa: S308
    css = ""
    if standalone:
        css = (Path(settings.PACKAGE_DIR) / "core" / "static" / "sanxiang" / "app.css").read_text(
            encoding="utf-8"
        )
    return render_to_string(
        "publicity/annual_report.html",
        {"report": data, "sections": sections, "standalone": standalone, "inline_css": mark_safe(css)},  # noqa: S308
    )


def render_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for section in data["sections"]:
        sheet = book.create_sheet(section["title"][:31].replace("/", "、"))
        sheet.append(
            [
                _("%(year)s年度 %(scope)s %(title)s")
                % {"year": data["year"], "scope": data["scope"], "title": section["title"]}
            ]
        )
        sheet["A1"].font = Font(bold=True, size=13)
        if not section["available"]:
            sheet.append([DASH, _("数据来源尚未接入")])
            continue
        sheet.append(section["columns"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in section["rows"]:
            sheet.append(row)
        if section.get("total"):
            sheet.append(section["total"])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pdf(data: dict[str, Any]) -> bytes:
    """Landscape A4 PDF drawn with ReportLab and the embedded Chinese font of `core.pdf`."""
    from xml.sax.saxutils import escape as xml_escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sanxiang.core import pdf as corepdf

    font = corepdf.pdf_font()
    base = ParagraphStyle("annual", fontName=font, fontSize=8, leading=10.5, wordWrap="CJK")
    title = ParagraphStyle("annual-title", parent=base, fontSize=16, leading=22, spaceAfter=2)
    heading = ParagraphStyle(
        "annual-heading", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=3
    )
    small = ParagraphStyle("annual-small", parent=base, fontSize=9, leading=12)

    def para(text: Any, style=base) -> Paragraph:
        return Paragraph(xml_escape(str(text)), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("%(year)s年度行政执法统计年报") % {"year": data["year"]},
        author=data["scope"],
        creator="Sanxiang",
        invariant=1,
    )
    story: list[Any] = [
        para(
            _("%(year)s年度行政执法统计年报 · %(scope)s") % {"year": data["year"], "scope": data["scope"]},
            title,
        ),
        para(_("生成时间：%(at)s") % {"at": data["generated_at"]}, small),
    ]
    for section in data["sections"]:
        story.append(para(section["title"], heading))
        if not section["available"]:
            story.append(para(f"{DASH} {_('数据来源尚未接入')}"))
            continue
        rows = [section["columns"], *section["rows"]]
        if section.get("total"):
            rows.append(section["total"])
        ncols = max(len(row) for row in rows)
        first = min(doc.width * 0.28, doc.width / ncols * 2) if ncols > 1 else doc.width
        rest = (doc.width - first) / (ncols - 1) if ncols > 1 else 0
        table = Table(
            [[para(value) for value in row] for row in rows],
            colWidths=[first] + [rest] * (ncols - 1),
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [table, Spacer(1, 2 * mm)]
    doc.build(story)
    return buffer.getvalue()


RENDERERS = {"html": lambda d: render_html(d).encode("utf-8"), "xlsx": render_xlsx, "pdf": render_pdf}


# --- the `sanxiang report annual` command ----------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, default=clock.today().year - 1, help="年度（默认上一年）")
    parser.add_argument("--format", choices=FORMATS, default="html")
    parser.add_argument("-o", "--output", required=True, help="输出文件")
    parser.add_argument("--agency", action="append", help="只统计该机关（代码，可重复）")


def run_report(options: argparse.Namespace, stdout) -> Path:
    if not 1990 <= options.year <= clock.today().year:
        raise CommandError(f"invalid year {options.year}")
    agencies = scope_agencies(options.agency)
    data = build(
        options.year, agencies, scope_name="、".join(a.name for a in agencies) if options.agency else ""
    )
    path = Path(options.output)
    path.write_bytes(RENDERERS[options.format](data))
    stdout.write(f"annual report {options.year} ({options.format}) → {path} ({path.stat().st_size} bytes)\n")
    return path
