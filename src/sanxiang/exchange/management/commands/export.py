"""`sanxiang export KIND --format csv|xlsx|json -o FILE`

KIND: agencies, officers, laws, items, benchmarks, cases (each in its import format, so an export
imports back), publications-penalty / publications-permit (the 双公示 feeds, rules.md §16).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from sanxiang.core.errors import DomainError
from sanxiang.exchange.exporters import EXPORT_KINDS, FORMATS, export
from sanxiang.org.models import User


class Command(BaseCommand):
    help = "Export reference data, cases or the 双公示 publication feeds to CSV/XLSX/JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=EXPORT_KINDS)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument(
            "--header-keys", action="store_true", help="field codes instead of Chinese headers"
        )
        parser.add_argument("--since", help="publications decided on or after (YYYY-MM-DD)")
        parser.add_argument("--until", help="publications decided on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--actor", default=os.environ.get("SANXIANG_ACTOR"), help="admin username (recorded)"
        )

    def handle(self, *, kind, format, output, header_keys, since, until, actor, **_):
        user = None
        if actor:
            user = User.objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(f"unknown user {actor}")
        try:
            result = export(
                kind,
                format,
                Path(output),
                actor=user,
                header_keys=header_keys,
                since=parse_date(since) if since else None,
                until=parse_date(until) if until else None,
            )
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        self.stdout.write(f"{result['rows']} 行 → {output}（SHA-256 {result['sha256'][:16]}…）")
        for code, n in sorted(result["missing_required"].items()):
            self.stderr.write(f"  警告：{n} 行缺少必填字段 {code}")
