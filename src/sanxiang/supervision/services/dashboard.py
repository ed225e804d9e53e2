"""Dashboards for heads and supervisors: the figures behind each chart, scoped to the user's
agencies, for one period; and for each figure the cases behind it (drill-down).

Each chart is a `Chart`: an id, a title, a table (columns + rows — what the CSV/XLSX download
holds) and an ECharts option built from the same rows, whose data items carry the drill-down URL
(`core/static/core/charts.js` follows it on click). Every count is one grouped query over the
scoped agencies and the period; nothing loads cases one by one. Cases registered and closed in the
period (KPIs, the procedure and weekly charts) are read from the daily summary
(services/summary.py), so a year costs at most 365 days of summary rows whatever the number of
cases; current state (open cases, deadlines) and drill-downs read the cases through indexes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput
from sanxiang.supervision.services import scorecard, summary

PERIODS = (
    ("month", gettext_lazy("月度")),
    ("quarter", gettext_lazy("季度")),
    ("year", gettext_lazy("年度")),
    ("rolling12", gettext_lazy("近12个月")),
)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date
    anchor: dt.date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s年%(month)02d月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "year":
            return _("%(year)s年") % {"year": self.start.year}
        return _("%(start)s 至 %(end)s") % {"start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"}

    @property
    def params(self) -> dict[str, str]:
        return {"period": self.kind, "at": self.anchor.isoformat()}

    def shifted(self, step: int) -> Period:
        months = {"month": 1, "quarter": 3, "year": 12, "rolling12": 12}[self.kind] * step
        return period(self.kind, _add_months(self.anchor, months))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return scorecard._bounds(self.start, self.end)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def period(kind: str | None, anchor: dt.date | str | None = None) -> Period:
    """The period of `kind` containing `anchor` (default today); rolling12 ends at the anchor's
    month end (or today, whichever is earlier)."""
    kind = kind or "month"
    if kind not in dict(PERIODS):
        raise InvalidInput(
            "supervision.period", _("期间类型无效（月度、季度、年度或近12个月）。"), field="period"
        )
    if isinstance(anchor, str):
        try:
            anchor = dt.date.fromisoformat(anchor)
        except ValueError:
            raise InvalidInput("supervision.period", _("日期格式应为 YYYY-MM-DD。"), field="at") from None
    today = clock.today()
    anchor = anchor or today
    if not 1990 <= anchor.year <= today.year + 1:
        raise InvalidInput("supervision.period", _("日期超出范围。"), field="at")
    if kind == "month":
        start = anchor.replace(day=1)
        end = _add_months(start, 1) - dt.timedelta(days=1)
    elif kind == "quarter":
        start = dt.date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1)
        end = _add_months(start, 3) - dt.timedelta(days=1)
    elif kind == "year":
        start, end = dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31)
    else:
        end = min(_add_months(anchor.replace(day=1), 1) - dt.timedelta(days=1), max(today, anchor))
        start = _add_months(anchor.replace(day=1), -11)
    return Period(kind, start, end, anchor)


@dataclass
class Chart:
    id: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    option: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    empty: bool = False

    @property
    def cells(self) -> list[list[Any]]:
        """The table rows as lists, in column order (for the template's data table)."""
        return [[row.get(key, "") for key, _label in self.columns] for row in self.rows]

    @property
    def dom_id(self) -> str:
        return f"chart-{self.id}"


def drill_url(chart: str, key: str, p: Period, agency: str = "") -> str:
    params = {"chart": chart, "key": key, **p.params}
    if agency:
        params["agency"] = agency
    return f"{reverse('supervision:dash_cases')}?{urlencode(params)}"


def _procedures():
    from sanxiang.cases.workflow import registry

    return {p.code: p for p in registry.procedures()}


STEP_ORDER = ("start", "investigation", "decision", "service", "archive")


def _step_labels() -> dict[str, str]:
    from sanxiang.cases.choices import Step

    return {s.value: str(s.label) for s in Step}


# --- charts ------------------------------------------------------------------------------------


def by_procedure_stage(agency_ids, p: Period, agency: str) -> Chart:
    """Cases opened in the period, by procedure and the record step of their current stage (read
    from the daily summary: `opened` of each day is counted by the case's current stage)."""
    procs = _procedures()
    counts = Counter()
    for procedure, stage, n in (
        summary.rows(agency_ids, p.start, p.end)
        .values("procedure", "stage")
        .annotate(n=Sum("opened"))
        .values_list("procedure", "stage", "n")
    ):
        if not n:
            continue
        definition = procs.get(procedure)
        step = "start"
        if definition is not None:
            with contextlib.suppress(KeyError):
                step = definition.stage(stage).step
        counts[(procedure, stage, str(step))] += n
    labels = _step_labels()
    rows = [
        {
            "procedure": _(procs[pr].name) if pr in procs else pr,
            "stage": _(procs[pr].stage(st).name) if pr in procs else st,
            "step": labels.get(step, step),
            "count": n,
            "_key": f"{pr}:{st}",
        }
        for (pr, st, step), n in sorted(counts.items())
    ]
    order = sorted({pr for pr, _s, _t in counts})
    series = []
    for step in STEP_ORDER:
        data = []
        for pr in order:
            n = sum(v for (p2, _s, t), v in counts.items() if p2 == pr and t == step)
            data.append(
                {"value": n, "url": drill_url("procedure", f"{pr}:step:{step}", p, agency)} if n else 0
            )
        series.append({"type": "bar", "stack": "all", "name": labels[step], "data": data})
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [_(procs[c].name) if c in procs else c for c in order]},
        "series": series,
    }
    return Chart(
        "procedure",
        _("按程序和环节的案件（本期登记）"),
        [("procedure", _("程序")), ("stage", _("当前阶段")), ("step", _("环节")), ("count", _("案件数"))],
        rows,
        option,
        empty=not rows,
    )


def weekly(agency_ids, p: Period, agency: str) -> Chart:
    """New and closed cases per ISO week (weeks starting on Monday) within the period, from the
    daily summary (one grouped read of at most a year of days)."""
    weeks = []
    week = _monday(p.start)
    while week <= p.end:
        weeks.append(week)
        week += dt.timedelta(days=7)
    new, closed = Counter(), Counter()
    for day, opened_n, closed_n in (
        summary.rows(agency_ids, p.start, p.end)
        .values("day")
        .annotate(opened_n=Sum("opened"), closed_n=Sum("closed"))
        .values_list("day", "opened_n", "closed_n")
    ):
        new[_monday(day)] += opened_n or 0
        closed[_monday(day)] += closed_n or 0
    rows = [{"week": w, "new": new[w], "closed": closed[w]} for w in weeks]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [f"{w:%m-%d}" for w in weeks]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "line",
                "name": _("新增"),
                "data": [{"value": new[w], "url": drill_url("weekly", f"new:{w}", p, agency)} for w in weeks],
            },
            {
                "type": "line",
                "name": pgettext("dashboard series", "结案"),
                "data": [
                    {"value": closed[w], "url": drill_url("weekly", f"closed:{w}", p, agency)} for w in weeks
                ],
            },
        ],
    }
    return Chart(
        "weekly",
        _("每周新增与结案"),
        [("week", _("周（周一）")), ("new", _("新增")), ("closed", pgettext("dashboard series", "结案"))],
        rows,
        option,
        empty=not (sum(new.values()) or sum(closed.values())),
    )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def deadlines(agencies, p: Period, agency: str) -> tuple[Chart, list]:
    """Running deadlines and overdue ones now, per agency; the list shows the newly overdue first."""
    from sanxiang.cases.choices import DeadlineStatus
    from sanxiang.cases.models import Deadline

    today = clock.today()
    soon = today + dt.timedelta(days=7)
    base = Deadline.objects.filter(case__agency_id__in=[a.pk for a in agencies])
    per = {
        r["case__agency_id"]: r
        for r in base.filter(
            status__in=[DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE]
        )
        .values("case__agency_id")
        .annotate(
            overdue=Count("pk", filter=Q(status=DeadlineStatus.OVERDUE)),
            soon=Count("pk", filter=Q(status=DeadlineStatus.RUNNING, due_on__lte=soon)),
            running=Count("pk", filter=Q(status__in=[DeadlineStatus.RUNNING, DeadlineStatus.PAUSED])),
        )
    }
    names = {a.pk: a for a in agencies}
    rows = []
    for agency_id, r in sorted(per.items(), key=lambda kv: -kv[1]["overdue"]):
        a = names.get(agency_id)
        if a is None:
            continue
        rows.append(
            {
                "agency": a.name,
                "overdue": r["overdue"],
                "soon": r["soon"],
                "running": r["running"],
                "_code": a.code,
            }
        )
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r["agency"] for r in rows]},
        "series": [
            {
                "type": "bar",
                "name": _("已逾期"),
                "itemStyle": {"color": "#c0392b"},
                "data": [
                    {"value": r["overdue"], "url": drill_url("deadlines", "overdue", p, r["_code"])}
                    for r in rows
                ],
            },
            {
                "type": "bar",
                "name": _("7日内届满"),
                "itemStyle": {"color": "#e6a23c"},
                "data": [
                    {"value": r["soon"], "url": drill_url("deadlines", "soon", p, r["_code"])} for r in rows
                ],
            },
            {
                "type": "bar",
                "name": _("计时中"),
                "data": [
                    {"value": r["running"], "url": drill_url("deadlines", "running", p, r["_code"])}
                    for r in rows
                ],
            },
        ],
    }
    overdue_list = list(
        base.filter(status=DeadlineStatus.OVERDUE)
        .select_related("case", "case__agency")
        .order_by(F("overdue_since").desc(nulls_last=True), "due_on")[:15]
    )
    chart = Chart(
        "deadlines",
        _("办案时限：计时中与已逾期（当前）"),
        [
            ("agency", _("执法主体")),
            ("overdue", _("已逾期")),
            ("soon", _("7日内届满")),
            ("running", _("计时中")),
        ],
        rows,
        option,
        note=_("按当前状态统计，不随期间变化。"),
        empty=not rows,
    )
    return chart, overdue_list


def reviews(agency_ids, p: Period, agency: str) -> Chart:
    from sanxiang.review.choices import Outcome, State
    from sanxiang.review.models import Review

    start, end = p.bounds()
    counts = Counter()
    for state, outcome, n in (
        Review.objects.filter(case__agency_id__in=agency_ids, submitted_at__gte=start, submitted_at__lt=end)
        .values("state", "outcome")
        .annotate(n=Count("pk"))
        .values_list("state", "outcome", "n")
    ):
        key = outcome if state == State.CONCLUDED and outcome else state
        counts[key] += n
    labels = {**{s.value: str(s.label) for s in State}, **{o.value: str(o.label) for o in Outcome}}
    order = [o.value for o in Outcome] + [s.value for s in State if s.value not in (State.CONCLUDED,)]
    rows = [{"outcome": labels[k], "count": counts[k], "_key": k} for k in order if counts[k]]
    option = {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {
                        "name": r["outcome"],
                        "value": r["count"],
                        "url": drill_url("reviews", r["_key"], p, agency),
                    }
                    for r in rows
                ],
            }
        ],
    }
    return Chart(
        "reviews",
        _("法制审核（本期送审，按结果）"),
        [("outcome", _("审核结果/状态")), ("count", _("件数"))],
        rows,
        option,
        empty=not rows,
    )


def publication(agencies, p: Period, agency: str) -> Chart:
    """Decisions of the period by publication outcome, per month of the decision."""
    from sanxiang.publicity.choices import PublicationKind, PublicationStatus
    from sanxiang.publicity.models import Publication

    today = clock.today()
    per: dict[str, Counter] = defaultdict(Counter)
    for month, status, first, due in Publication.objects.filter(
        agency__in=agencies, kind=PublicationKind.DECISION, decided_on__gte=p.start, decided_on__lte=p.end
    ).values_list("decided_on", "status", "first_published_on", "due_on"):
        key = f"{month:%Y-%m}"
        if status == PublicationStatus.WITHHELD:
            per[key]["withheld"] += 1
        elif first is not None:
            per[key]["on_time" if due is None or first <= due else "late"] += 1
        elif due is not None and due < today:
            per[key]["overdue"] += 1
        else:
            per[key]["pending"] += 1
    names = {
        "on_time": _("按期公示"),
        "late": _("逾期公示"),
        "overdue": _("逾期未公示"),
        "pending": _("期限内待公示"),
        "withheld": _("依法不予公开"),
    }
    colors = {
        "on_time": "#2e7d32",
        "late": "#e6a23c",
        "overdue": "#c0392b",
        "pending": "#8a94a6",
        "withheld": "#5470c6",
    }
    months = sorted(per)
    rows = []
    for m in months:
        c = per[m]
        denominator = c["on_time"] + c["late"] + c["overdue"]
        rows.append(
            {
                "month": m,
                **{k: c[k] for k in names},
                "rate": f"{c['on_time'] / denominator * 100:.1f}%" if denominator else _(scorecard.NO_DATA),
            }
        )
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "stack": "all",
                "name": label,
                "itemStyle": {"color": colors[k]},
                "data": [
                    {"value": per[m][k], "url": drill_url("publication", f"{k}:{m}", p, agency)}
                    for m in months
                ],
            }
            for k, label in names.items()
        ],
    }
    return Chart(
        "publication",
        _("执法决定公示及时性（按决定月份）"),
        [("month", _("月份")), *names.items(), ("rate", _("及时率"))],
        rows,
        option,
        empty=not rows,
    )


def av(agencies, p: Period, agency: str) -> Chart:
    events = scorecard.av_events([a.pk for a in agencies], p.start, p.end)
    names = {a.pk: a for a in agencies}
    per: dict[int, Counter] = defaultdict(Counter)
    for agency_id, _case, _event, covered in events:
        per[agency_id]["covered" if covered else "missing"] += 1
    rows = []
    for agency_id, c in sorted(per.items(), key=lambda kv: -kv[1]["missing"]):
        total = c["covered"] + c["missing"]
        rows.append(
            {
                "agency": names[agency_id].name,
                "covered": c["covered"],
                "missing": c["missing"],
                "rate": f"{c['covered'] / total * 100:.1f}%" if total else _(scorecard.NO_DATA),
                "_code": names[agency_id].code,
            }
        )
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r["agency"] for r in rows]},
        "series": [
            {
                "type": "bar",
                "stack": "all",
                "name": _("已全程音像记录"),
                "itemStyle": {"color": "#2e7d32"},
                "data": [
                    {"value": r["covered"], "url": drill_url("av", "covered", p, r["_code"])} for r in rows
                ],
            },
            {
                "type": "bar",
                "stack": "all",
                "name": _("缺少音像记录"),
                "itemStyle": {"color": "#c0392b"},
                "data": [
                    {"value": r["missing"], "url": drill_url("av", "missing", p, r["_code"])} for r in rows
                ],
            },
        ],
    }
    return Chart(
        "av",
        _("须全程音像记录的环节（本期实施）"),
        [("agency", _("执法主体")), ("covered", _("已记录")), ("missing", _("缺少")), ("rate", _("覆盖率"))],
        rows,
        option,
        empty=not rows,
    )


def access(agencies, p: Period) -> Chart:
    """Unusual reads of case files in the period (调阅监督): refused, off-hours, bulk; each figure
    opens the records app's access log filtered the same way."""
    from sanxiang.records import selectors
    from sanxiang.records.models import Entry

    start, end = p.bounds()
    entries = Entry.objects.filter(agency_id__in=[a.pk for a in agencies], at__gte=start, at__lt=end).filter(
        kind__startswith="access."
    )
    reads = entries.exclude(kind__in=["access.requested", "access.approved", "access.rejected"])
    counts = {
        "denied": entries.filter(kind="access.denied").count(),
        "off_hours": sum(
            1
            for at in reads.values_list("at", flat=True).iterator()
            if selectors.is_off_hours(timezone.localtime(at))
        ),
        "bulk": len(selectors._bulk_ids(entries)),
    }
    base = {"since": p.start.isoformat(), "until": p.end.isoformat()}
    rows = []
    for key, label in (
        ("denied", _("越权/被拒绝的调阅")),
        ("off_hours", _("非工作时间调阅")),
        ("bulk", _("短时批量下载")),
    ):
        url = f"{reverse('records:access_log')}?{urlencode({**base, 'unusual': key})}"
        rows.append({"kind": label, "count": counts[key], "_url": url})
    option = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [r["kind"] for r in rows]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": _("次数"),
                "itemStyle": {"color": "#c0392b"},
                "data": [{"value": r["count"], "url": r["_url"]} for r in rows],
            }
        ],
    }
    return Chart("access", _("调阅异常（本期）"), [("kind", _("类型")), ("count", _("次数"))], rows, option)


CHARTS = ("procedure", "weekly", "deadlines", "reviews", "publication", "av", "access")


def scope(user, agency_code: str = ""):
    """The agencies a user's dashboard covers (core.scoping), optionally narrowed to one."""
    from sanxiang.org.models import Agency

    agencies = Agency.objects.restrict(user).select_related("division")
    if agency_code:
        agencies = agencies.filter(code=agency_code)
    return list(agencies)


def build(user, p: Period, agency_code: str = "", only: str | None = None) -> dict[str, Any]:
    agencies = scope(user, agency_code)
    ids = [a.pk for a in agencies]
    out: dict[str, Any] = {"agencies": agencies, "charts": [], "overdue": []}

    def want(name: str) -> bool:
        return only is None or only == name

    if want("procedure"):
        out["charts"].append(by_procedure_stage(ids, p, agency_code))
    if want("weekly"):
        out["charts"].append(weekly(ids, p, agency_code))
    if want("deadlines"):
        chart, overdue = deadlines(agencies, p, agency_code)
        out["charts"].append(chart)
        out["overdue"] = overdue
    if want("reviews"):
        out["charts"].append(reviews(ids, p, agency_code))
    if want("publication"):
        out["charts"].append(publication(agencies, p, agency_code))
    if want("av"):
        out["charts"].append(av(agencies, p, agency_code))
    if want("access"):
        out["charts"].append(access(agencies, p))
    return out


def kpis(user, p: Period, agency_code: str = "") -> list[tuple[str, Any, str]]:
    """The headline figures: (label, value, drill-down URL). New and closed in the period come
    from the daily summary, and so do the open cases (every case registered less every case
    closed: 6·10^5 open cases are not counted one by one); overdue deadlines are counted through
    the deadline status index."""
    from sanxiang.cases.choices import DeadlineStatus
    from sanxiang.cases.models import Deadline

    ids = [a.pk for a in scope(user, agency_code)]
    totals = summary.rows(ids, p.start, p.end).aggregate(opened=Sum("opened"), closed=Sum("closed"))
    opened, closed = totals["opened"] or 0, totals["closed"] or 0
    open_now = summary.open_cases(ids)
    overdue = Deadline.objects.filter(case__agency_id__in=ids, status=DeadlineStatus.OVERDUE).count()
    return [
        (_("本期新增案件"), opened, drill_url("kpi", "opened", p, agency_code)),
        (_("本期结案"), closed, drill_url("kpi", "closed", p, agency_code)),
        (_("在办案件"), open_now, drill_url("kpi", "open", p, agency_code)),
        (_("逾期时限"), overdue, drill_url("deadlines", "overdue", p, agency_code)),
    ]


# --- drill-down ------------------------------------------------------------------------------


def drill_count(user, chart: str, key: str, p: Period, agency_code: str = "") -> int | None:
    """How many cases `drill` lists, from the daily summary when the figure is one of its counts
    (headline figures, weekly and procedure charts), so the paginated list does not count
    10^5–10^6 cases; None for the other charts (their lists are as long as their own tables)."""
    ids = [a.pk for a in scope(user, agency_code)]
    rows = summary.rows(ids, p.start, p.end)
    if chart == "kpi" and key in ("opened", "closed"):
        return rows.aggregate(n=Sum(key))["n"] or 0
    if chart == "kpi" and key == "open":
        return summary.open_cases(ids)
    if chart == "weekly":
        kind, _sep, day = key.partition(":")
        try:
            week = dt.date.fromisoformat(day)
        except ValueError:
            return None
        column = {"new": "opened", "closed": "closed"}.get(kind)
        if column is None:
            return None
        week_rows = summary.rows(ids, week, week + dt.timedelta(days=6))
        return week_rows.aggregate(n=Sum(column))["n"] or 0
    if chart == "procedure":
        parts = key.split(":")
        definition = _procedures().get(parts[0])
        if definition is None:
            return None
        if len(parts) == 3 and parts[1] == "step":
            stages = [s.code for s in definition.stages if str(s.step) == parts[2]]
        elif len(parts) == 2:
            stages = [parts[1]]
        else:
            return None
        return rows.filter(procedure=parts[0], stage__in=stages).aggregate(n=Sum("opened"))["n"] or 0
    return None


_NEVER_CLOSED = dt.date(9999, 12, 31)


def _open_cases(cases):
    """`closed_on IS NULL`, written so no index on closed_on can serve it: SQLite's statistics
    (no STAT4) take NULL for one closing date among thousands (~50 rows) when it is 60% of the
    cases, pick cases (agency, closed_on) and sort every open case for the first page (1 s at
    10^6); with the test unindexable both engines read `case_opened_idx` newest first (~10 ms)."""
    never = Value(_NEVER_CLOSED, output_field=DateField())
    return cases.alias(closed_or_never=Coalesce("closed_on", never)).filter(closed_or_never=_NEVER_CLOSED)


def drill(user, chart: str, key: str, p: Period, agency_code: str = ""):
    """The cases behind one figure, and a description of the figure (in the request's language)."""
    from sanxiang.cases.choices import DeadlineStatus
    from sanxiang.cases.models import Case, Deadline

    agencies = scope(user, agency_code)
    cases = Case.objects.restrict(user).filter(agency__in=[a.pk for a in agencies])
    start, end = p.bounds()
    bad = InvalidInput("supervision.drill", _("无法识别的统计项。"), field="key")
    if chart == "kpi":
        if key == "opened":
            return cases.filter(opened_at__gte=start, opened_at__lt=end), _("本期新增案件")
        if key == "closed":
            return cases.filter(closed_on__gte=p.start, closed_on__lte=p.end), _("本期结案")
        if key == "open":
            return _open_cases(cases), _("在办案件")
        raise bad
    if chart == "procedure":
        procs = _procedures()
        parts = key.split(":")
        if parts[0] not in procs:
            raise bad
        definition = procs[parts[0]]
        opened = cases.filter(opened_at__gte=start, opened_at__lt=end, procedure=parts[0])
        if len(parts) == 3 and parts[1] == "step":
            stages = [s.code for s in definition.stages if str(s.step) == parts[2]]
            label = _step_labels().get(parts[2], parts[2])
            return opened.filter(stage__in=stages), _("%(procedure)s · %(step)s（本期登记）") % {
                "procedure": _(definition.name),
                "step": label,
            }
        if len(parts) == 2:
            stage_name = _(definition.stage(parts[1]).name)
            return opened.filter(stage=parts[1]), f"{_(definition.name)} · {stage_name}"
        raise bad
    if chart == "weekly":
        kind, _sep, day = key.partition(":")
        try:
            week = dt.date.fromisoformat(day)
        except ValueError:
            raise bad from None
        if kind == "new":
            ws, we = scorecard._bounds(week, week + dt.timedelta(days=6))
            return cases.filter(opened_at__gte=ws, opened_at__lt=we), _("%(week)s起一周新增") % {
                "week": f"{week:%Y-%m-%d}"
            }
        if kind == "closed":
            return cases.filter(closed_on__gte=week, closed_on__lte=week + dt.timedelta(days=6)), _(
                "%(week)s起一周结案"
            ) % {"week": f"{week:%Y-%m-%d}"}
        raise bad
    if chart == "deadlines":
        today = clock.today()
        if key == "overdue":
            q = Q(status=DeadlineStatus.OVERDUE)
            label = _("时限已逾期")
        elif key == "soon":
            q = Q(status=DeadlineStatus.RUNNING, due_on__lte=today + dt.timedelta(days=7))
            label = _("时限7日内届满")
        elif key == "running":
            q = Q(status__in=[DeadlineStatus.RUNNING, DeadlineStatus.PAUSED])
            label = _("时限计时中")
        else:
            raise bad
        return cases.filter(Exists(Deadline.objects.filter(q, case=OuterRef("pk")))), label
    if chart == "reviews":
        from sanxiang.review.choices import Outcome, State
        from sanxiang.review.models import Review

        rq = Review.objects.filter(case=OuterRef("pk"), submitted_at__gte=start, submitted_at__lt=end)
        if key in Outcome.values:
            rq, label = rq.filter(state=State.CONCLUDED, outcome=key), str(Outcome(key).label)
        elif key in State.values:
            rq, label = rq.filter(state=key), str(State(key).label)
        else:
            raise bad
        return cases.filter(Exists(rq)), _("法制审核：%(outcome)s") % {"outcome": label}
    if chart == "publication":
        from sanxiang.publicity.choices import PublicationKind, PublicationStatus
        from sanxiang.publicity.models import Publication

        kind, _sep, month = key.partition(":")
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise bad from None
        last = _add_months(first, 1) - dt.timedelta(days=1)
        pq = Publication.objects.filter(
            case=OuterRef("pk"), kind=PublicationKind.DECISION, decided_on__gte=first, decided_on__lte=last
        )
        today = clock.today()
        filters = {
            "on_time": Q(first_published_on__isnull=False)
            & (Q(due_on__isnull=True) | Q(first_published_on__lte=F("due_on"))),
            "late": Q(first_published_on__isnull=False, first_published_on__gt=F("due_on")),
            "overdue": Q(first_published_on__isnull=True, due_on__lt=today),
            "pending": Q(first_published_on__isnull=True) & (Q(due_on__gte=today) | Q(due_on__isnull=True)),
            "withheld": Q(status=PublicationStatus.WITHHELD),
        }
        if kind not in filters:
            raise bad
        pq = pq.filter(filters[kind])
        if kind != "withheld":
            pq = pq.exclude(status=PublicationStatus.WITHHELD)
        labels = {
            "on_time": _("按期公示"),
            "late": _("逾期公示"),
            "overdue": _("逾期未公示"),
            "pending": _("期限内待公示"),
            "withheld": _("依法不予公开"),
        }
        return cases.filter(Exists(pq)), _("%(month)s 决定：%(status)s") % {
            "month": month,
            "status": labels[kind],
        }
    if chart == "av":
        if key not in ("covered", "missing"):
            raise bad
        ids = [
            case_id
            for _a, case_id, _e, covered in scorecard.av_events([a.pk for a in agencies], p.start, p.end)
            if covered == (key == "covered")
        ]
        return cases.filter(pk__in=ids[:5000]), (
            _("须全程音像记录：已记录") if key == "covered" else _("须全程音像记录：缺少音像记录")
        )
    raise bad
