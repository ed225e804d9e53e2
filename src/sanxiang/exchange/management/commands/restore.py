"""`sanxiang restore FILE [--force]` — restore an archive into an empty installation, then verify it."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.exchange.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a `sanxiang backup` archive (database, evidence files, keys) and verify it."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="overwrite a non-empty database / other key")

    def handle(self, *, archive, force, **_):
        try:
            result = restore(Path(archive), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        summary = {"ok": result["ok"], "checked": result["checked"], "problems": result["problems"]}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if not result["ok"]:
            raise CommandError("restored, but verification found problems (listed above)")
