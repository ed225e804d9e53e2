"""State changes of enforcement documents: issue (with number and hash), correct, void a number,
record service (送达) with its proof, record consent to electronic service, revise a template.

Each function takes the acting user, runs in one transaction, writes its record entry in that
transaction, and raises a `DomainError` with a stable code — leaving nothing half-written.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.cases import deadlines
from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.documents import compose, numbering, render
from sanxiang.documents.models import (
    Document,
    DocumentNumber,
    DocumentStatus,
    DocumentTemplate,
    NumberStatus,
    ServiceConsent,
    ServiceMethod,
    ServiceRecord,
)
from sanxiang.records import services as records
from sanxiang.records.evidence import acts_of, add_evidence

MAX_REASON = 300

# --- who may -------------------------------------------------------------------------------------


def _require_staff(actor, case: Case, *, head: bool = False) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("auth.required", _("请先登录。"))
    if not agency_in_scope(actor, case.agency):
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    if not agency_in_scope(actor, case.agency, CHANGE):
        raise Forbidden("documents.read_only", _("监督人员只能查阅，不能出具其他机关的文书。"))
    wanted = {Role.HEAD} if head else {Role.OFFICER, Role.HEAD}
    if not actor.roles & wanted:
        raise Forbidden(
            "documents.role",
            _("只有负责人可以办理此事项。") if head else _("只有本机关执法人员或负责人可以办理文书。"),
        )


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency__division", "party")
        .get(pk=case.pk)
    )


def public_base_url() -> str:
    return (
        getattr(settings, "SANXIANG_PUBLIC_URL", "")
        or os.environ.get("SANXIANG_PUBLIC_URL")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def verification_url(document: Document) -> str:
    path = reverse("documents_public:verify", args=[document.public_id])
    return f"{public_base_url()}{path}?h={document.sha256}"


def seal_of(document: Document) -> render.Seal:
    return render.Seal(
        sha256=document.sha256,
        url=verification_url(document),
        entry_seq=document.entry.seq if document.entry_id else None,
        version=document.version,
    )


def render_document(document: Document, fmt: str) -> bytes:
    """An issued version, exactly as frozen, with its hash and verification QR code."""
    return render.render(document.content, fmt, seal_of(document))


# --- previews and issuing ------------------------------------------------------------------------


def preview(
    case: Case,
    template: str | DocumentTemplate,
    *,
    overrides: Mapping[str, str] | None = None,
    check: bool = False,
    on: dt.date | None = None,
) -> compose.Composed:
    """The document as it would read if issued now (no number, nothing stored)."""
    if not isinstance(template, DocumentTemplate):
        template = compose.template_for(template, case.agency)
    return compose.compose(template, case, overrides=dict(overrides or {}), check=check, on=on)


def current(case: Case, code: str) -> Document | None:
    return (
        Document.objects.filter(case=case, code=code, status=DocumentStatus.ISSUED)
        .select_related("number", "template")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def issue(
    case: Case,
    template: str | DocumentTemplate,
    *,
    actor,
    overrides: Mapping[str, str] | None = None,
    on: dt.date | None = None,
) -> Document:
    """Issue a document: check it belongs to this stage and carries everything the law requires,
    take the next number of the series, freeze the content with its hash into the record."""
    case = _lock(case)
    _require_staff(actor, case)
    if not isinstance(template, DocumentTemplate):
        template = compose.template_for(template, case.agency)
    on = on or clock.today()
    if on > clock.today():
        raise InvalidInput("documents.date.future", _("文书日期不能晚于今天。"), field="on")
    existing = current(case, template.code)
    if existing is not None:
        raise DomainError(
            "documents.already_issued",
            _("本案已出具“%(name)s”%(number_text)s，如需修改请办理更正（生成新版本）。")
            % {"name": template.name, "number_text": existing.number_text},
        )
    composed = compose.compose(template, case, overrides=dict(overrides or {}), on=on)  # refuses first
    number = numbering.take(case, template, actor=actor, on=on) if template.numbered else None
    if number is not None:
        composed.content["number"] = number.number  # the header carries it; the hash covers it
    return _freeze(case, composed, actor=actor, number=number, on=on)


def _freeze(
    case: Case,
    composed: compose.Composed,
    *,
    actor,
    number: DocumentNumber | None,
    on: dt.date,
    previous: Document | None = None,
    reason: str = "",
) -> Document:
    document = Document.objects.create(
        case=case,
        template=composed.template,
        code=composed.template.code,
        title=composed.template.name,
        number=number,
        version=previous.version + 1 if previous else 1,
        supersedes=previous,
        issued_on=on,
        issued_at=clock.now(),
        issued_by=actor,
        content=composed.content,
        sha256=composed.sha256,
        correction_reason=reason,
    )
    entry = records.append(
        kind="document.issued",
        case=case,
        actor=actor,
        step=case.step,
        corrects=previous.entry if previous is not None else None,
        payload={
            "document": document.pk,
            "public_id": document.public_id,
            "template": composed.template.code,
            "template_version": composed.template.version,
            "title": document.title,
            "number": number.number if number else "",
            "version": document.version,
            "issued_on": on,
            "sha256": document.sha256,
            "correction_reason": reason,
        },
    )
    Document.objects.filter(pk=document.pk).update(entry=entry)
    document.entry = entry
    return document


@transaction.atomic
def correct(
    document: Document, *, actor, reason: str, overrides: Mapping[str, str] | None = None
) -> Document:
    """A later edit makes a new version under the same number; the old one stays, superseded, and
    the new record entry names the entry it corrects."""
    case = _lock(document.case)
    _require_staff(actor, case)
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("template", "number")
        .get(pk=document.pk)
    )
    if document.status != DocumentStatus.ISSUED:
        raise DomainError("documents.not_current", _("只能更正现行有效的文书版本。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("documents.correction.reason_required", _("请说明更正原因。"), field="reason")
    template = compose.template_for(document.code, case.agency)
    on = clock.today()
    composed = compose.compose(
        template, case, number=document.number_text, overrides=dict(overrides or {}), on=on
    )
    if composed.sha256 == document.sha256:
        raise DomainError("documents.correction.unchanged", _("内容没有变化，无需更正。"))
    document.status = DocumentStatus.SUPERSEDED
    document.save(update_fields=["status"])
    return _freeze(
        case,
        composed,
        actor=actor,
        number=document.number,
        on=on,
        previous=document,
        reason=reason[:MAX_REASON],
    )


@transaction.atomic
def void_number(number: DocumentNumber, *, actor, reason: str) -> DocumentNumber:
    """作废文号: the number stays recorded as voided, with who, when and why; the document issued
    under it is void and a new one takes the next number."""
    number = (
        DocumentNumber.objects.select_for_update(of=("self",))
        .select_related("case__agency")
        .get(pk=number.pk)
    )
    case = _lock(number.case)
    _require_staff(actor, case, head=True)
    if number.status == NumberStatus.VOIDED:
        raise DomainError(
            "documents.number.already_voided", _("文号%(number)s已作废。") % {"number": number.number}
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("documents.number.reason_required", _("请说明作废原因。"), field="reason")
    if ServiceRecord.objects.filter(document__number=number).exists():
        raise DomainError(
            "documents.number.served",
            _("%(number)s已送达当事人，不能作废；请依法撤销或更正。") % {"number": number.number},
        )
    number.status, number.voided_at, number.voided_by = NumberStatus.VOIDED, clock.now(), actor
    number.void_reason = reason[:MAX_REASON]
    number.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    Document.objects.filter(number=number, status=DocumentStatus.ISSUED).update(status=DocumentStatus.VOIDED)
    records.append(
        kind="document.number_voided",
        case=case,
        actor=actor,
        step=case.step,
        payload={
            "number": number.number,
            "code": number.code,
            "serial": number.serial,
            "reason": number.void_reason,
        },
    )
    return number


# --- service (送达) ---------------------------------------------------------------------------------


@dataclass
class Upload:
    """A file handed to a service: proof of service or a signed consent."""

    source: Any
    name: str
    media_type: str = "application/octet-stream"
    media_kind: str = "document"


@dataclass
class _Pending:
    document: Document
    method: str
    recipient: str = ""
    place: str = ""
    witnesses: str = ""
    note: str = ""
    proofs: list = field(default_factory=list)
    consent: ServiceConsent | None = None
    actor: Any = None
    record: ServiceRecord | None = None


# Set while `record_service` fires the case transition its document completes, so the transition's
# registered effect writes this service (with its proof) rather than a bare one.
_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("pending_service", default=None)


def _store(case: Case, upload: Upload, *, actor, title: str, act: str = "") -> Any:
    """Keep a proof as evidence of the case. `act` ties it to the procedure's act it recorded
    (e.g. `service`, which lien and public-notice service want on record, I4); the records app
    accepts only the acts of the case's own procedure, so a procedure without one stores the
    item untied."""
    from sanxiang.records.models import EvidenceType

    if act and act not in acts_of(case):
        act = ""

    kind = (
        EvidenceType.AUDIOVISUAL
        if upload.media_kind in ("photo", "video", "audio")
        else EvidenceType.DOCUMENTARY
    )
    return add_evidence(
        case=case,
        source=upload.source,
        actor=actor,
        title=title,
        evidence_type=kind,
        media_kind=upload.media_kind,
        media_type=upload.media_type,
        original_name=upload.name[:255],
        act=act,
        step="service",
    )


@transaction.atomic
def record_consent(case: Case, *, actor, address: str, signed_on: dt.date, upload: Upload) -> ServiceConsent:
    """电子送达确认书: the party agreed to electronic service at `address` (PEN-21)."""
    case = _lock(case)
    _require_staff(actor, case)
    address = (address or "").strip()
    if not address:
        raise InvalidInput("documents.consent.address_required", _("请填写电子送达地址。"), field="address")
    if signed_on > clock.today():
        raise InvalidInput("documents.consent.future", _("签署日期不能晚于今天。"), field="signed_on")
    evidence = _store(case, upload, actor=actor, title="电子送达地址确认书")
    consent = ServiceConsent.objects.create(
        case=case,
        address=address[:200],
        signed_on=signed_on,
        evidence=evidence,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    records.append(
        kind="document.service_consent",
        case=case,
        actor=actor,
        step="service",
        payload={
            "consent": consent.pk,
            "address": consent.address,
            "signed_on": signed_on,
            "evidence": evidence.pk,
            "sha256": evidence.blob.sha256,
        },
    )
    return consent


def consent_for(case: Case, on: dt.date) -> ServiceConsent | None:
    return ServiceConsent.objects.filter(case=case, signed_on__lte=on).order_by("-signed_on").first()


def check_service(
    case: Case, document: Document | None, method: str, served_on: dt.date, proofs: Iterable = ()
) -> ServiceConsent | None:
    """The rules every door applies to a service: not before the document's date, electronic
    only with consent (PEN-21), lien and public notice recorded by photo or video (PEN-22)."""
    if method not in ServiceMethod.values:
        raise InvalidInput("documents.service.method", _("送达方式无效。"), field="method")
    if served_on > clock.today():
        raise InvalidInput("documents.service.future", _("送达日期不能晚于今天。"), field="served_on")
    if document is not None and served_on < document.issued_on:
        raise InvalidInput(
            "documents.service.before_issue",
            _("送达日期不能早于文书日期（%(issued_on)s）。")
            % {"issued_on": format(document.issued_on, "%Y-%m-%d")},
            field="served_on",
        )
    consent = None
    if method == ServiceMethod.ELECTRONIC:
        consent = consent_for(case, served_on)
        if consent is None:
            raise DomainError(
                "documents.service.consent_required",
                _("电子送达须经当事人同意并签订确认书（行政处罚法第61条），请先登记电子送达确认书。"),
                field="method",
            )
    if method in (ServiceMethod.LIEN, ServiceMethod.PUBLIC_NOTICE) and not list(proofs):
        raise DomainError(
            "documents.service.proof_required",
            _("留置送达、公告送达应当采取拍照、录像等方式记录送达过程，请上传送达凭证。"),
            field="proofs",
        )
    return consent


@transaction.atomic
def record_service(
    document: Document,
    *,
    actor,
    method: str,
    served_on: dt.date,
    recipient: str = "",
    place: str = "",
    witnesses: str = "",
    note: str = "",
    proofs: Iterable[Upload] = (),
) -> ServiceRecord:
    """送达: how and when the document reached the party, with proof. When serving this document
    completes a step of the case (a decision → `serve`; the notice of rights → `notify`), that
    transition fires in the same transaction, so the time limits that run from service start."""
    case = _lock(document.case)
    _require_staff(actor, case)
    document = Document.objects.select_related("template", "number").get(pk=document.pk)
    if document.status != DocumentStatus.ISSUED:
        raise DomainError("documents.not_current", _("只能送达现行有效的文书。"))
    uploads = list(proofs)
    check_service(case, document, method, served_on, uploads)
    evidence = [
        _store(case, upload, actor=actor, title=f"{document.title}送达凭证", act="service")
        for upload in uploads
    ]
    pending = _Pending(
        document,
        method,
        recipient.strip()[:100],
        place.strip()[:200],
        witnesses.strip()[:200],
        note.strip(),
        evidence,
        consent_for(case, served_on),
        actor,
    )
    move = document.template.serves
    token = _pending.set(pending)
    try:
        if move and any(t.name == move for t in case.definition.available(case.stage)):
            data = {"served_on": served_on.isoformat()}
            if move == "serve":
                data["method"] = method
            elif move == "notify":
                data["hearing_right"] = _hearing_right(case)
            case_services.transition(case, move, actor=actor, data=data)
        if pending.record is None:
            create_service(pending, case, served_on)
    finally:
        _pending.reset(token)
    return pending.record


def _hearing_right(case: Case) -> bool:
    from sanxiang.documents.context import notice

    return bool(notice(case)["hearing_right"])


def create_service(pending: _Pending, case: Case, served_on: dt.date) -> ServiceRecord:
    effective = deadlines.effective_service_date(pending.method, served_on, case.agency)
    record = ServiceRecord.objects.create(
        document=pending.document,
        case=case,
        method=pending.method,
        served_on=served_on,
        effective_on=effective,
        recipient=pending.recipient,
        place=pending.place,
        witnesses=pending.witnesses,
        note=pending.note,
        consent=pending.consent,
        recorded_by=pending.actor,
        recorded_at=clock.now(),
    )
    record.proofs.set(pending.proofs)
    entry = records.append(
        kind="document.served",
        case=case,
        actor=pending.actor,
        step="service",
        payload={
            "service": record.pk,
            "document": pending.document.pk,
            "number": pending.document.number_text,
            "sha256": pending.document.sha256,
            "method": pending.method,
            "served_on": served_on,
            "effective_on": effective,
            "recipient": record.recipient,
            "consent": pending.consent.pk if pending.consent else None,
            "proofs": [{"evidence": e.pk, "sha256": e.blob.sha256} for e in pending.proofs],
        },
    )
    ServiceRecord.objects.filter(pk=record.pk).update(entry=entry)
    record.entry = entry
    pending.record = record
    return record


@transaction.atomic
def attach_proof(service: ServiceRecord, *, actor, upload: Upload) -> ServiceRecord:
    """Add a proof of service later (the signed 送达回证 scanned back, a postal receipt)."""
    case = _lock(service.case)
    _require_staff(actor, case)
    evidence = _store(case, upload, actor=actor, title=f"{service.document.title}送达凭证", act="service")
    service.proofs.add(evidence)
    records.append(
        kind="document.service_proof",
        case=case,
        actor=actor,
        step="service",
        payload={"service": service.pk, "evidence": evidence.pk, "sha256": evidence.blob.sha256},
    )
    return service


# --- templates -----------------------------------------------------------------------------------


@transaction.atomic
def revise_template(
    base: DocumentTemplate, *, actor, agency=None, note: str = "", **changes: Any
) -> DocumentTemplate:
    """A new version of a template — for one agency (its local variant) or national (admins).
    The version in use stays as it was; documents already issued keep theirs."""
    superuser = getattr(actor, "is_superuser", False)
    if not (superuser or (getattr(actor, "is_authenticated", False) and actor.has_role(Role.ADMIN))):
        raise Forbidden("documents.template.forbidden", _("只有系统管理员可以调整文书模板。"))
    if not superuser and (agency is None or actor.agency_id != agency.pk):
        raise Forbidden("documents.template.other_agency", _("机关管理员只能调整本机关的文书模板。"))
    allowed = {
        "name",
        "abbreviation",
        "numbered",
        "requires_reasons",
        "applies",
        "outcomes",
        "needs",
        "serves",
        "sections",
        "active",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            "documents.template.field", _("不能修改“%(field)s”。") % {"field": sorted(unknown)[0]}
        )
    sections = changes.get("sections", base.sections)
    _validate_sections(sections)
    if base.requires_reasons and changes.get("requires_reasons") is False:
        raise DomainError(
            "documents.template.reasons", _("普通程序决定书的说理部分不能取消。"), field="requires_reasons"
        )
    if base.kind == "decision" and changes.get("numbered") is False:
        raise DomainError("documents.template.numbered", _("决定书须编制文号。"), field="numbered")
    latest = DocumentTemplate.objects.filter(code=base.code, agency=agency).order_by("-version").first()
    fields = {f: getattr(base, f) for f in allowed if f != "active"}
    fields.update({k: v for k, v in changes.items() if k != "active"})
    return DocumentTemplate.objects.create(
        code=base.code,
        kind=base.kind,
        agency=agency,
        version=(latest.version + 1) if latest else (base.version + 1 if agency is None else 1),
        note=(note or "").strip()[:200],
        active=changes.get("active", True),
        created_by=actor,
        **fields,
    )


def _validate_sections(sections: Any) -> None:
    from django.template import TemplateSyntaxError

    if not isinstance(sections, list) or not sections:
        raise InvalidInput("documents.template.sections", _("正文结构须为非空列表。"), field="sections")
    for section in sections:
        if not isinstance(section, dict) or section.get("type", "text") not in {
            "text",
            "fields",
            "table",
            "signature",
        }:
            raise InvalidInput(
                "documents.template.sections", _("正文结构中有无法识别的部分。"), field="sections"
            )
        texts = [section.get("text", ""), section.get("heading", "")]
        texts += [cell for row in section.get("rows", []) if isinstance(row, list) for cell in row]
        for text in texts:
            try:
                compose.compile_text(str(text))
            except TemplateSyntaxError as error:
                raise InvalidInput(
                    "documents.template.syntax",
                    _("模板语法错误：%(error)s") % {"error": error},
                    field="sections",
                ) from None
