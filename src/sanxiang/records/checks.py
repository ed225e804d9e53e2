"""System check: the append-only triggers are in place (a migration that rebuilds a SQLite table
drops them; records/maintenance.py)."""

from __future__ import annotations

from django.core import checks
from django.db import connection
from django.db.utils import DatabaseError


@checks.register(checks.Tags.database)
def append_only_triggers(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from django.db.migrations.recorder import MigrationRecorder

    from sanxiang.records.maintenance import missing_triggers

    try:
        applied = MigrationRecorder(connection).applied_migrations()
        if ("records", "0003_append_only_log") not in applied:
            return []  # not migrated yet: `migrate` installs them
        missing = missing_triggers(connection)
    except DatabaseError:
        return []
    if not missing:
        return []
    return [
        checks.Error(
            f"append-only triggers missing: {', '.join(missing)}",
            hint="Run migrations; a records migration that rebuilds a table must end with "
            "InstallAppendOnlyTriggers().",
            id="records.E001",
        )
    ]
