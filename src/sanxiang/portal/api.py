"""Open data (开放数据): published decisions as JSON and CSV — anonymous, paginated, filterable,
rate limited and cached. Reads only the public snapshots; every body passes `masking.scrub`.

    GET /api/open/decisions?q=过期食品&agency=ylsjj&category=penalty&from=2026-01-01&to=2026-03-31&page=2
    GET /api/open/decisions/<id>
    GET /api/open/decisions.csv?… (same filters, at most OPEN_CSV_LIMIT rows)
"""

from __future__ import annotations

import csv
import io

from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.cache import cache_page
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import NotFound
from sanxiang.core.ratelimit import ScopedRateThrottle
from sanxiang.portal.public import guard_response, parse_id
from sanxiang.portal.views import filters_from
from sanxiang.publicity import search
from sanxiang.publicity.models import PublicDecision

OPEN_CSV_LIMIT = 5000
CACHE_SECONDS = 60


class OpenDataThrottle(ScopedRateThrottle):
    """Per-IP limit SANXIANG_RATE_LIMITS["open_data"] (core/ratelimit.py); 429 `rate_limited`."""

    scope = "open_data"


class DecisionSerializer(serializers.ModelSerializer):
    party_kind = serializers.CharField(help_text="行政相对人类别")
    versions = serializers.SerializerMethodField()

    class Meta:
        model = PublicDecision
        fields = [
            "id",
            "agency_code",
            "agency_name",
            "agency_credit_code",
            "category",
            "procedure_name",
            "decision_number",
            "party_kind",
            "party_name",
            "party_credit_code",
            "legal_representative",
            "title",
            "facts",
            "basis",
            "outcome",
            "penalty_types",
            "fine_amount",
            "confiscation_amount",
            "licence",
            "decided_on",
            "published_on",
            "updated_on",
            "status",
            "note",
            "note_on",
            "visible_until",
            "version",
            "entry_seq",
            "entry_hash",
            "body_hash",
            "versions",
        ]

    def get_versions(self, obj) -> list[dict]:
        if not self.context.get("with_versions"):
            return []
        return [
            {
                "version": v.version,
                "event": v.event,
                "at": v.at,
                "note": v.note,
                "body_hash": v.body_hash,
                "entry_seq": v.entry_seq,
            }
            for v in obj.versions.order_by("at", "pk")
        ]


class WithdrawnSerializer(serializers.ModelSerializer):
    """A withdrawn or expired decision: only the notice, never the content (PUB-07)."""

    class Meta:
        model = PublicDecision
        fields = [
            "id",
            "agency_code",
            "agency_name",
            "decision_number",
            "status",
            "note",
            "note_on",
            "entry_seq",
            "entry_hash",
        ]


FILTER_PARAMS = [
    OpenApiParameter(
        "q", str, description="中文子串检索：当事人（已脱敏）、违法行为、决定书文号等；3个字及以上使用索引"
    ),
    OpenApiParameter("agency", str, description="执法主体代码"),
    OpenApiParameter(
        "category", str, description="执法类别：permit, penalty, coercion, inspection, levy, confirmation"
    ),
    OpenApiParameter("from", str, description="决定日期起（YYYY-MM-DD）"),
    OpenApiParameter("to", str, description="决定日期止（YYYY-MM-DD）"),
    OpenApiParameter("page", int, description=f"页码（每页{search.PAGE_SIZE}条，最多{search.MAX_PAGE}页）"),
]


class OpenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        response["Access-Control-Allow-Origin"] = "*"
        return guard_response(response)


@method_decorator(cache_page(CACHE_SECONDS), name="get")
class DecisionList(OpenView):
    """公示的行政执法决定（已脱敏），按公示先后倒序。"""

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses=inline_serializer(
            "OpenDecisionPage",
            {
                "count": serializers.IntegerField(help_text=f"匹配条数（最多计到{search.COUNT_CAP}）"),
                "count_capped": serializers.BooleanField(),
                "page": serializers.IntegerField(),
                "num_pages": serializers.IntegerField(),
                "page_size": serializers.IntegerField(),
                "ignored": serializers.DictField(child=serializers.CharField(), help_text="被忽略的无效参数"),
                "results": DecisionSerializer(many=True),
            },
        ),
        operation_id="open_decisions_list",
    )
    def get(self, request):
        f = filters_from(request.query_params)
        page = search.paginate(search.search(f), search.page_number(request.query_params.get("page")))
        return Response(
            {
                "count": page.count,
                "count_capped": page.capped,
                "page": page.number,
                "num_pages": page.num_pages,
                "page_size": page.page_size,
                "ignored": f.errors,
                "results": DecisionSerializer(page.items, many=True).data,
            }
        )


@method_decorator(cache_page(CACHE_SECONDS), name="get")
class DecisionDetail(OpenView):
    @extend_schema(responses=DecisionSerializer, operation_id="open_decisions_retrieve")
    def get(self, request, pk):
        number = parse_id(pk)
        decision = PublicDecision.objects.filter(pk=number).first() if number is not None else None
        if decision is None:
            raise NotFound("portal.decision.not_found", gettext("未找到该公示信息。"))
        if decision.status != "published":
            return Response(WithdrawnSerializer(decision).data)
        return Response(DecisionSerializer(decision, context={"with_versions": True}).data)


CSV_COLUMNS = [
    ("id", "编号"),
    ("agency_name", "执法主体"),
    ("agency_credit_code", "执法主体统一社会信用代码"),
    ("category", "执法类别"),
    ("decision_number", "决定书文号"),
    ("party_kind", "行政相对人类别"),
    ("party_name", "行政相对人名称"),
    ("party_credit_code", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("title", "违法行为类型"),
    ("facts", "主要事实"),
    ("basis", "依据"),
    ("outcome", "决定内容"),
    ("penalty_types", "处罚类别"),
    ("fine_amount", "罚款金额（元）"),
    ("confiscation_amount", "没收金额（元）"),
    ("licence", "许可证书"),
    ("decided_on", "决定日期"),
    ("published_on", "公示日期"),
    ("visible_until", "公示截止日期"),
    ("version", "版本"),
    ("body_hash", "内容哈希"),
]


@method_decorator(cache_page(CACHE_SECONDS), name="get")
class DecisionCsv(OpenView):
    @extend_schema(
        parameters=FILTER_PARAMS[:-1], responses={(200, "text/csv"): str}, operation_id="open_decisions_csv"
    )
    def get(self, request):
        from django.http import HttpResponse

        f = filters_from(request.query_params)
        out = io.StringIO()
        out.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(out)
        writer.writerow([label for _, label in CSV_COLUMNS])
        for d in search.search(f)[:OPEN_CSV_LIMIT].iterator(chunk_size=500):
            writer.writerow([_csv_cell(getattr(d, k)) for k, _ in CSV_COLUMNS])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
        return response


def _csv_cell(value) -> str:
    """No formula injection: a cell starting with = + - @ is prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def register_api(router) -> None:
    """The staff router has nothing of the portal's; open data lives under `extra_urls`."""


extra_urls = [
    path("open/decisions", DecisionList.as_view(), name="open-decisions"),
    path("open/decisions.csv", DecisionCsv.as_view(), name="open-decisions-csv"),
    path("open/decisions/<str:pk>", DecisionDetail.as_view(), name="open-decision"),
]
