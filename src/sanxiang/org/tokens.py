"""DRF's personal API token (`Authorization: Token …`), loaded with what every request needs next.

DRF's own class reads the token and its user; the scope filter then reads the user's agency and
the guards their roles, one query each. Here the agency comes in the token's query, and the roles
(`User.roles`) are one lean statement, so an authenticated API call starts with two statements
instead of three ORM queries (docs/performance.md, API)."""

from __future__ import annotations

from rest_framework import authentication
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user__agency").get(key=key)
        except Token.DoesNotExist:
            token = None
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refuses, in DRF's words
        return token.user, token
