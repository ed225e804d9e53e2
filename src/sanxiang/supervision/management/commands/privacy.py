"""`sanxiang privacy export --id-number … | --credit-code … --user NAME --reason … -o FILE.json`:
the data-subject export (docs/privacy.md), made as a named staff user and logged like the page."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError
from sanxiang.org.models import User
from sanxiang.supervision.services import privacy


class Command(BaseCommand):
    help = "Data-subject export: everything the platform holds on one party (logged)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the export of one party to a JSON file")
        export.add_argument("--id-number", default="", help="the party's resident ID number")
        export.add_argument("--credit-code", default="", help="the party's unified social credit code")
        export.add_argument("--user", required=True, help="the admin or supervisor the export is made as")
        export.add_argument("--reason", required=True, help="why (e.g. the request's reference); logged")
        export.add_argument("-o", "--output", required=True, help="the JSON file to write")

    def handle(self, *args, action, id_number="", credit_code="", user="", reason="", output="", **_):
        actor = User.objects.filter(username=user, is_active=True).select_related("agency").first()
        if actor is None:
            raise CommandError(f"no active user {user}")
        try:
            data = privacy.export(
                actor, id_number=id_number, credit_code=credit_code, reason=reason, door="cli"
            )
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        Path(output).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(
            f"{output}: {len(data['parties'])} party records, {len(data['cases'])} cases, "
            f"{len(data['clues'])} clues (logged)\n"
        )
