"""Clue statistics: the section of the case analysis report (insight.analysis) and the figures of
the clue pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sanxiang.supervision.choices import ClueChannel, ClueStatus
from sanxiang.supervision.models import Clue, Finding


def clue_statistics_section(date_from: dt.date, date_to: dt.date, agencies=None) -> dict:
    """线索统计 for the analysis report: clues by channel and outcome, and findings by kind."""
    clues = Clue.objects.filter(received_on__gte=date_from, received_on__lte=date_to)
    findings = Finding.objects.filter(found_on__gte=date_from, found_on__lte=date_to)
    if agencies is not None:
        ids = [getattr(a, "pk", a) for a in agencies]
        clues = clues.filter(agencies__in=ids).distinct()
        findings = findings.filter(agency_id__in=ids)
    by_channel = Counter(clues.values_list("channel", flat=True))
    by_status = Counter(clues.values_list("status", flat=True))
    total = sum(by_channel.values())
    labels = dict(ClueChannel.choices)
    rows = [
        [str(labels[code]), by_channel.get(code, 0)] for code in ClueChannel.values if by_channel.get(code, 0)
    ]
    facts = []
    if total == 0:
        facts.append("本期未收到问题线索。")
    else:
        top, n = by_channel.most_common(1)[0]
        facts.append(f"本期共登记问题线索{total}条，其中{labels[top]}{n}条。")
        escalated = by_status.get(ClueStatus.ESCALATED, 0)
        if escalated:
            facts.append(f"转为重点监督{escalated}条。")
        dismissed = by_status.get(ClueStatus.DISMISSED, 0)
        if dismissed:
            facts.append(f"经研判不予处理{dismissed}条。")
    kinds = Counter(findings.values_list("kind", flat=True))
    if kinds:
        from sanxiang.supervision.choices import MisconductKind

        names = dict(MisconductKind.choices)
        kind, n = kinds.most_common(1)[0]
        facts.append(f"认定或检出监督问题{sum(kinds.values())}个，最多的是{names[kind]}（{n}个）。")
    return {
        "facts": facts,
        "columns": ["来源渠道", "线索数"],
        "rows": rows,
        "chart": {"type": "bar", "x": [r[0] for r in rows], "y": [r[1] for r in rows]} if rows else None,
    }
