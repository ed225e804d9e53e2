"""Many rows of one model into its table without the ORM's per-object work — the historical-case
import's writer (docs/performance.md, "Exchange and API").

`Model.objects.bulk_create()` builds a model instance per row, then compiles the INSERT and runs
every value of every field through `pre_save` / `get_db_prep_save` one object at a time: at 10⁶
imported cases that was over half of the import's time. Here the columns, their defaults and each
column's adapter are worked out once per call, and the rows go to the driver in one
`executemany` (SQLite) or one `COPY … FROM STDIN` (PostgreSQL) by `core.tablewrite`, as
`records.bulk` writes entries.

Rows are dicts of field attname (`agency_id`, not `agency`) → value already of the field's Python
type (what the import's parsed cells are: str, int, date, Decimal, dict); a field a row does not
name gets the field's default, `auto_now`/`auto_now_add` fields the time of the call — the values
`bulk_create` would have written (tests/exchange/test_import_export.py compares the two field by
field). No signals are sent, as with `bulk_create`; primary keys are not returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanxiang.core.tablewrite import write_rows

# Field types whose Python value is what the driver takes, on SQLite and PostgreSQL alike.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}
_NOW = object()


def _adapter(field, conn) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind == "DateField":
        return conn.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return _memo(conn.ops.adapt_datetimefield_value)  # SQLite: a timezone conversion per value
    if kind == "DecimalField":
        return lambda value: conn.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return lambda value: field.get_db_prep_save(value, conn)


def _memo(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Adapt each distinct value once per call (imported dates repeat: a day at 09:00 each)."""
    seen: dict[Any, Any] = {}

    def adapted(value: Any) -> Any:
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return adapted


def insert(model, rows: Iterable[dict[str, Any]]) -> int:
    """Insert `rows` into `model`'s table on the current connection; returns how many."""
    conn = transaction.get_connection()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    plan = []
    for field in fields:
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        plan.append((field.attname, _NOW if auto else field.get_default(), _adapter(field, conn)))
    values = []
    for row in rows:
        line = []
        for attname, default, adapt in plan:
            value = now if default is _NOW else row.get(attname, default)
            line.append(value if adapt is None or value is None else adapt(value))
        values.append(line)
    if not values:
        return 0
    table = conn.ops.quote_name(model._meta.db_table)
    with conn.cursor() as cursor:
        write_rows(cursor, table, [conn.ops.quote_name(f.column) for f in fields], values)
    return len(values)
