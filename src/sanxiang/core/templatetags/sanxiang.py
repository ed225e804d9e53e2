from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from sanxiang.core.roles import Role

register = template.Library()

_DEADLINE_BADGES = {
    "running": "info",
    "paused": "warn",
    "met": "ok",
    "late": "warn",
    "overdue": "bad",
    "cancelled": "",
}


@register.filter
def role_labels(roles) -> str:
    return "、".join(str(Role(r).label) for r in sorted(roles) if r in Role.values)


@register.filter
def deadline_badge(status: str) -> str:
    return _DEADLINE_BADGES.get(status, "")


@register.filter
def yuan(value) -> str:
    if value in (None, ""):
        return "—"
    return _("%(value)s 元") % {"value": format(Decimal(value), ",.2f")}


@register.filter
def tr(value) -> str:
    """Translate a label kept as data (procedure, stage and transition names)."""
    return _(str(value)) if value else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def cert_status(cert, day) -> str:
    return cert.status_on(day)


@register.filter
def cert_badge(status) -> str:
    return {
        "active": "ok",
        "expired": "bad",
        "suspended": "warn",
        "revoked": "bad",
        "not_yet_valid": "warn",
    }.get(str(status), "")


@register.filter
def cert_status_label(cert, day) -> str:
    from sanxiang.org.models import CertificateStatus

    return str(CertificateStatus(cert.status_on(day)).label)
