"""Gapless numbering: the counter moves in the caller's transaction, so a rollback returns the number."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from sanxiang.core.models import Sequence


def next_value(key: str) -> int:
    """Reserve the next number of `key`. Must run inside the transaction that uses the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    if not Sequence.objects.filter(key=key).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                Sequence.objects.create(key=key, value=1)
                return 1
        except IntegrityError:  # another transaction created it first; its row lock now orders us
            Sequence.objects.filter(key=key).update(value=F("value") + 1)
    return Sequence.objects.values_list("value", flat=True).get(key=key)


def current_value(key: str) -> int:
    return Sequence.objects.filter(key=key).values_list("value", flat=True).first() or 0
