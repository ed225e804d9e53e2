from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.cases.models import Case
from sanxiang.org.models import User
from sanxiang.records import access, dossier


class Command(BaseCommand):
    help = "Write a case's dossier (entries, files, proofs, signed checkpoint) to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("-o", "--output", required=True, help="the ZIP file to write")
        parser.add_argument(
            "--user", help="staff user the export is made as (logged as a read; default: none)"
        )
        parser.add_argument("--reason", default="", help="why the dossier is exported (logged)")

    def handle(self, case_number, output, user=None, reason="", **_):
        case = Case.objects.select_related("agency").filter(number=case_number).first()
        if case is None:
            raise CommandError(f"no case {case_number}")
        path = Path(output)
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user}")
            try:
                access.open_case(actor, case, door="cli", reason=reason, what="export_dossier")
            except access.AccessGate as gate:
                raise CommandError(gate.message) from None
            exported_by = actor.username
        else:
            # An operator's export from the server console: logged as a read by no user, with the reason.
            from django.db import transaction

            from sanxiang.records import services

            with transaction.atomic():
                services.append(
                    kind="access.case",
                    case=case,
                    stream=services.access_stream(case),
                    agency=case.agency,
                    payload={
                        "what": "export_dossier",
                        "object": {"type": "case", "id": case.number, "label": case.title},
                        "door": "cli",
                        "reason": reason or "console export",
                        "user_agency": None,
                        "grant": None,
                    },
                )
            exported_by = "console"
        dossier.write(case, exported_by=exported_by, path=path)
        self.stdout.write(f"wrote {path} ({path.stat().st_size} bytes)")
