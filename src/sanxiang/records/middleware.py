"""Supervised access at the door of the case pages (I7), without the cases app knowing:

* a gate raised by the `case_viewed` receiver (a reason or an approval is needed first) becomes the
  prompt page instead of an error;
* a supervisor's stated reason is remembered for the case for a while (records.conf), so reading
  the case page, then an exhibit, then the page again asks once;
* a refused lookup of an existing case — outside the user's scope — is recorded as an
  `access.denied` entry, through the web page and the API alike.
"""

from __future__ import annotations

from django.http import Http404

from sanxiang.core.parsing import parse_int
from sanxiang.records import access

_CASE_PAGES = {"cases:detail"}
_CASE_API = {"case-detail", "case-events"}


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code == 404 and match is not None and match.url_name in _CASE_API:
            _log_outside_scope(request, pk=match.kwargs.get("pk"), door="api")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.view_name in _CASE_PAGES and "number" in view_kwargs and request.user.is_authenticated:
            from sanxiang.records.views import remembered_reason

            reason = remembered_reason(request, view_kwargs["number"])
            if reason and "reason" not in request.GET:
                query = request.GET.copy()
                query["reason"] = reason
                request.GET = query
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, access.AccessGate):
            from sanxiang.records.views import gate_response

            return gate_response(request, exception)
        match = getattr(request, "resolver_match", None)
        if isinstance(exception, Http404) and match is not None and match.view_name in _CASE_PAGES:
            _log_outside_scope(request, number=match.kwargs.get("number"), door="web")
        return None


def _log_outside_scope(request, *, number=None, pk=None, door: str) -> None:
    from sanxiang.cases.models import Case

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    query = Case.objects.select_related("agency")
    case = query.filter(number=number).first() if number else None
    if case is None and parse_int(pk) is not None:
        case = query.filter(pk=parse_int(pk)).first()
    if case is not None:
        access.log_denied(user, case, door, "outside_scope")
