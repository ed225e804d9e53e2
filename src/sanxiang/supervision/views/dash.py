"""Dashboards (看板) for heads and supervisors: charts with the numbers behind them downloadable,
period selectors, and drill-down from every figure to the list of cases behind it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.core.tabular import FORMATS, export_response
from sanxiang.supervision.services import dashboard

ROLES = {Role.HEAD, Role.SUPERVISOR}


def may_see(user) -> bool:
    return getattr(user, "agency", None) is not None and bool(user.roles & ROLES)


def _guard(request):
    if not may_see(request.user):
        raise Http404


def _period(request):
    try:
        return dashboard.period(request.GET.get("period"), request.GET.get("at") or None), None
    except DomainError as error:
        return dashboard.period("month"), error.message


def _agency(request) -> str:
    code = request.GET.get("agency", "").strip()
    if code and not dashboard.scope(request.user, code):
        raise Http404
    return code


@login_required
def home(request):
    _guard(request)
    p, error = _period(request)
    agency = _agency(request)
    data = dashboard.build(request.user, p, agency)
    return render(
        request,
        "supervision/dash/home.html",
        {
            "p": p,
            "error": error,
            "periods": dashboard.PERIODS,
            "prev": p.shifted(-1),
            "next": p.shifted(1),
            "agency": agency,
            "all_agencies": dashboard.scope(request.user),
            "kpis": dashboard.kpis(request.user, p, agency),
            **data,
        },
    )


@login_required
def download(request, chart: str, fmt: str):
    _guard(request)
    if chart not in dashboard.CHARTS or fmt not in FORMATS:
        raise Http404
    p, _error = _period(request)
    agency = _agency(request)
    built = dashboard.build(request.user, p, agency, only=chart)["charts"][0]
    return export_response(
        f"dashboard-{chart}-{p.start:%Y%m%d}-{p.end:%Y%m%d}", built.columns, built.rows, fmt
    )


CASE_COLUMNS = [
    ("number", gettext_lazy("案件编号")),
    ("agency", gettext_lazy("执法主体")),
    ("title", gettext_lazy("案由")),
    ("procedure", gettext_lazy("程序")),
    ("stage", gettext_lazy("阶段")),
    ("opened", gettext_lazy("登记日期")),
    ("decided_on", gettext_lazy("决定日期")),
    ("closed_on", gettext_lazy("结案日期")),
]


class CountedPaginator(Paginator):
    """A paginator told its count (the dashboard's summary already holds it) instead of counting."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@login_required
def cases(request):
    _guard(request)
    p, error = _period(request)
    agency = _agency(request)
    chart, key = request.GET.get("chart", ""), request.GET.get("key", "")
    try:
        queryset, label = dashboard.drill(request.user, chart, key, p, agency)
    except DomainError as refusal:
        return render(request, "supervision/dash/cases.html", {"error": refusal.message, "p": p}, status=400)
    queryset = queryset.select_related("agency").order_by("-opened_at", "-pk")
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        rows = (
            {
                "number": c.number,
                "agency": c.agency.name,
                "title": c.title,
                "procedure": c.definition.name,
                "stage": c.stage_name,
                "opened": c.opened_at.date(),
                "decided_on": c.decided_on,
                "closed_on": c.closed_on,
            }
            for c in queryset.iterator(chunk_size=1000)
        )
        return export_response(f"cases-{chart}", CASE_COLUMNS, rows, fmt)
    count = dashboard.drill_count(request.user, chart, key, p, agency)
    paginator = Paginator(queryset, 50) if count is None else CountedPaginator(queryset, 50, count)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "supervision/dash/cases.html",
        {"page": page, "label": label, "p": p, "error": error, "query": query.urlencode()},
    )
