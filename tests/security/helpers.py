"""Shared by the authentication and hardening tests: the production values the general suite
relaxes (tests/conftest.py `_relaxed_login_security`), and TOTP codes computed the way any
authenticator app does (RFC 6238, written here independently of django-otp)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from sanxiang import settings as production

REQUIRED_ROLES = production.SANXIANG_OTP_REQUIRED_ROLES
REAUTH_SECONDS = production.SANXIANG_REAUTH_SECONDS
IDLE_SECONDS = production.SANXIANG_SESSION_IDLE_SECONDS


def totp(secret_b32: str, at: float | None = None, step: int = 30) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def code_for(device, step_offset: int = 0) -> str:
    """The current code of a django-otp device, computed from its key like a phone app would."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return totp(secret, time.time() + step_offset * device.step)


def age_session(client, **seconds_ago) -> None:
    """Move the session's timestamps into the past: auth=…, seen=…"""
    from sanxiang.org import security

    session = client.session
    now = time.time()
    if "auth" in seconds_ago:
        session[security.AUTH_AT] = now - seconds_ago["auth"]
    if "seen" in seconds_ago:
        session[security.SEEN_AT] = now - seconds_ago["seen"]
    session.save()
