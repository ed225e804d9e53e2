"""Staff API of insight: the discretion assistant of a case, comparable-case outliers, and the
analysis report's data. Read only; scoped like the pages; errors carry a stable code."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.signals import case_viewed
from sanxiang.catalog.choices import Circumstance, DiscretionLevel
from sanxiang.core.errors import InvalidInput
from sanxiang.insight import analysis, discretion, outliers, selectors

PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期（默认一年前）"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（默认今天）"),
]


def _fine(raw: str | None) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise InvalidInput("insight.fine.invalid", _("罚款金额无效。"), field="fine")
    return value


class DiscretionView(APIView):
    """裁量智能辅助 — the advice for a case (its current proposal, or the circumstances given)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "circumstances",
                OpenApiTypes.STR,
                many=True,
                enum=Circumstance.values,
                description="裁量情节（可重复）；不传则用当前拟处理意见",
            ),
            OpenApiParameter("fine", OpenApiTypes.DECIMAL, description="拟罚款金额（元）"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=DiscretionLevel.values, description="拟定阶次"),
            OpenApiParameter("reasons", OpenApiTypes.STR, description="裁量理由"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, number: str):
        case = case_selectors.case_for(request.user, number=number)
        case_viewed.send(type(case), case=case, user=request.user, door="api", reason="裁量智能辅助")
        params = request.query_params
        level = params.get("level") or None
        if level is not None and level not in DiscretionLevel.values:
            raise InvalidInput("insight.level.invalid", _("裁量阶次的取值无效。"), field="level")
        given = params.getlist("circumstances")
        unknown = [c for c in given if c not in Circumstance.values]
        if unknown:
            raise InvalidInput(
                "insight.circumstances.invalid",
                _("未知的裁量情节：%(unknown)s。") % {"unknown": "、".join(unknown)},
                field="circumstances",
            )
        fine = _fine(params.get("fine"))
        if given or fine is not None or level:
            advice = discretion.advise(
                case, circumstances=given, fine=fine, declared_level=level, reasons=params.get("reasons")
            )
        else:
            advice = discretion.advise(case)
        return Response(advice.as_dict())


class OutlierView(APIView):
    """同案不同罚 — comparable groups (same item, level, circumstances) and their outliers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=PERIOD, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        selectors.require_reader(request.user)
        date_from, date_to = selectors.period(request.query_params)
        groups = outliers.detect(selectors.cases_in_scope(request.user), date_from, date_to)
        settings = outliers.Settings.current(date_to)
        return Response(
            {
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "min_group_size": settings.min_group_size,
                "parameters_source": settings.citation,
                "groups": [g.as_dict() for g in groups],
            }
        )


class AnalysisView(APIView):
    """案件分析报告 — the report's data (sections with facts, tables and chart options)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=PERIOD, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        selectors.require_reader(request.user)
        date_from, date_to = selectors.period(request.query_params)
        agencies = analysis.scope_agencies(user=request.user)
        return Response(analysis.build(date_from, date_to, agencies))


def register_api(router) -> None:
    """Insight has no viewsets; its endpoints are plain views (extra_urls)."""


def _extra_urls():
    from django.urls import path

    return [
        path("insight/discretion/<str:number>/", DiscretionView.as_view(), name="insight-discretion"),
        path("insight/outliers/", OutlierView.as_view(), name="insight-outliers"),
        path("insight/analysis/", AnalysisView.as_view(), name="insight-analysis"),
    ]


extra_urls = _extra_urls()
