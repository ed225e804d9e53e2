"""Single sign-on through a government identity platform (OIDC authorization-code flow with PKCE),
by mozilla-django-oidc and configuration only (docs/security-auth.md, "Single sign-on").

The identity platform says who the person is; Sanxiang alone says what they may do. So a login
through the platform only ever finds an existing, active staff account by one claim (the
username by default) — it never creates an account and never changes an account's agency or
role — and everything after it is the same as after a password: the lockout, the second factor
for the roles that need it, idle expiry, re-authentication and the security events.

Off unless `SANXIANG_OIDC_CLIENT_ID` is set; the two doors answer 404 while it is off.
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from sanxiang.org import security
from sanxiang.org.models import SecurityEventKind


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class GovernmentIdBackend(OIDCAuthenticationBackend):
    """Finds the staff account named by the identity platform's claim; creates none."""

    def __init__(self, *args, **kwargs):
        if enabled():  # the library reads (and insists on) its endpoints here
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError) as failure:
            # a forged or expired token, a wrong nonce, the platform down or answering nonsense:
            # a refused login like any other, recorded, never a server error
            security.record(
                SecurityEventKind.LOGIN_FAILED, request, username="", detail=f"sso: {type(failure).__name__}"
            )
            return None

    @staticmethod
    def claim_name() -> str:
        return settings.SANXIANG_OIDC_USERNAME_CLAIM

    def verify_claims(self, claims) -> bool:
        return bool(str(claims.get(self.claim_name()) or "").strip())

    def filter_users_by_claims(self, claims):
        username = str(claims.get(self.claim_name()) or "").strip()
        if security.locked_for(self.request, username):
            security.record(
                SecurityEventKind.LOCKED_OUT,
                self.request,
                username=username,
                detail="sso refused while locked",
            )
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(username=username, is_active=True)
        if not users:
            security.record(
                SecurityEventKind.LOGIN_FAILED,
                self.request,
                username=username,
                detail="sso: no such staff account",
            )
        return users

    def create_user(self, claims):
        return None  # staff accounts are provisioned with their agency and role, never by a login

    def describe_user_by_claims(self, claims) -> str:
        return f"{self.claim_name()} {claims.get(self.claim_name())!r}"


class _Callback(OIDCAuthenticationCallbackView):
    def login_failure(self):
        messages.error(
            self.request, _("统一身份认证登录未成功：没有与该身份对应的在用工作人员账号，或认证已失效。")
        )
        return super().login_failure()


def start(request):
    """Sends the browser to the identity platform (with state, nonce and a PKCE challenge)."""
    if not enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request):
    """The identity platform sends the browser back here with a one-time code."""
    if not enabled():
        raise Http404
    if "code" not in request.GET and "error" not in request.GET:
        return redirect("login")
    return _Callback.as_view()(request)
