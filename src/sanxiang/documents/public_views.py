"""The portal's document check: anyone holding a printed document scans its QR code (or types
the number and hash) and sees whether it matches what the agency recorded.

Shows only what is printed on every copy anyway and safe to publish — number, agency, document
type, date, version and whether the hash matches. Never the party, the facts or anything personal.
"""

from __future__ import annotations

import re

from django.shortcuts import render

from sanxiang.documents.models import Document, DocumentStatus

_HASH = re.compile(r"^[0-9a-f]{64}$")


def _facts(document: Document, given: str) -> dict:
    latest = (
        Document.objects.filter(case_id=document.case_id, code=document.code, number_id=document.number_id)
        .order_by("-version")
        .first()
    )
    return {
        "number": document.number_text,
        "agency": document.case.agency.name,
        "title": document.title,
        "issued_on": document.issued_on,
        "version": document.version,
        "status": document.status,
        "status_label": document.get_status_display(),
        "is_current": document.status == DocumentStatus.ISSUED,
        "latest_version": latest.version if latest else document.version,
        "given": given,
        "matches": given == document.sha256 if given else None,
        "sha256": document.sha256 if given == document.sha256 else "",
    }


def verify(request, public_id: str):
    given = (request.GET.get("h") or "").strip().lower()
    document = Document.objects.select_related("case__agency", "number").filter(public_id=public_id).first()
    if given and not _HASH.match(given):
        given = "invalid"
    context = {"found": document is not None, "public_id": public_id}
    if document is not None:
        context.update(_facts(document, given))
    return render(request, "documents/public_verify.html", context, status=200 if document else 404)


def lookup(request):
    """By number and hash, for a copy whose QR code cannot be read. Both are needed: the page
    answers only for a matching pair, so it cannot be used to list an agency's documents."""
    number = (request.GET.get("number") or "").strip()[:60]
    given = (request.GET.get("h") or "").strip().lower()
    context: dict = {"lookup": True, "number": number, "given": given, "searched": bool(number or given)}
    if number and _HASH.match(given):
        document = (
            Document.objects.select_related("case__agency", "number")
            .filter(number__number=number, sha256=given)
            .first()
        )
        context["found"] = document is not None
        if document is not None:
            context.update(_facts(document, given))
    return render(request, "documents/public_verify.html", context)
