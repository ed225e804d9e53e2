"""Who may see what of the exchange. Operations (endpoints, dead letters, replay, tokens) are the
admin's; an admin sees every message, since every message is bound for a platform outside the
city anyway. A supervisor sees, read only, the messages of the agencies in their scope. Nobody
else sees the exchange."""

from __future__ import annotations

from django.db.models import QuerySet

from sanxiang.core.roles import Role
from sanxiang.exchange.models import Delivery, Endpoint, ImportRun, OutboxMessage, ReceivedMessage


def is_operator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.ADMIN))


def can_view(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & {Role.ADMIN, Role.SUPERVISOR})


def messages_visible_to(user) -> QuerySet[OutboxMessage]:
    if is_operator(user):
        return OutboxMessage.objects.all()
    if can_view(user):
        return OutboxMessage.objects.restrict(user)
    return OutboxMessage.objects.none()


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    return Delivery.objects.filter(message__in=messages_visible_to(user)).select_related(
        "message", "endpoint"
    )


def endpoints_visible_to(user) -> QuerySet[Endpoint]:
    return Endpoint.objects.all() if can_view(user) else Endpoint.objects.none()


def sees_whole_instance(user) -> bool:
    """A supervisor whose agency sits at the top of this instance's division tree (the city's or
    province's justice bureau): their scope is every agency here."""
    if not (getattr(user, "is_authenticated", False) and user.has_role(Role.SUPERVISOR)):
        return False
    agency = getattr(user, "agency", None)
    return agency is not None and agency.division.parent_id is None


def received_visible_to(user) -> QuerySet[ReceivedMessage]:
    """The received log: what other instances pushed to this one (the provincial view). Its
    messages carry no agency of this instance to scope by, and their payloads may hold personal
    data, so it is the operator's and the top-level supervisor's only — a county or township
    supervisor does not read the whole city's inbound traffic (security review finding F2)."""
    if is_operator(user) or sees_whole_instance(user):
        return ReceivedMessage.objects.all()
    return ReceivedMessage.objects.none()


def imports_visible_to(user) -> QuerySet[ImportRun]:
    return ImportRun.objects.all() if is_operator(user) else ImportRun.objects.none()
