"""The authentication backend and the auth signal receivers (docs/security-auth.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from sanxiang.org import security
from sanxiang.org.models import SecurityEventKind


class LockoutModelBackend(ModelBackend):
    """Django's backend behind the lockout: a locked username or address is refused before its
    password is looked at (so a locked account cannot be brute-forced, and an unknown username
    is refused the same way as a known one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # other credentials (the identity platform's code) are another backend's
        if request is not None and security.locked_for(request, username or ""):
            request.sx_locked_out = True
            raise PermissionDenied  # authenticate() stops here and sends user_login_failed
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` has the password masked by Django; only the username is kept
    username = str(credentials.get("username") or "")
    if request is not None and getattr(request, "sx_locked_out", False):
        security.record(
            SecurityEventKind.LOCKED_OUT, request, username=username, detail="refused while locked"
        )
        return
    locked = security.register_failure(request, username)
    security.record(SecurityEventKind.LOGIN_FAILED, request, username=username)
    if locked:
        security.record(SecurityEventKind.LOCKED_OUT, request, username=username, detail="limit reached")


def on_logged_in(sender, request, user, **kwargs):
    security.reset(user.get_username())
    security.mark_authenticated(request)
    security.record(SecurityEventKind.LOGIN, request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    kind = (
        SecurityEventKind.SESSION_EXPIRED
        if getattr(request, "sx_idle_expired", False)
        else SecurityEventKind.LOGOUT
    )
    security.record(kind, request, user=user)
