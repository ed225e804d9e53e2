"""System tokens for the API: `Authorization: Bearer sx_<prefix>_<secret>`.

A token acts as its service account — the account's agency and roles scope every query and every
service call, exactly as for a person — and is limited further to its scopes: `<area>:read` for
GET/HEAD/OPTIONS, `<area>:write` for anything else (`cases:write`, `exchange:read`…).
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from sanxiang.core import clock
from sanxiang.exchange.models import SystemToken
from sanxiang.exchange.services import TOKEN_PREFIX, hash_key

# How stale "last used" may be: a system polling the API would otherwise write a row on every read.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

# First path segment under /api/ → the scope area that governs it.
AREAS = {
    "agencies": "org",
    "officers": "org",
    "items": "catalog",
    "articles": "catalog",
    "rule-parameters": "catalog",
}


class SystemTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if len(header) != 2 or header[0] != self.keyword or not header[1].startswith(TOKEN_PREFIX):
            return None
        key = header[1]
        prefix = key[len(TOKEN_PREFIX) :].split("_", 1)[0]
        token = SystemToken.objects.select_related("user__agency").filter(prefix=prefix).first()
        if token is None or token.key_hash != hash_key(key) or not token.active:
            raise exceptions.AuthenticationFailed()
        now = clock.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed()
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            SystemToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScopePermission(permissions.BasePermission):
    """Only bites when the request was authenticated by a system token."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, SystemToken):
            return True
        return token.allows(
            f"{area_of(request, view)}:{'read' if request.method in permissions.SAFE_METHODS else 'write'}"
        )


def area_of(request, view) -> str:
    explicit = getattr(view, "scope_area", None)
    if explicit:
        return explicit
    parts = [p for p in request.path.split("/") if p]
    segment = parts[1] if len(parts) > 1 and parts[0] == "api" else (parts[0] if parts else "")
    return AREAS.get(segment, segment)


class SystemTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sanxiang.exchange.auth.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "系统令牌（sx_…），按权限范围授权"}
