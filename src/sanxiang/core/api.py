"""API conventions shared by every app: pagination and one error shape `{"code", "message"}`."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.core.paging import names_a_filter


# A ModelSerializer that builds its fields from the model once per class, not once per instance:
# DRF introspects the model (field kwargs, validators) every time a serializer is made, ~1 ms for
# a case, on every read. Each instance gets a deep copy of the built fields (DRF fields copy by
# re-instantiating from their arguments), so instances share nothing. Only for serializers whose
# fields do not depend on the request or context. (A comment, not a docstring: the OpenAPI
# document would show a docstring as the description of every schema that inherits it.)
class FieldsOnceSerializer(serializers.ModelSerializer):
    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built = built
        return copy.deepcopy(built)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which steps aside when the request names none of the view's filters:
    building and validating the filter form (a deep copy of every filter) was ~5 % of a list
    request, spent to change nothing (any doubt takes the full path: core/paging.py)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not names_a_filter(request.query_params, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _Keyset(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        if not request.query_params.get(self.cursor_query_param):
            return None  # `?cursor=` (empty): the first page
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise InvalidInput(
                "pagination.cursor.invalid", _("翻页游标无效，请使用上一页响应中的链接。"), field="cursor"
            ) from None


class PageOrCursorPagination(Pagination):
    """Page numbers (`?page=`, with `count`) as everywhere, or — when the request carries `cursor`
    (empty for the first page) — keyset pages along `cursor_ordering`: no `COUNT(*)` over the
    whole scope and no `OFFSET` scan, so every page costs the same at any depth (docs/api.md).
    `?ordering=` works in cursor mode only on the non-null fields of `cursor_orderings`."""

    cursor_query_param = "cursor"
    cursor_ordering = "-pk"
    cursor_orderings: tuple[str, ...] = ()

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = None
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        ordering = request.query_params.get("ordering", "").strip()
        if ordering and ordering.lstrip("-") not in self.cursor_orderings:
            raise InvalidInput(
                "pagination.cursor.ordering",
                _("按游标翻页时只能按以下字段排序：%(fields)s。")
                % {"fields": ", ".join(self.cursor_orderings)},
                field="ordering",
            )
        self.keyset = _Keyset()
        self.keyset.ordering = self.cursor_ordering
        return self.keyset.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is not None:
            return self.keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["results"]  # no `count` in cursor mode
        return described

    def get_schema_operation_parameters(self, view):
        if getattr(view, "action", "list") != "list":
            return super().get_schema_operation_parameters(view)
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset paging instead of page numbers: empty for the first page, then "
                "the value from `next`/`previous`. The response has no `count`.",
                "schema": {"type": "string"},
            },
        ]


_DRF_CODES = {
    exceptions.NotAuthenticated: ("auth.required", gettext_lazy("请先登录。")),
    exceptions.AuthenticationFailed: ("auth.failed", gettext_lazy("身份认证失败。")),
    exceptions.PermissionDenied: ("forbidden", gettext_lazy("无权执行此操作。")),
    exceptions.NotFound: ("not_found", gettext_lazy("对象不存在或无权访问。")),
    exceptions.MethodNotAllowed: ("method_not_allowed", gettext_lazy("不支持该请求方法。")),
    exceptions.NotAcceptable: ("not_acceptable", gettext_lazy("无法提供所请求的格式。")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", gettext_lazy("不支持的请求内容类型。")),
    exceptions.Throttled: ("rate_limited", gettext_lazy("请求过于频繁，请稍后再试。")),
    exceptions.ParseError: ("invalid_input.parse", gettext_lazy("请求内容无法解析。")),
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        response.data = {
            "code": "invalid_input",
            "message": _("输入有误，请检查标注的字段。"),
            "fields": exc.detail,
        }
        return response
    for exc_type, (code, message) in _DRF_CODES.items():
        if isinstance(exc, exc_type):
            response.data = {"code": code, "message": str(message)}
            break
    return response
