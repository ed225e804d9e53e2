"""The dashboard's daily summary (`DailyCaseCount`): kept in step with the cases, and rebuilt.

Two ways in, one meaning (the docstring of models/summary.py):

* incrementally, in the transaction of the change: `count_opened(case)` when a case is registered,
  `count_transition(case, from_stage, closed_on_before)` after a transition, `count_new(cases)`
  after a bulk import — each adds the difference between the case's contribution before and after
  as `opened = opened + n` upserts, so concurrent transitions of cases of the same agency and day
  never overwrite each other's counts;
* from the cases, for a range of days: `rebuild(date_from, date_to)` — by `sanxiang tick`
  (yesterday and today, which also heals anything written around the incremental path: raw SQL,
  a restore) and by `sanxiang summary rebuild [--from --to]` after bulk loads.

Readers use `rows(agency_ids, date_from, date_to)`: whole days only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from sanxiang.core import clock

Key = tuple[int, dt.date, str, str]  # agency_id, day, procedure, stage
BATCH = 5000


def opened_day(opened_at: dt.datetime) -> dt.date:
    """The day a case counts as registered: the local date of `opened_at` (settings.TIME_ZONE)."""
    return timezone.localtime(opened_at).date()


def _contribution(case, stage: str, closed_on: dt.date | None) -> Counter:
    """What one case adds to the summary when it is in `stage` with `closed_on`."""
    out: Counter = Counter()
    out[("opened", case.agency_id, opened_day(case.opened_at), case.procedure, stage)] += 1
    if closed_on is not None:
        out[("closed", case.agency_id, closed_on, case.procedure, stage)] += 1
    return out


def count_opened(case) -> None:
    _add(_contribution(case, case.stage, case.closed_on))


def count_transition(case, from_stage: str, closed_on_before: dt.date | None) -> None:
    delta = _contribution(case, case.stage, case.closed_on)
    delta.subtract(_contribution(case, from_stage or case.stage, closed_on_before))
    _add(delta)


def count_new(cases: Iterable[Any]) -> None:
    """Cases inserted in bulk (history import): each adds its contribution."""
    total: Counter = Counter()
    for case in cases:
        total.update(_contribution(case, case.stage, case.closed_on))
    _add(total)


def _add(delta: Counter) -> None:
    """Upsert the non-zero differences: `opened = opened + n` on the existing row (same SQL on
    SQLite ≥ 3.24 and PostgreSQL), so two transactions adding to one row both count."""
    from sanxiang.supervision.models import DailyCaseCount

    per_key: dict[Key, list[int]] = {}
    for (column, *key), n in delta.items():
        if n:
            per_key.setdefault(tuple(key), [0, 0])[0 if column == "opened" else 1] += n
    if not per_key:
        return
    table = connection.ops.quote_name(DailyCaseCount._meta.db_table)
    # identifiers from the model, every value a parameter
    sql = (
        f"INSERT INTO {table} (agency_id, day, procedure, stage, opened, closed) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (agency_id, day, procedure, stage) DO UPDATE SET "
        f"opened = {table}.opened + excluded.opened, closed = {table}.closed + excluded.closed"
    )
    params = [
        (agency_id, connection.ops.adapt_datefield_value(day), procedure, stage, opened, closed)
        for (agency_id, day, procedure, stage), (opened, closed) in sorted(per_key.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- rebuild -----------------------------------------------------------------------------------


def case_date_range() -> tuple[dt.date, dt.date] | None:
    """The first and last day any case counts on (registered or closed), or None without cases."""
    from sanxiang.cases.models import Case

    span = Case.objects.order_by().aggregate(
        first=Min("opened_at"),
        last=Max("opened_at"),
        closed_first=Min("closed_on"),
        closed_last=Max("closed_on"),
    )
    if span["first"] is None:
        return None
    first, last = opened_day(span["first"]), opened_day(span["last"])
    if span["closed_first"] is not None:
        first, last = min(first, span["closed_first"]), max(last, span["closed_last"])
    return first, last


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def live_counts(date_from: dt.date, date_to: dt.date, agency_ids=None) -> dict[Key, list[int]]:
    """The summary's rows for [date_from, date_to] computed from the cases themselves (what
    `rebuild` writes; what the tests compare the incremental summary with)."""
    from sanxiang.cases.models import Case

    cases = Case.objects.order_by()
    if agency_ids is not None:
        cases = cases.filter(agency_id__in=list(agency_ids))
    start, end = _bounds(date_from, date_to)
    out: dict[Key, list[int]] = {}
    opened = (
        cases.filter(opened_at__gte=start, opened_at__lt=end)
        .annotate(day=TruncDate("opened_at", tzinfo=timezone.get_current_timezone()))
        .values_list("agency_id", "day", "procedure", "stage")
        .annotate(n=Count("pk"))
    )
    for agency_id, day, procedure, stage, n in opened.iterator(chunk_size=BATCH):
        out.setdefault((agency_id, day, procedure, stage), [0, 0])[0] += n
    closed = (
        cases.filter(closed_on__gte=date_from, closed_on__lte=date_to)
        .values_list("agency_id", "closed_on", "procedure", "stage")
        .annotate(n=Count("pk"))
    )
    for agency_id, day, procedure, stage, n in closed.iterator(chunk_size=BATCH):
        out.setdefault((agency_id, day, procedure, stage), [0, 0])[1] += n
    return out


def stored_counts(date_from: dt.date, date_to: dt.date, agency_ids=None) -> dict[Key, list[int]]:
    """The summary as stored for [date_from, date_to], rows that count nothing left out."""
    out: dict[Key, list[int]] = {}
    for agency_id, day, procedure, stage, opened, closed in rows(agency_ids, date_from, date_to).values_list(
        "agency_id", "day", "procedure", "stage", "opened", "closed"
    ):
        if opened or closed:
            out[(agency_id, day, procedure, stage)] = [opened, closed]
    return out


@transaction.atomic
def rebuild(date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """Recount the summary of [date_from, date_to] (default: every day any case counts on) from
    the cases: the rows of those days are replaced. Returns what was done, with the time taken."""
    from sanxiang.supervision.models import DailyCaseCount

    started = time.perf_counter()
    everything = date_from is None and date_to is None
    if date_from is None or date_to is None:
        today = clock.today()
        first, last = case_date_range() or (today, today)
        date_from = date_from or min(first, date_to or first)
        date_to = date_to or max(last, today, date_from)
    counts = live_counts(date_from, date_to)
    stale = DailyCaseCount.objects.all()
    if not everything:
        stale = stale.filter(day__gte=date_from, day__lte=date_to)
    deleted, _per = stale.delete()
    DailyCaseCount.objects.bulk_create(
        (
            DailyCaseCount(agency_id=a, day=d, procedure=p, stage=s, opened=o, closed=c)
            for (a, d, p, s), (o, c) in counts.items()
        ),
        batch_size=BATCH,
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "rows": len(counts),
        "deleted": deleted,
        "opened": sum(o for o, _c in counts.values()),
        "closed": sum(c for _o, c in counts.values()),
        "seconds": round(time.perf_counter() - started, 3),
    }


def rebuild_recent() -> dict[str, Any]:
    """`sanxiang tick`: yesterday and today recounted, for safety (a change written around the
    services, a transaction that raced a previous rebuild)."""
    today = clock.today()
    return rebuild(today - dt.timedelta(days=1), today)


# --- reading -----------------------------------------------------------------------------------


def rows(agency_ids, date_from: dt.date, date_to: dt.date):
    """The summary rows of the agencies (None: all) for the whole days [date_from, date_to]."""
    from sanxiang.supervision.models import DailyCaseCount

    qs = DailyCaseCount.objects.filter(day__gte=date_from, day__lte=date_to).order_by()
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return qs


def open_cases(agency_ids) -> int:
    """Cases of the agencies not closed now: every case registered less every case closed (both
    are counted on every day of the summary) — a read of the summary rows, not of 10^6 cases."""
    from django.db.models import Sum

    from sanxiang.supervision.models import DailyCaseCount

    totals = DailyCaseCount.objects.filter(agency_id__in=list(agency_ids)).aggregate(
        opened=Sum("opened"), closed=Sum("closed")
    )
    return (totals["opened"] or 0) - (totals["closed"] or 0)
