"""What every staff request passes after the login (docs/security-auth.md):

* idle expiry — a session unused for SANXIANG_SESSION_IDLE_SECONDS is logged out (recorded as
  `session_expired`) and the page asks for the login again, then returns where the user was;
* the second factor — a user who must give a TOTP code (a required role, or enrolled) reaches
  nothing but the code page (or, without a device, the enrolment page) and the logout until it
  is verified. Session-authenticated API calls get 403 `otp_required` instead of a redirect.

Token-authenticated API calls (systems) carry no session and are not concerned.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org import otp, security

# Reachable before the second factor: the login pages themselves, static files and the public side.
OPEN_PREFIXES = ("/login/", "/logout/", "/static/", "/portal/", "/api/open/", "/readyz", "/metrics")
SEEN_RESOLUTION = 60  # seconds: the last-seen stamp is rewritten at most this often


class AuthGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path
        api = path.startswith("/api/")
        now = time.time()
        seen = request.session.get(security.SEEN_AT)
        if seen and now - seen > settings.SANXIANG_SESSION_IDLE_SECONDS:
            request.sx_idle_expired = True
            logout(request)
            if api:
                return self.get_response(request)
            messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
            return redirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
        if not seen or now - seen > SEEN_RESOLUTION:
            request.session[security.SEEN_AT] = now
        if path.startswith(OPEN_PREFIXES) or user.is_verified() or not otp.needs_second_factor(user):
            return self.get_response(request)
        if api:
            return JsonResponse({"code": "otp_required", "message": _("请先完成两步验证。")}, status=403)
        target = "otp-verify" if otp.confirmed_device(user) else "otp-enrol"
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
