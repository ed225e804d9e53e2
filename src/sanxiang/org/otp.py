"""TOTP two-factor for staff (django-otp; docs/security-auth.md).

Mandatory for the roles in SANXIANG_OTP_REQUIRED_ROLES (default: admin, supervisor), optional for
everyone else (a user may enrol at /login/otp/enrol/; once enrolled, the code is asked at every
login). The demo gives its accounts that need it a device with the documented DEMO_SECRET.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

# Documented in docs/demo.md: add it to any TOTP app to log in as the demo supervisor or admin.
DEMO_SECRET = "SANXIANGDEMOTOTPSANXIANGDEMOTOTP"  # noqa: S105 - public by design, demo only
DEVICE_NAME = "TOTP"


def required_for(user) -> bool:
    return bool(set(getattr(user, "roles", ())) & set(settings.SANXIANG_OTP_REQUIRED_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(user) -> bool:
    """Must this user give a code before reaching anything? (required role, or enrolled)"""
    if not getattr(user, "is_authenticated", False):
        return False
    return required_for(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (one per user, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret a TOTP app takes when typed in by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG, drawn on the server (no script, no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")


def enrol_with_secret(user, secret: str = DEMO_SECRET) -> TOTPDevice:
    """A confirmed device with a known secret (the demo's accounts; idempotent)."""
    key = base64.b32decode(secret).hex()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    if device.key != key:
        device.key = key
        device.save(update_fields=["key"])
    return device


def enrol_demo_accounts() -> int:
    """Every demo user whose role requires the second factor gets a confirmed device with
    DEMO_SECRET (docs/demo.md), so `make run` users can log in with any TOTP app. Idempotent."""
    from sanxiang.org.models import User

    roles = settings.SANXIANG_OTP_REQUIRED_ROLES
    users = User.objects.filter(groups__name__in=roles, is_active=True).distinct()
    count = 0
    for user in users:
        enrol_with_secret(user)
        count += 1
    return count
