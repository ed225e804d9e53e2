"""行政执法监督工作情况报告 (Art. 6 ¶1: the justice bureau reports regularly to its government) and
the year-end supervision results per agency for the rule-of-law assessment.

`build(start, end, bureau)` gathers the tables once; `render(data, fmt)` writes HTML, XLSX or PDF
(ReportLab with the embedded CJK font the documents app registers). The CLI door is
`sanxiang report supervision --from DATE --to DATE --format html|pdf|xlsx -o FILE`."""

from __future__ import annotations

import argparse
import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Q
from django.template.loader import render_to_string

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.org.models import Agency
from sanxiang.supervision.models.instruments import (
    OPEN_STATUSES,
    Instrument,
    InstrumentKind,
    InstrumentStatus,
)
from sanxiang.supervision.models.tasks import SupervisionTask, TaskKind, TaskStatus
from sanxiang.supervision.services import graph

FORMATS = ("html", "pdf", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HELP = "行政执法监督工作情况报告（条例第6条）及年度监督结果"
BASIS = "《行政执法监督条例》（国务院令第825号）第6条第1款：定期向本级人民政府报告行政执法监督工作情况。"


def default_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period ending today whose length is SX-SUP-13.period (default six months)."""
    end = end or clock.today()
    if start is None:
        rule = rules.param("SX-SUP-13.period", on=end)
        start = calendar.add_months(end, -int(rule.value)) + dt.timedelta(days=1)
    return start, end


def _table(title: str, columns: list[str], rows: list[list[Any]], note: str = "") -> dict[str, Any]:
    return {"title": title, "columns": columns, "rows": rows, "note": note}


def _in(start: dt.date, end: dt.date, field: str) -> Q:
    return Q(**{f"{field}__date__gte": start, f"{field}__date__lte": end})


def build(start: dt.date, end: dt.date, *, bureau: Agency) -> dict[str, Any]:
    agencies = graph.visible_agencies(bureau)
    organs = graph.bureaus_below(bureau) if bureau.is_justice_bureau else Agency.objects.filter(pk=bureau.pk)
    tasks = SupervisionTask.objects.filter(agency__in=organs)
    instruments = Instrument.objects.filter(issuer__in=organs)
    today = min(end, clock.today())
    sections = [
        _tasks_table(tasks, start, end, today),
        _instruments_table(instruments, start, end, today),
        _findings_table(agencies, start, end),
        _clues_table(organs, start, end),
        _results_table(agencies, instruments, start, end, today),
        _oversight_table(organs, tasks, instruments, today),
    ]
    return {
        "title": f"{bureau.name}行政执法监督工作情况报告",
        "bureau": bureau.name,
        "start": start,
        "end": end,
        "generated_at": clock.now(),
        "basis": BASIS,
        "sections": [s for s in sections if s is not None],
    }


def _tasks_table(tasks, start, end, today) -> dict[str, Any]:
    rows = []
    for kind, label in TaskKind.choices:
        of_kind = tasks.filter(kind=kind)
        rows.append(
            [
                str(label),
                of_kind.filter(_in(start, end, "created_at")).count(),
                of_kind.filter(_in(start, end, "closed_at")).count(),
                of_kind.exclude(status=TaskStatus.CLOSED).count(),
                of_kind.exclude(status=TaskStatus.CLOSED).filter(due_on__lt=today).count(),
                of_kind.filter(reported_at__isnull=False).filter(_in(start, end, "reported_at")).count(),
            ]
        )
    return _table("一、监督任务", ["类型", "本期立项", "本期办结", "在办", "逾期", "上报省级"], rows)


def _instruments_table(instruments, start, end, today) -> dict[str, Any]:
    rows = []
    for kind, label in InstrumentKind.choices:
        of_kind = instruments.filter(kind=kind)
        issued = of_kind.filter(_in(start, end, "issued_at"))
        rows.append(
            [
                str(label),
                issued.count(),
                of_kind.filter(status=InstrumentStatus.CLOSED).filter(_in(start, end, "closed_at")).count(),
                of_kind.filter(status=InstrumentStatus.ESCALATED)
                .filter(_in(start, end, "escalated_at"))
                .count(),
                of_kind.filter(status__in=OPEN_STATUSES).count(),
                of_kind.filter(status__in=OPEN_STATUSES, due_on__lt=today).count(),
            ]
        )
    return _table("二、监督文书与整改", ["文书", "本期制发", "整改办结", "升级处理", "在办", "逾期"], rows)


def _findings_table(agencies, start, end) -> dict[str, Any] | None:
    from sanxiang.supervision.choices import MisconductKind
    from sanxiang.supervision.models.findings import Finding

    found = Finding.objects.filter(agency__in=agencies, found_on__gte=start, found_on__lte=end)
    counts = Counter(found.values_list("kind", flat=True))
    rows = [[str(label), counts[kind]] for kind, label in MisconductKind.choices if counts[kind]]
    return _table("三、发现的问题（按类型）", ["问题类型", "数量"], rows or [["—", 0]])


def _clues_table(organs, start, end) -> dict[str, Any] | None:
    from sanxiang.supervision.choices import ClueChannel
    from sanxiang.supervision.models.clues import Clue

    clues = Clue.objects.filter(agency__in=organs, received_on__gte=start, received_on__lte=end)
    counts = Counter(clues.values_list("channel", flat=True))
    keys = Counter(clues.filter(is_key=True).values_list("channel", flat=True))
    rows = [[str(label), counts[c], keys[c]] for c, label in ClueChannel.choices if counts[c]]
    return _table("四、问题线索（按来源渠道）", ["渠道", "登记", "转重点监督"], rows or [["—", 0, 0]])


def _results_table(agencies, instruments, start, end, today) -> dict[str, Any]:
    from sanxiang.supervision.models.findings import Finding

    rows = []
    for agency in agencies.filter(is_justice_bureau=False, is_justice_office=False):
        received = instruments.filter(target=agency)
        findings = Finding.objects.filter(agency=agency, found_on__gte=start, found_on__lte=end).count()
        in_period = received.filter(_in(start, end, "issued_at"))
        if not findings and not in_period.exists() and not received.filter(status__in=OPEN_STATUSES).exists():
            continue
        rows.append(
            [
                agency.name,
                findings,
                in_period.count(),
                received.filter(status=InstrumentStatus.CLOSED).filter(_in(start, end, "closed_at")).count(),
                received.filter(status__in=OPEN_STATUSES, due_on__lt=today, due_party="target").count(),
                received.filter(status=InstrumentStatus.ESCALATED).count(),
            ]
        )
    return _table(
        "五、年度监督结果（按执法主体，供法治建设考评）",
        ["执法主体", "发现问题", "收到监督文书", "整改办结", "逾期未整改", "升级处理"],
        rows or [["—", 0, 0, 0, 0, 0]],
    )


def _oversight_table(organs, tasks, instruments, today) -> dict[str, Any]:
    rows = []
    for organ in organs:
        overdue_tasks = tasks.filter(agency=organ, due_on__lt=today).exclude(status=TaskStatus.CLOSED).count()
        own = instruments.filter(issuer=organ, status__in=OPEN_STATUSES, due_on__lt=today, due_party="issuer")
        rows.append([organ.name, overdue_tasks, own.count()])
    return _table(
        "六、监督机构履职情况（条例第39条）",
        ["监督机构", "逾期未办结任务", "逾期未送达/未核验文书"],
        rows,
        note="逾期事项对上一级执法监督机构可见，可逐项查看。",
    )


# --- rendering ------------------------------------------------------------------------------------


def render(data: dict[str, Any], fmt: str) -> bytes:
    if fmt == "html":
        return render_to_string("supervision/instruments/report_doc.html", {"data": data}).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(data)
    if fmt == "pdf":
        return _pdf(data)
    raise ValueError(fmt)


def _xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    from sanxiang.core.tabular import cell

    workbook = Workbook()
    summary = workbook.active
    summary.title = "报告"
    summary.append([data["title"]])
    summary.append([f"报告期间：{data['start']} 至 {data['end']}"])
    summary.append([data["basis"]])
    for n, section in enumerate(data["sections"], start=1):
        sheet = workbook.create_sheet(f"{n}")
        sheet.append([section["title"]])
        sheet.append(section["columns"])
        for row in section["rows"]:
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sanxiang.core.pdf import pdf_font

    font = pdf_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    head = ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    flow = [
        Paragraph(data["title"], title),
        Spacer(1, 4 * mm),
        Paragraph(f"报告期间：{data['start']} 至 {data['end']}", body),
        Paragraph(data["basis"], body),
    ]
    for section in data["sections"]:
        flow.append(Paragraph(section["title"], head))
        rows = [[Paragraph(str(c), body) for c in section["columns"]]]
        rows += [[Paragraph(str(v), body) for v in row] for row in section["rows"]]
        table = Table(rows, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        flow.append(table)
        if section["note"]:
            flow.append(Paragraph(section["note"], body))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=data["title"], leftMargin=18 * mm, rightMargin=18 * mm
    ).build(flow)
    return buffer.getvalue()


# --- CLI -------------------------------------------------------------------------------------------


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为YYYY-MM-DD：{value}") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=_date_arg, help="起始日期（默认按SX-SUP-13周期）")
    parser.add_argument("--to", dest="end", type=_date_arg, help="截止日期（默认今天）")
    parser.add_argument("--format", choices=FORMATS, default="html")
    parser.add_argument("-o", "--output", required=True, help="输出文件")
    parser.add_argument("--bureau", help="司法行政部门代码（默认最高一级的司法局）")


def run_report(options: argparse.Namespace, stdout) -> Path:
    bureaus = Agency.objects.filter(is_justice_bureau=True).select_related("division")
    if options.bureau:
        bureau = bureaus.filter(code=options.bureau).first()
        if bureau is None:
            raise CommandError(f"unknown justice bureau {options.bureau}")
    else:
        bureau = min(bureaus, key=lambda b: len(b.division.path), default=None)
        if bureau is None:
            raise CommandError("no justice bureau in the organisation model")
    start, end = default_period(options.start, options.end)
    if end < start:
        raise CommandError("--to is before --from")
    path = Path(options.output)
    path.write_bytes(render(build(start, end, bureau=bureau), options.format))
    stdout.write(
        f"supervision report {start}..{end} ({options.format}) → {path} ({path.stat().st_size} bytes)\n"
    )
    return path
