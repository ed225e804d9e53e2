"""API conventions shared by every app: pagination and one error shape `{"code", "message"}`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sanxiang.core.errors import DomainError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


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
