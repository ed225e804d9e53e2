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


def received_visible_to(user) -> QuerySet[ReceivedMessage]:
    """The received log: what other instances pushed to this one (the provincial view)."""
    return ReceivedMessage.objects.all() if can_view(user) else ReceivedMessage.objects.none()


def imports_visible_to(user) -> QuerySet[ImportRun]:
    return ImportRun.objects.all() if is_operator(user) else ImportRun.objects.none()
