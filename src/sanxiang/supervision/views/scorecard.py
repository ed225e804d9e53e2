"""三项制度考评 pages: the ranking for a period, each agency's indicators with their definitions,
exports (JSON, XLSX, CSV, HTML) and the indicator settings (weights, targets)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError
from sanxiang.core.tabular import FORMATS, export_response
from sanxiang.supervision.models import ScorecardIndicator
from sanxiang.supervision.services import dashboard, scorecard
from sanxiang.supervision.views.dash import _guard


def _period(request):
    try:
        return dashboard.period(request.GET.get("period") or "year", request.GET.get("at") or None), None
    except DomainError as error:
        return dashboard.period("year"), error.message


@login_required
def ranking(request):
    _guard(request)
    p, error = _period(request)
    agencies = scorecard.assessed_agencies(dashboard.scope(request.user))
    cards = scorecard.compute(agencies, p.start, p.end)
    fmt = request.GET.get("format")
    name = f"scorecard-{p.start:%Y%m%d}-{p.end:%Y%m%d}"
    if fmt == "json":
        body = json.dumps(scorecard.as_json(cards, p.start, p.end), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    if fmt in FORMATS:
        columns, rows = scorecard.table(cards)
        return export_response(name, columns, rows, fmt)
    if fmt == "html":
        response = HttpResponse(render_html(cards, p.start, p.end), content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.html"'
        return response
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [c.agency.name for c in cards if c.total is not None],
        },
        "series": [
            {
                "type": "bar",
                "name": _("综合得分"),
                "label": {"show": True, "position": "right"},
                "data": [
                    {"value": round(c.total, 1), "url": f"?{_q(p)}&agency={c.agency.code}#detail"}
                    for c in cards
                    if c.total is not None
                ],
            }
        ],
    }
    selected = request.GET.get("agency", "")
    detail = next((c for c in cards if c.agency.code == selected), None)
    return render(
        request,
        "supervision/dash/scorecard.html",
        {
            "p": p,
            "error": error,
            "periods": dashboard.PERIODS,
            "prev": p.shifted(-1),
            "next": p.shifted(1),
            "cards": cards,
            "chart": chart,
            "detail": detail,
            "indicators": cards[0].indicators if cards else [],
            "may_configure": scorecard.may_configure(request.user),
        },
    )


def _q(p) -> str:
    return f"period={p.kind}&at={p.anchor.isoformat()}"


def render_html(cards, date_from, date_to) -> str:
    return render_to_string(
        "supervision/dash/scorecard_export.html",
        {
            "cards": cards,
            "date_from": date_from,
            "date_to": date_to,
            "indicators": cards[0].indicators if cards else [],
        },
    )


class IndicatorForm(forms.Form):
    weight = forms.DecimalField(label=gettext_lazy("权重"), min_value=0, max_value=1000, decimal_places=2)
    target = forms.DecimalField(label=gettext_lazy("目标值"), min_value=0, max_value=1, decimal_places=4)
    enabled = forms.BooleanField(label=gettext_lazy("纳入考评"), required=False)


@login_required
def settings_view(request):
    if not scorecard.may_configure(request.user):
        raise Http404
    items = scorecard.indicators()
    if request.method == "POST":
        indicator = get_object_or_404(ScorecardIndicator, pk=request.POST.get("indicator"))
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                scorecard.configure_indicator(indicator, actor=request.user, **form.cleaned_data)
            except DomainError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("已保存：%(name)s") % {"name": indicator.name})
                return redirect("supervision:scorecard_settings")
        else:
            messages.error(
                request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items())
            )
    return render(request, "supervision/dash/scorecard_settings.html", {"items": items})
