"""Staff pages: the discretion assistant of a case, comparable-case outliers, the analysis report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.signals import case_viewed
from sanxiang.catalog.choices import Category, Circumstance, DiscretionLevel
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, NotFound
from sanxiang.insight import analysis, discretion, outliers, selectors

PROPOSAL_STAGES = ("investigated", "proposed", "notified", "hearing_requested", "heard")


def _fine(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


@login_required
def assistant(request, number: str):
    """裁量智能辅助: the advice for the case's current proposal, or for circumstances tried here."""
    try:
        case = case_selectors.case_for(request.user, number=number)
    except NotFound:
        raise Http404 from None
    case_viewed.send(type(case), case=case, user=request.user, door="web", reason="裁量智能辅助")
    trying = "try" in request.GET
    if trying:
        advice = discretion.advise(
            case,
            circumstances=request.GET.getlist("circumstances"),
            fine=_fine(request.GET.get("fine")),
            declared_level=request.GET.get("level") or None,
            reasons=request.GET.get("reasons", ""),
        )
    else:
        advice = discretion.advise(case)
    context = {
        "case": case,
        "advice": advice,
        "trying": trying,
        "proposal": case.current_proposal,
        "circumstance_choices": Circumstance.choices,
        "level_choices": DiscretionLevel.choices,
        "chosen": set(advice.circumstances),
        "fine": request.GET.get("fine", ""),
        "level": request.GET.get("level", ""),
        "penalty": case.category == Category.PENALTY,
    }
    return render(request, "insight/assistant.html", context)


def case_section(request, case):
    """The assistant's summary on the case page and the review page (penalty cases with an item)."""
    if case.category != Category.PENALTY or case.item_id is None or case.procedure != "penalty.general":
        return None
    proposal = case.current_proposal
    if proposal is None and case.stage not in PROPOSAL_STAGES:
        return None
    return {"advice": discretion.advise(case, with_similar=False), "proposal": proposal}


def _period_or_error(request):
    try:
        return (*selectors.period(request.GET), "")
    except DomainError as refusal:
        today = clock.today()
        return today - dt.timedelta(days=selectors.ROLLING_DAYS), today, refusal.message


@login_required
def outlier_page(request):
    """同案不同罚: comparable groups in the user's scope over a period."""
    try:
        selectors.require_reader(request.user)
    except Forbidden:
        raise Http404 from None
    date_from, date_to, error = _period_or_error(request)
    groups = [] if error else outliers.detect(selectors.cases_in_scope(request.user), date_from, date_to)
    context = {
        "groups": groups,
        "flagged": [g for g in groups if g.outliers],
        "others": [g for g in groups if not g.outliers],
        "date_from": date_from,
        "date_to": date_to,
        "error": error,
        "settings": outliers.Settings.current(date_to),
    }
    return render(request, "insight/outliers.html", context, status=422 if error else 200)


@login_required
def analysis_page(request):
    """案件分析报告 over a period, in the user's scope; `?format=html|pdf` downloads it."""
    try:
        selectors.require_reader(request.user)
    except Forbidden:
        raise Http404 from None
    date_from, date_to, error = _period_or_error(request)
    agencies = analysis.scope_agencies(user=request.user)
    report = None
    if not error:
        report = analysis.build(date_from, date_to, agencies, scope_name=_scope_name(request.user, agencies))
        fmt = request.GET.get("format")
        if fmt in analysis.RENDERERS:
            body = analysis.RENDERERS[fmt](report)
            response = HttpResponse(
                body, content_type="application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="analysis-{date_from}-{date_to}.{fmt}"'
            return response
    context = {"report": report, "date_from": date_from, "date_to": date_to, "error": error}
    return render(request, "insight/analysis.html", context, status=422 if error else 200)


def _scope_name(user, agencies) -> str:
    if len(agencies) == 1:
        return agencies[0].name
    return (
        _("%(division)s范围内%(count)s个执法主体")
        % {"division": user.agency.division.name, "count": len(agencies)}
        if agencies
        else "—"
    )
