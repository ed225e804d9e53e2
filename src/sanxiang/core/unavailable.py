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


def database_unavailable(request) -> HttpResponse:
    seconds = retry_after_seconds()
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"code": "database_unavailable", "message": _("数据库暂时无法连接，请稍后重试。")},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        portal = request.path.startswith("/portal/")
        page = render_to_string("503.html", {"retry_after": seconds, "portal": portal})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name: str = "500.html") -> HttpResponse:
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return django_server_error(request, template_name)
