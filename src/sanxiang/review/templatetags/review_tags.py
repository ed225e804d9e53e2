from decimal import Decimal

from django import template

register = template.Library()

_STATE_BADGES = {
    "submitted": "info",
    "accepted": "info",
    "assigned": "info",
    "concluded": "ok",
    "refused": "warn",
    "voided": "",
}
_OUTCOME_BADGES = {"agree": "ok", "amend": "warn", "return": "warn", "disagree": "bad"}


@register.filter
def review_badge(state: str) -> str:
    return _STATE_BADGES.get(state, "")


@register.filter
def outcome_badge(outcome: str) -> str:
    return _OUTCOME_BADGES.get(outcome, "")


@register.filter
def outcome_count(counts, outcome: str) -> int:
    return counts.get(f"outcome:{outcome}", 0)


@register.filter
def open_count(counts) -> int:
    return sum(counts.get(f"state:{s}", 0) for s in ("submitted", "accepted", "assigned"))


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.1f}%"


@register.filter
def label_of(code: str, labels) -> str:
    return labels.get(code, code) if hasattr(labels, "get") else code


@register.filter
def active_on(appointment, day) -> bool:
    return appointment.active_on(day)
