"""When the database cannot be reached: a clean 503 with Retry-After, never a traceback.

Django turns an exception raised anywhere in a request — a view, a middleware loading the session
or the user, DRF's authentication — into a call of the 500 handler while that exception is being
handled. `server_error` (settings: `handler500` in urls.py) looks at it: a lost or refused database
connection (`OperationalError`, `InterfaceError`, also a lock wait that timed out) is a fault of the
moment, not of the request, so it answers 503 with Retry-After — a Chinese page for people,
`{"code": "database_unavailable"}` on the API — and anything else gets the usual 500 page. Django
logs the exception with its traceback either way ("Service Unavailable: /path", logger
django.request). Nothing here touches the database: the page renders without the request's context
processors, which would load the user.

The transaction the request was in rolled back when the exception left it, so a request cut off by
the database leaves no half-written change (docs/security.md, "Faults").
"""

from __future__ import annotations

import errno
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

API_PREFIX = "/api/"


def retry_after_seconds() -> int:
    return int(getattr(settings, "SANXIANG_DB_RETRY_AFTER_SECONDS", 30))


def is_database_unavailable(error: BaseException | None) -> bool:
    """The error, or one it was raised from, says the database connection failed."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def is_disk_full(error: BaseException | None) -> bool:
    """The error, or one it was raised from, is a write refused for want of space (ENOSPC)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def storage_full(request) -> HttpResponse:
    """A full disk before any view ran — Django spooling a large upload to its temporary folder:
    507, like the evidence store's own refusal (`evidence.storage_full`); nothing was recorded."""
    message = _("服务器存储空间已满，上传的文件未保存，也未登记。请联系系统管理员扩容后重新上传。")
    return _refusal(request, 507, "storage_full", message, "507.html", {"message": message})


def database_unavailable(request) -> HttpResponse:
    seconds = retry_after_seconds()
    message = _("数据库暂时无法连接，请稍后重试。")
    response = _refusal(request, 503, "database_unavailable", message, "503.html", {"retry_after": seconds})
    response["Retry-After"] = str(seconds)
    return response


def _refusal(request, status: int, code: str, message: str, template: str, context: dict) -> HttpResponse:
    """The API's `{"code", "message"}` or the page (portal or staff look), never cached."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        page = render_to_string(template, {**context, "portal": request.path.startswith("/portal/")})
        response = HttpResponse(page, status=status)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name: str = "500.html") -> HttpResponse:
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable(request)
    if is_disk_full(error):
        return storage_full(request)
    return django_server_error(request, template_name)
