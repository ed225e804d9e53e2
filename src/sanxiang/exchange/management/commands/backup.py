"""`sanxiang backup -o DIR_OR_FILE` — database + evidence files + keys in one archive (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.exchange.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, evidence files and keys into one consistent archive."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="a directory (timestamped name) or a file")

    def handle(self, *, output, **_):
        target = Path(output)
        if output.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        try:
            archive = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(archive))
