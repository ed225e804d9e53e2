"""The documents of the demo: as the loader walks each case, the documents its steps produce are
issued (numbered, frozen, in the record): notices of rights, decisions, seizure decisions and
lists, permit decisions, filing approvals, demands, service receipts, closing reports; one number is voided.

Try it after `make run`: open a served penalty case → 执法文书 → 行政处罚决定书 (PDF/DOCX), or
`sanxiang document <案件编号> 行政处罚决定书 --format pdf -o decision.pdf`.
"""

from __future__ import annotations

import logging

from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.documents import services
from sanxiang.documents.models import Document, DocumentNumber, DocumentStatus, NumberStatus

log = logging.getLogger(__name__)

# (procedure pattern, transition) → the templates issued right after it fired
AFTER = {
    ("penalty.general", "file"): ["filing_approval"],
    ("penalty.general", "propose"): ["penalty_notice"],
    ("penalty.general", "inspect"): ["inspection_record"],
    ("penalty.general", "interview"): ["interview_record"],
    ("penalty.general", "schedule_hearing"): ["hearing_notice"],
    ("penalty.general", "hold_hearing"): ["hearing_transcript", "hearing_report"],
    ("penalty.general", "decide"): ["penalty_decision", "no_penalty_decision"],
    ("penalty.general", "serve"): ["service_receipt"],
    ("penalty.general", "close"): ["closing_report"],
    ("penalty.simple", "decide_on_site"): ["simple_decision"],
    ("coercion.measure", "execute"): ["seizure_decision", "seizure_list"],
    ("coercion.measure", "execute_emergency"): ["seizure_decision", "seizure_list"],
    ("coercion.enforcement", "demand"): ["demand_notice"],
    ("coercion.enforcement", "decide"): ["enforcement_decision"],
    ("permit", "accept"): ["permit_acceptance"],
    ("permit", "reject_application"): ["permit_rejection"],
    ("permit", "decide"): ["permit_grant", "permit_refusal"],
    ("permit", "serve"): ["service_receipt"],
}


def _officer(case):
    return case.handlers.filter(groups__name=Role.OFFICER, is_active=True).order_by("pk").first()


def issue_for(case, codes: list[str]) -> list[Document]:
    """Issue each template that applies now and is not yet issued; skip quietly what does not apply
    (another outcome, data missing in a demo case)."""
    actor, issued = _officer(case), []
    if actor is None:
        return issued
    for code in codes:
        if services.current(case, code) is not None:
            continue
        try:
            issued.append(services.issue(case, code, actor=actor))
        except DomainError as refusal:
            log.debug("demo: %s not issued for %s: %s", code, case.number, refusal.code)
    return issued


# 案卷评查 needs one deliberately incomplete file: the first penalty case of this agency that the
# walker means to close gets no 立案审批表, so the automatic evaluation at closing finds it
# (EV-DOCS, 缺少文书); the supervision demo gives that evaluation a manual score and rectification.
INCOMPLETE_AGENCY = "yx-scjg"


def deliberately_incomplete(case, cast) -> bool:
    if case.procedure != "penalty.general" or case.agency.code != INCOMPLETE_AGENCY:
        return False
    chosen = getattr(cast, "incomplete_case", None)
    if chosen is None:
        plan = cast.plan_of(case) if hasattr(cast, "plan_of") else None
        if plan is None or plan.target != "closed":
            return False
        cast.incomplete_case = chosen = case.number
    return chosen == case.number


def _after(case, transition, cast) -> None:
    case.refresh_from_db()
    codes = AFTER.get((case.procedure, transition), [])
    if transition == "file" and deliberately_incomplete(case, cast):
        codes = [c for c in codes if c != "filing_approval"]
    issue_for(case, codes)


def void_one_number(cast=None) -> DocumentNumber | None:
    """One decision misprinted and reissued: its number stays on record as voided."""
    if DocumentNumber.objects.filter(status=NumberStatus.VOIDED).exists():
        return None
    candidates = Document.objects.filter(
        code="penalty_decision", status=DocumentStatus.ISSUED, services__isnull=True
    )
    for document in candidates.select_related("case__agency", "number").order_by("issued_at"):
        head = (
            document.case.agency.staff.filter(groups__name=Role.HEAD, is_active=True)
            .exclude(handled_cases=document.case)
            .first()
        )
        if head is None:
            continue
        try:
            number = services.void_number(
                document.number, actor=head, reason="打印时当事人住所有误，作废后重新出具"
            )
            issue_for(document.case, ["penalty_decision"])
        except DomainError as refusal:
            log.debug("demo: could not void %s: %s", document.number, refusal.code)
            continue
        return number
    return None


def _photo(label: str):
    """A tiny real PNG standing for the photo taken while serving (synthetic demo data)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 90), (235, 238, 242))
    ImageDraw.Draw(image).text((8, 36), label[:20], fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return services.Upload(source=buffer, name=f"{label}.png", media_type="image/png", media_kind="photo")


DECISION_TEMPLATES = ("penalty_decision", "no_penalty_decision", "permit_grant", "permit_refusal")


def _before_serve(case, transition, cast) -> dict:
    """Electronic service needs the party's signed consent first (PEN-21); lien and public-notice
    service need photos of the service (PEN-22), which only the document's service form carries —
    so the demo serves those through it, which fires `serve` itself."""
    import datetime as dt

    plan = cast.plan_of(case) if hasattr(cast, "plan_of") else None
    act = next((a for a in plan.acts if a.name == "serve"), None) if plan else None
    method = (act.data.get("method") if act else None) or "direct"
    served_on = act.data.get("served_on") if act else None
    if isinstance(served_on, str):
        served_on = dt.date.fromisoformat(served_on)
    actor = _officer(case)
    if method == "electronic" and services.consent_for(case, served_on or case.decided_on) is None:
        services.record_consent(
            case,
            actor=actor,
            address=f"{case.party.name}@example.invalid" if case.party else "demo@example.invalid",
            signed_on=case.decided_on,
            upload=_photo("电子送达确认书"),
        )
    if method in ("lien", "public_notice"):
        document = next((d for code in DECISION_TEMPLATES if (d := services.current(case, code))), None)
        if document is None:
            return {"method": "direct"}
        services.record_service(
            document,
            actor=actor,
            method=method,
            served_on=served_on or case.decided_on,
            recipient=case.party.name if case.party else "",
            witnesses="社区工作人员（演示）",
            proofs=[_photo("送达现场照片")],
        )
    return {}


def register(hooks) -> None:
    hooks.before("serve")(_before_serve)
    for procedure, transition in AFTER:
        hooks.after(transition, procedure=procedure)(_after)
    hooks.finally_(void_one_number)
