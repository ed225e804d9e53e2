"""Append-only, enforced by the database (DESIGN.md I2): triggers refuse UPDATE and DELETE.

Installed by migrations (`InstallAppendOnlyTriggers`) with vendor-specific SQL, and checked by a
system check and by `sanxiang verify`, because SQLite drops a table's triggers when a migration
rebuilds the table.

The test harness must be able to empty tables between transactional tests. The one documented way
through is per engine, and neither is reachable from the application's code paths:

* PostgreSQL — Django's flush uses TRUNCATE, which row triggers do not see. Production grants the
  application's role no TRUNCATE privilege on records tables (docs/record-format.md, "Deploying").
* SQLite — a DELETE passes only when the *connection* has a TEMP table named `records_maintenance`
  (`allow_deletes(connection)`), which exists for that connection alone and vanishes with it. Only
  tests/conftest.py creates it. UPDATE is refused unconditionally on both engines.

Anyone who can drop triggers can of course change rows; that is what the hashes, the chain and the
signed checkpoints catch (`sanxiang verify`).
"""

from __future__ import annotations

from django.db import migrations

# Tables whose rows are never changed or removed.
APPEND_ONLY = (
    "records_entry",
    "records_node",
    "records_checkpoint",
    "records_blob",
    "records_evidence",
    "records_supersession",
    "records_avcoverage",
)
# Tables updated in place but never deleted.
NO_DELETE = ("records_loghead",)
SWITCH = "records_maintenance"
_MESSAGE = "records: %s on %s refused - the record is append-only (DESIGN.md I2)"


def _sqlite_switch_supported(connection) -> bool:
    return connection.Database.sqlite_version_info >= (3, 37, 0)  # pragma_table_list


def sqlite_statements(connection) -> list[str]:
    switch = (
        f"WHEN NOT EXISTS (SELECT 1 FROM pragma_table_list WHERE schema = 'temp' AND name = '{SWITCH}') "  # noqa: S608 - constants
        if _sqlite_switch_supported(connection)
        else ""
    )
    sql = []
    for table in APPEND_ONLY:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE % ('UPDATE', table)}'); END",
        ]
    for table in APPEND_ONLY + NO_DELETE:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {switch}"
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE % ('DELETE', table)}'); END",
        ]
    return sql


def postgresql_statements() -> list[str]:
    sql = [
        """CREATE OR REPLACE FUNCTION records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'records: % on % refused - the record is append-only (DESIGN.md I2)',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END $$"""
    ]
    for table in APPEND_ONLY:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION records_refuse_change()",
        ]
    for table in NO_DELETE:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION records_refuse_change()",
        ]
    return sql


def install_statements(connection) -> list[str]:
    if connection.vendor == "sqlite":
        return sqlite_statements(connection)
    if connection.vendor == "postgresql":
        return postgresql_statements()
    raise RuntimeError(f"no append-only triggers for {connection.vendor}")  # DESIGN.md: two engines


def uninstall_statements(connection) -> list[str]:
    sql = []
    for table in APPEND_ONLY + NO_DELETE:
        if connection.vendor == "sqlite":
            sql += [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
        else:
            sql += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
            ]
    return sql


def install(schema_editor) -> None:
    for statement in install_statements(schema_editor.connection):
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor) -> None:
    for statement in uninstall_statements(schema_editor.connection):
        schema_editor.execute(statement, params=None)


def run(connection, statements: list[str]) -> None:
    """Execute trigger DDL on a plain connection (tests that play the attacker; repairs)."""
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def InstallAppendOnlyTriggers() -> migrations.RunPython:
    """Put at the end of every records migration that creates or rebuilds one of the tables."""
    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor),
        lambda apps, schema_editor: uninstall(schema_editor),
        elidable=False,
    )


def missing_triggers(connection) -> list[str]:
    """Names of append-only triggers absent from the database (empty when all are in place)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {r[0] for r in cursor.fetchall()}
            wanted = {f"{t}_no_update" for t in APPEND_ONLY} | {
                f"{t}_no_delete" for t in APPEND_ONLY + NO_DELETE
            }
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            present = {r[0] for r in cursor.fetchall()}
            wanted = {f"{t}_append_only" for t in APPEND_ONLY} | {f"{t}_no_delete" for t in NO_DELETE}
    return sorted(wanted - present)


def allow_deletes(connection) -> None:
    """Test harness only: let this one SQLite connection empty the records tables (see above)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SWITCH} (x INTEGER)")
