"""The annual statistics report's audio/video coverage section (PUB-11), registered in
`core.reports` so that publicity's report shows real figures without importing records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.core import reports
from sanxiang.records import coverage_stats

DASH = "—"


def _rate(recorded: int, required: int) -> str:
    return f"{Decimal(recorded * 100) / Decimal(required):.1f}%" if required else DASH


def av_coverage(year: int, agencies) -> dict[str, Any]:
    """Per agency: the acts of the year that had to be recorded on video, how many were, the rate."""
    counts = coverage_stats.per_agency([a.pk for a in agencies], dt.date(year, 1, 1), dt.date(year, 12, 31))
    rows = []
    for agency in agencies:
        recorded, required = counts.get(agency.pk, (0, 0))
        rows.append([agency.name, required, recorded, required - recorded, _rate(recorded, required)])
    total_required = sum(r[1] for r in rows)
    total_recorded = sum(r[2] for r in rows)
    return {
        "columns": [_("执法主体"), _("须全程音像记录的环节"), _("已记录"), _("缺少音像记录"), _("覆盖率")],
        "rows": rows,
        "total": [
            _("合计"),
            total_required,
            total_recorded,
            total_required - total_recorded,
            _rate(total_recorded, total_required),
        ],
    }


def register() -> None:
    reports.register_section("annual", "av_coverage", N_("音视频记录覆盖率"), av_coverage, order=70)
