"""What every supervision service shares: the record entry of each act, the exchange signal, the
read log (Art. 40: every supervisor read is logged) and due dates from rule parameters (I8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.records import services as records
from sanxiang.supervision.signals import supervision_changed


def record(obj, kind: str, actor, payload: dict[str, Any], *, agency=None) -> None:
    """Append the act to the object's own record stream (I2), in the caller's transaction."""
    records.append(
        kind=f"supervision.{kind}",
        payload=payload,
        actor=actor,
        stream=obj.stream,
        agency=agency or getattr(obj, "agency", None) or getattr(obj, "issuer", None),
    )


def emit(topic: str, key: str, payload: dict[str, Any], agency) -> None:
    supervision_changed.send(None, topic=topic, key=key, payload=payload, agency=agency)


def log_read(user, obj, *, what: str) -> None:
    """Log a staff read of a supervision object (Art. 40) as a record entry of its stream."""
    with transaction.atomic():
        record(obj, "read", user, {"object": what, "id": obj.pk, "user": user.username})


def due_from_rule(code: str, start: dt.date | None = None) -> tuple[dt.date, str]:
    """The due date a rule parameter sets from `start` (default today) and the rule's citation."""
    start = start or clock.today()
    rule = rules.param(code, on=start)
    return calendar.due_date(start, int(rule.value), rule.unit).date, rule.citation


def iso(value) -> str | None:
    return value.isoformat() if value else None
