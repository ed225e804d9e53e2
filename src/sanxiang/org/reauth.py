"""Re-authentication before sensitive acts (docs/security-auth.md), in one place.

A decision (a case transition whose act is "decision"), publishing a publication, issuing a
document and exporting a dossier need the password confirmed within SANXIANG_REAUTH_SECONDS in
this session (a fresh login counts). If it is older, the act is not done: the browser goes to
/login/reauth/?next=…, and after the password

* a GET act (a form page, a download) continues at `next`;
* a POST act is offered again with the same inputs (kept in the session, files excepted) behind
  one "continue" button, so nothing typed is lost.

The API: token-authenticated calls (systems) are exempt; session-authenticated calls get
403 `reauth_required` (the browser re-authenticates on the web page, then retries).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication

from sanxiang.core.errors import DomainError
from sanxiang.org import security

PENDING = "sx_reauth_pending"


class ReauthRequired(DomainError):
    status = 403

    def __init__(self):
        super().__init__("reauth_required", _("此操作需要重新验证身份：请在网页上重新输入密码后再试。"))


def _back_to(request) -> str:
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return request.path


def reauth_response(request):
    """Send the user to the password page; a POST's inputs wait in the session for the retry."""
    if request.method == "POST":
        data = [
            (name, value)
            for name in request.POST
            if name != "csrfmiddlewaretoken"
            for value in request.POST.getlist(name)
        ]
        request.session[PENDING] = {"path": request.path, "data": data}
    else:
        request.session.pop(PENDING, None)
    return redirect(f"{reverse('reauth')}?next={quote(_back_to(request))}")


def ensure_recent_auth(request):
    """None if the password is recent enough, else the response that asks for it again."""
    if security.needs_reauth(request):
        return reauth_response(request)
    return None


def recent_auth_required(view):
    """Decorator of a staff view that is a sensitive act."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return ensure_recent_auth(request) or view(request, *args, **kwargs)

    return wrapped


def check_api(request) -> None:
    """For a DRF view: a session-authenticated call with a stale password raises ReauthRequired."""
    by_session = isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication)
    if by_session and security.needs_reauth(request._request):
        raise ReauthRequired
