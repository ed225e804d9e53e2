"""Data-subject export (issue 10, item 4; docs/privacy.md): everything the platform holds on one
party, found by its ID number or unified social credit code.

Who may: a system administrator (every agency: the platform's operator answers a data subject's
request for the whole platform) and a supervisor (the agencies in their scope). Nobody else.

What is exported: the party records (one per agency that registered the party), their cases,
proposals' amounts, documents' metadata, evidence metadata (never the files), publications (with
the masked public snapshot's reference) and the clues linked to those cases. Every export is
recorded: one access entry per case (`access.case`, what="privacy_export", I7) and one summary
entry in the `privacy:exports` stream, which holds a keyed hash of the identifier — never the
identifier itself, since the record is append-only and kept for ever.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction

from sanxiang.core import clock, identifiers
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.core.scoping import agency_scope_q

STREAM = "privacy:exports"


def may_export(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & {Role.ADMIN, Role.SUPERVISOR})


def identifier_digest(identifier: str) -> str:
    """A keyed hash of the identifier: lets an auditor match an export to a request they hold,
    without the record storing the identifier."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


def _normalise(id_number: str, credit_code: str) -> tuple[str, str]:
    if bool(id_number) == bool(credit_code):
        raise InvalidInput("privacy.identifier", "请提供身份证号码或统一社会信用代码中的一项。")
    if id_number:
        return "id_number", identifiers.validate_id_number(id_number)
    return "credit_code", identifiers.validate_credit_code(credit_code)


def _parties(user, field: str, value: str):
    from sanxiang.cases.models import Party

    parties = Party.objects.filter(**{field: value}).select_related("agency")
    if not user.has_role(Role.ADMIN):
        parties = parties.filter(agency_scope_q(user, "agency"))
    return list(parties.order_by("pk"))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export(user, *, id_number: str = "", credit_code: str = "", reason: str, door: str) -> dict[str, Any]:
    """The export as a JSON-ready dict; logged. Raises Forbidden for a user who may not export."""
    from sanxiang.cases.models import Case
    from sanxiang.documents.models import Document
    from sanxiang.publicity.models import Publication
    from sanxiang.records import access
    from sanxiang.records import services as records
    from sanxiang.records.models import Evidence
    from sanxiang.supervision.models import Clue

    if not may_export(user):
        raise Forbidden("privacy.export.forbidden", "只有系统管理员和执法监督人员可以导出当事人数据。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "privacy.export.reason", "请具体说明导出理由（如依申请答复的文号）。", field="reason"
        )
    field, value = _normalise(id_number, credit_code)
    with transaction.atomic():
        parties = _parties(user, field, value)
        cases = list(
            Case.objects.filter(party__in=parties)
            .select_related("agency", "party")
            .order_by("opened_at", "pk")
        )
        out: dict[str, Any] = {
            "format": "sanxiang.privacy-export/1",
            "generated_at": clock.now().isoformat(),
            "generated_by": user.username,
            "scope": "all agencies"
            if user.has_role(Role.ADMIN)
            else f"agencies in the scope of {user.agency.code}",
            "identifier": {"type": field, "value": value},
            "parties": [
                {
                    "agency": p.agency.code,
                    "kind": p.kind,
                    "name": p.name,
                    "id_type": p.id_type,
                    "id_number": p.id_number,
                    "credit_code": p.credit_code,
                    "legal_representative": p.legal_representative,
                    "address": p.address,
                    "phone": p.phone,
                    "birth_date": _iso(p.birth_date),
                }
                for p in parties
            ],
            "cases": [],
            "clues": [],
        }
        for case in cases:
            access.log_access(user, case, door=door, reason=reason, what="privacy_export")
            out["cases"].append(
                {
                    "number": case.number,
                    "agency": case.agency.code,
                    "title": case.title,
                    "procedure": case.procedure,
                    "stage": case.stage,
                    "opened_at": _iso(getattr(case, "opened_at", None)),
                    "documents": [
                        {
                            "code": d.code,
                            "title": d.title,
                            "number": str(d.number) if d.number_id else None,
                            "issued_on": _iso(d.issued_on),
                            "status": d.status,
                            "sha256": d.sha256,
                        }
                        for d in Document.objects.filter(case=case).select_related("number").order_by("pk")
                    ],
                    "evidence": [
                        {
                            "title": e.title,
                            "type": e.evidence_type,
                            "media": e.media_kind,
                            "original_name": e.original_name,
                            "captured_at": _iso(e.captured_at),
                            "uploaded_at": _iso(e.uploaded_at),
                        }
                        for e in Evidence.objects.filter(case=case).order_by("pk")
                    ],
                    "publications": [
                        {
                            "kind": pub.kind,
                            "title": pub.title,
                            "status": pub.status,
                            "decided_on": _iso(pub.decided_on),
                            "due_on": _iso(pub.due_on),
                        }
                        for pub in Publication.objects.filter(case=case).order_by("pk")
                    ],
                }
            )
        for clue in Clue.objects.filter(cases__in=cases).distinct().order_by("pk"):
            out["clues"].append(
                {"number": clue.number, "title": clue.title, "status": clue.status, "channel": clue.channel}
            )
        records.append(
            kind="privacy.export",
            stream=STREAM,
            actor=user,
            payload={
                "identifier_type": field,
                "identifier_hmac": identifier_digest(value),
                "door": door,
                "reason": reason,
                "parties": len(parties),
                "cases": [c.number for c in cases],
                "clues": len(out["clues"]),
            },
        )
    return out
