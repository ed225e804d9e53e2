from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

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


@register.filter
def outcome_label(proposal) -> str:
    """The label of a proposal's outcome, from the procedure definition that offered it."""
    for transition in proposal.case.definition.transitions:
        spec = transition.input("outcome")
        if spec is not None:
            for code, label in spec.choices:
                if code == proposal.outcome:
                    return _(label)
    return proposal.outcome


@register.filter
def penalty_labels(codes) -> str:
    from sanxiang.catalog.choices import PenaltyType

    labels = dict(PenaltyType.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def value_labels(codes) -> str:
    from sanxiang.catalog.choices import Category, PenaltyType
    from sanxiang.review.choices import Flag

    labels = dict(PenaltyType.choices) | dict(Flag.choices) | dict(Category.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])
