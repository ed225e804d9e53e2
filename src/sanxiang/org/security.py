"""Login hardening (issue 10, docs/security-auth.md): the lockout counters, the login audit
(SecurityEvent) and the session timestamps that idle expiry and re-authentication read.

Lockout. Every failed password (any door: the login page, the admin's login, re-authentication)
counts against the username typed and against the client address, in the cache, for
SANXIANG_LOGIN_FAILURE_WINDOW seconds. At SANXIANG_LOGIN_MAX_FAILURES for a username (or
..._PER_IP for an address) that username (address) is locked for SANXIANG_LOGIN_LOCKOUT_SECONDS:
`auth.LockoutModelBackend` refuses without checking the password, whether or not the username
exists, so the answer never tells an attacker which usernames are real.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from sanxiang.core import clock
from sanxiang.core.ratelimit import client_ip

AUTH_AT = "sx_auth_at"  # when the password (or second factor) was last confirmed, epoch seconds
SEEN_AT = "sx_seen_at"  # last request of the session, epoch seconds (idle expiry)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"sx:login:{kind}:{digest}"


def _subjects(request, username: str) -> list[tuple[str, str, int]]:
    subjects = [("ip", client_ip(request), settings.SANXIANG_LOGIN_MAX_FAILURES_PER_IP)] if request else []
    if username:
        subjects.append(("user", username, settings.SANXIANG_LOGIN_MAX_FAILURES))
    return subjects


def locked_for(request, username: str) -> int:
    """Seconds until this username and address may try again (0: not locked)."""
    now = time.time()
    until = max(
        (cache.get(_key(f"lock-{kind}", value)) or 0 for kind, value, _ in _subjects(request, username)),
        default=0,
    )
    return max(0, int(until - now + 0.999)) if until > now else 0


def register_failure(request, username: str) -> bool:
    """Count a failed attempt; True if it locked the username or the address."""
    window, lockout = settings.SANXIANG_LOGIN_FAILURE_WINDOW, settings.SANXIANG_LOGIN_LOCKOUT_SECONDS
    locked = False
    for kind, value, limit in _subjects(request, username):
        key = _key(kind, value)
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        if count >= limit:
            cache.set(_key(f"lock-{kind}", value), time.time() + lockout, lockout)
            cache.delete(key)
            locked = True
    return locked


def reset(username: str) -> None:
    """A successful login clears the username's failures (not the address's)."""
    cache.delete(_key("user", username))


# --- the audit --------------------------------------------------------------------------------


def record(kind: str, request=None, *, user=None, username: str = "", detail: str = ""):
    from sanxiang.org.models import SecurityEvent

    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        username=(username or getattr(user, "username", "") or "")[:150],
        user=user if getattr(user, "pk", None) else None,
        ip=ip or None,
        user_agent=agent,
        at=clock.now(),
        detail=detail[:200],
    )


# --- session timestamps -------------------------------------------------------------------------


def mark_authenticated(request) -> None:
    """The password (or second factor) was just confirmed: the clock of re-authentication restarts."""
    if hasattr(request, "session"):
        now = time.time()
        request.session[AUTH_AT] = now
        request.session[SEEN_AT] = now


def auth_age(request) -> float:
    """Seconds since the password was last confirmed in this session (infinite if never)."""
    at = request.session.get(AUTH_AT) if hasattr(request, "session") else None
    return time.time() - at if at else float("inf")


def needs_reauth(request) -> bool:
    return auth_age(request) > settings.SANXIANG_REAUTH_SECONDS
