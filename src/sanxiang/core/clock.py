"""The one clock every service reads, so tests (and demo loaders) can freeze time.

`now()` and `today()` are timezone-aware (Asia/Shanghai dates). `frozen(moment)` pins the clock
inside a `with` block in this thread and in threads started from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


def _aware(moment: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@contextlib.contextmanager
def frozen(moment: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    global _frozen
    previous, _frozen = _frozen, _aware(moment)
    try:
        yield _frozen
    finally:
        _frozen = previous


def set_frozen(moment: dt.datetime | dt.date | None) -> None:
    """Pin (or with None release) the clock outside a `with` block; for loaders that walk history."""
    global _frozen
    _frozen = None if moment is None else _aware(moment)
