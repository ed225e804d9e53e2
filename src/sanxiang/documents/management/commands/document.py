"""`sanxiang document CASE_NUMBER TEMPLATE --format docx|pdf -o FILE`

Renders a document of a case: the issued version when there is one (with its hash and QR code),
otherwise a draft (watermarked 草稿, checked like an issue: wrong stage, missing fields or reasons
are refused). TEMPLATE is the template code (penalty_decision) or its Chinese name (行政处罚决定书).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.cases.models import Case
from sanxiang.core.errors import DomainError
from sanxiang.documents import compose, services
from sanxiang.documents import render as renderer


class Command(BaseCommand):
    help = "Render a document of a case to DOCX or PDF (issued version, else a checked draft)."

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("template", help="template code or Chinese name")
        parser.add_argument("--format", choices=sorted(renderer.MEDIA_TYPES), default="pdf")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")
        parser.add_argument("--draft", action="store_true", help="render a draft even if issued")

    def handle(self, case_number, template, format, output=None, draft=False, **_):
        case = Case.objects.select_related("agency", "party").filter(number=case_number).first()
        if case is None:
            raise CommandError(f"没有案件 {case_number}")
        try:
            chosen = compose.template_for(template, case.agency)
            document = None if draft else services.current(case, chosen.code)
            if document is not None:
                data = services.render_document(document, format)
                note = f"{document.title} {document.number_text} v{document.version} sha256={document.sha256}"
            else:
                composed = services.preview(case, chosen, check=True)
                data = renderer.render(composed.content, format)
                note = f"{chosen.name}（草稿，未出具）"
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"{note} → {output} ({len(data)} bytes)")
        else:
            sys.stdout.buffer.write(data)
