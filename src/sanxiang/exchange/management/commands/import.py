"""`sanxiang import KIND FILE [--dry-run] [--encoding gbk] [--actor USERNAME]`

KIND: agencies, officers, laws, items, benchmarks, cases (historical). FILE: .csv, .xlsx or .json
(docs/exchange-formats.md). All rows or none are imported; every run is kept as an import record.
Exit status 0 when the file is valid (and, without --dry-run, imported), 1 when it was rejected.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError
from sanxiang.exchange.importers import run_import
from sanxiang.org.models import User


class Command(BaseCommand):
    help = "Bulk import reference data or historical cases from CSV/XLSX/JSON (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["agencies", "officers", "laws", "items", "benchmarks", "cases"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate everything, change nothing")
        parser.add_argument("--encoding", help="CSV encoding when detection is not wanted (utf-8, gbk…)")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], help="default: from the file")
        parser.add_argument(
            "--actor",
            default=os.environ.get("SANXIANG_ACTOR"),
            help="username of the admin doing the import (default: $SANXIANG_ACTOR)",
        )

    def handle(self, *, kind, file, dry_run, encoding, format, actor, **_):
        user = User.objects.filter(username=actor or "", is_active=True).first()
        if user is None:
            raise CommandError("name the admin doing the import: --actor USERNAME (or set SANXIANG_ACTOR)")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            run = run_import(
                kind,
                path.read_bytes(),
                filename=path.name,
                actor=user,
                dry_run=dry_run,
                fmt=format,
                encoding=encoding,
            )
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        self.stdout.write(
            f"{run.get_status_display()}：{run.rows} 行，新增 {run.counts or {}}，错误 {run.error_count} 个"
            f"（导入记录 #{run.pk}，文件 SHA-256 {run.sha256[:16]}…）"
        )
        for error in run.errors[:50]:
            where = f"第 {error['row']} 行" if error["row"] else "文件"
            column = f"“{error['column']}”" if error["column"] else ""
            self.stdout.write(f"  {where}{column}：{error['reason']}")
        if run.error_count > 50:
            self.stdout.write(f"  …共 {run.error_count} 个错误")
        if run.status == "rejected":
            sys.exit(1)
