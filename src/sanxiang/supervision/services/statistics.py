"""Clue statistics: the section of the case analysis report (insight.analysis) and the figures of
the clue pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils.translation import gettext as _

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
        facts.append(_("本期未收到问题线索。"))
    else:
        top, n = by_channel.most_common(1)[0]
        facts.append(
            _("本期共登记问题线索%(total)s条，其中%(channel)s%(count)s条。")
            % {"total": total, "channel": labels[top], "count": n}
        )
        escalated = by_status.get(ClueStatus.ESCALATED, 0)
        if escalated:
            facts.append(_("转为重点监督%(count)s条。") % {"count": escalated})
        dismissed = by_status.get(ClueStatus.DISMISSED, 0)
        if dismissed:
            facts.append(_("经研判不予处理%(count)s条。") % {"count": dismissed})
    kinds = Counter(findings.values_list("kind", flat=True))
    if kinds:
        from sanxiang.supervision.choices import MisconductKind

        names = dict(MisconductKind.choices)
        kind, n = kinds.most_common(1)[0]
        facts.append(
            _("认定或检出监督问题%(total)s个，最多的是%(kind)s（%(count)s个）。")
            % {"total": sum(kinds.values()), "kind": names[kind], "count": n}
        )
    return {
        "facts": facts,
        "columns": [_("来源渠道"), _("线索数")],
        "rows": rows,
        "chart": {"type": "bar", "x": [r[0] for r in rows], "y": [r[1] for r in rows]} if rows else None,
    }
