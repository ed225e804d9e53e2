"""Many rows into one table in one statement, for the bulk paths that bypass the ORM on purpose
(the record's bulk builder, records/bulk.py; the historical-case import, exchange/bulkrows.py):
PostgreSQL's `COPY … FROM STDIN` (psycopg's `cursor.copy`, about ten times the rows per second of
INSERTs), `executemany` of one INSERT elsewhere."""

from __future__ import annotations

from collections.abc import Sequence


def write_rows(cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """`cursor` is Django's cursor of the current connection; `table` and `columns` are identifiers
    from the models (quoted by the caller where they need it), never input; values are parameters."""
    names = ", ".join(columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
