"""Correction instruments (通知书、意见书、决定书; 告知函 for vertically managed agencies):
issue → serve → objections and replies → rectification report with evidence → verify → close, or
escalate. Refusing or obstructing supervision is recorded as its own event (Art. 41).

Who acts: the issuer's supervisors (issue, serve, reply, verify, close, escalate) and the target's
head (objection, rectification report). For a 告知函 the upper department's reply is entered by the
issuer, since that department is outside the platform."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.supervision.models.instruments import (
    NUMBER_WORD,
    EventKind,
    Instrument,
    InstrumentEvent,
    InstrumentKind,
    InstrumentStatus,
    RectificationEvidence,
    RectificationReport,
)
from sanxiang.supervision.models.tasks import SupervisionTask
from sanxiang.supervision.services import graph
from sanxiang.supervision.services.common import due_from_rule, emit, iso
from sanxiang.supervision.services.common import record_act as record

ISSUER, TARGET = "issuer", "target"


def _payload(inst: Instrument) -> dict[str, Any]:
    return {
        "number": inst.number,
        "kind": inst.kind,
        "issuer": inst.issuer.code,
        "target": inst.target.code,
        "addressee": inst.addressee,
        "relation": inst.relation,
        "task": inst.task.number if inst.task_id else None,
        "title": inst.title,
        "legal_basis": inst.legal_basis,
        "time_limit": iso(inst.time_limit),
        "status": inst.status,
        "due_on": iso(inst.due_on),
        "due_party": inst.due_party,
        "issued_at": iso(inst.issued_at),
        "served_at": iso(inst.served_at),
        "closed_at": iso(inst.closed_at),
        "escalated_at": iso(inst.escalated_at),
        "findings": sorted(inst.findings.values_list("number", flat=True)),
        "rectification": [
            {"submitted_at": iso(r.submitted_at), "accepted": r.accepted, "verified_at": iso(r.verified_at)}
            for r in inst.reports.all()
        ],
    }


def _act(inst: Instrument, kind: str, actor, text: str = "", reply_to=None, **extra) -> InstrumentEvent:
    event = InstrumentEvent.objects.create(
        instrument=inst, kind=kind, text=text, actor=actor, at=clock.now(), reply_to=reply_to
    )
    record(
        inst,
        f"instrument.{kind}",
        actor,
        {"number": inst.number, "status": inst.status, "text": text, **extra},
    )
    emit(
        f"supervision.instrument.{kind}", f"supervision-instrument:{inst.number}", _payload(inst), inst.issuer
    )
    return event


def _lock(inst: Instrument) -> Instrument:
    return (
        Instrument.objects.select_for_update(of=("self",)).select_related("issuer", "target").get(pk=inst.pk)
    )


def _expect(inst: Instrument, *allowed: str) -> None:
    if inst.status not in allowed:
        code = "supervision.instrument.closed" if not inst.is_open else "supervision.instrument.status"
        raise DomainError(
            code,
            _("文书当前状态为“%(status)s”，不能办理此项操作。") % {"status": inst.get_status_display()},
        )


def _issuer_side(inst: Instrument, actor) -> None:
    if actor is None or not actor.has_role(Role.SUPERVISOR) or actor.agency_id != inst.issuer_id:
        raise Forbidden("supervision.instrument.not_issuer", _("只有制发机关的监督人员可以办理此项操作。"))


def _target_side(inst: Instrument, actor) -> None:
    if inst.kind == InstrumentKind.UPPER_NOTIFICATION:
        _issuer_side(inst, actor)  # the upper department answers on paper; the issuer enters it
        return
    if actor is None or actor.agency_id != inst.target_id or not actor.has_role(Role.HEAD):
        raise Forbidden("supervision.instrument.not_target", _("只有被监督机关的负责人可以办理此项操作。"))


def _time_limit(kind: str, given: dt.date | None) -> tuple[dt.date, str]:
    if given is None:
        return due_from_rule(f"SX-SUP-10.{kind}")
    if given <= clock.today():
        raise InvalidInput(
            "supervision.instrument.time_limit_past", _("整改（答复）期限须晚于今天。"), field="time_limit"
        )
    return given, ""


@transaction.atomic
def issue(
    *,
    actor: User,
    kind: str,
    target: Agency,
    title: str,
    facts: str,
    requirements: str,
    legal_basis: str,
    time_limit: dt.date | None = None,
    task: SupervisionTask | None = None,
    findings: Sequence[Any] = (),
) -> Instrument:
    """制发 — checked against the supervision graph: who may issue what to whom (Arts. 2, 6, 42)."""
    if kind not in InstrumentKind.values:
        raise InvalidInput("supervision.instrument.kind", _("请选择文书种类。"), field="kind")
    issuer = actor.agency if actor is not None else None
    if issuer is None:
        raise Forbidden("supervision.graph.not_supervisor", _("只有本机关的执法监督人员可以制发监督文书。"))
    found = graph.check_may_issue(actor, issuer, target, kind)
    target = graph.subject_of(target)
    for name, value in (
        ("title", title),
        ("facts", facts),
        ("requirements", requirements),
        ("legal_basis", legal_basis),
    ):
        if not str(value or "").strip():
            raise InvalidInput(
                "supervision.instrument.incomplete", _("标题、问题、纠正要求和法律依据均须填写。"), field=name
            )
    if kind == InstrumentKind.UPPER_NOTIFICATION and not target.upper_department.strip():
        raise InvalidInput(
            "supervision.instrument.no_upper_department",
            _("请先在主体信息中登记“%s”的上级主管部门。") % target.name,
            field="target",
        )
    if task is not None and task.agency_id != issuer.pk:
        raise InvalidInput("supervision.instrument.task", _("所属任务须为本机关的监督任务。"), field="task")
    if any(f.agency_id != target.pk and graph.subject_of(f.agency).pk != target.pk for f in findings):
        raise InvalidInput(
            "supervision.instrument.finding_agency", _("所针对的问题须为被监督机关的问题。"), field="findings"
        )
    limit, citation = _time_limit(kind, time_limit)
    today = clock.today()
    serve_due, _citation = due_from_rule("SX-SUP-11.serve", today)
    n = sequences.next_value(f"supervision.instrument:{issuer.pk}:{kind}:{today.year}")
    inst = Instrument.objects.create(
        number=f"{issuer.short_name}{NUMBER_WORD[kind]}〔{today.year}〕{n}号",
        kind=kind,
        issuer=issuer,
        target=target,
        addressee=target.upper_department if kind == InstrumentKind.UPPER_NOTIFICATION else target.name,
        relation=found.value,
        task=task,
        title=title.strip(),
        facts=facts.strip(),
        requirements=requirements.strip(),
        legal_basis=legal_basis.strip(),
        time_limit=limit,
        time_limit_rule=citation,
        status=InstrumentStatus.ISSUED,
        owner=actor,
        due_on=min(serve_due, limit),
        due_party=ISSUER,
        issued_at=clock.now(),
    )
    inst.findings.set(findings)
    _act(inst, EventKind.ISSUED, actor, relation=found.value, findings=[f.number for f in findings])
    return inst


@transaction.atomic
def serve(inst: Instrument, *, actor: User, method: str) -> Instrument:
    inst = _lock(inst)
    _issuer_side(inst, actor)
    _expect(inst, InstrumentStatus.ISSUED)
    if not method.strip():
        raise InvalidInput("supervision.instrument.service_method", _("请填写送达方式。"), field="method")
    inst.status, inst.served_at, inst.service_method = InstrumentStatus.SERVED, clock.now(), method.strip()
    inst.due_on, inst.due_party = inst.time_limit, TARGET
    inst.save(update_fields=["status", "served_at", "service_method", "due_on", "due_party"])
    _act(inst, EventKind.SERVED, actor, method)
    return inst


@transaction.atomic
def object_to(inst: Instrument, *, actor: User, text: str) -> InstrumentEvent:
    """异议 — the target disagrees; the issuer must reply. The time limit keeps running."""
    inst = _lock(inst)
    _target_side(inst, actor)
    _expect(inst, InstrumentStatus.SERVED, InstrumentStatus.REPORTED)
    if not text.strip():
        raise InvalidInput("supervision.instrument.text", _("请填写异议的内容和理由。"), field="text")
    return _act(inst, EventKind.OBJECTION, actor, text.strip())


@transaction.atomic
def reply(inst: Instrument, *, actor: User, objection: InstrumentEvent, text: str) -> InstrumentEvent:
    inst = _lock(inst)
    _issuer_side(inst, actor)
    _expect(inst, InstrumentStatus.SERVED, InstrumentStatus.REPORTED, InstrumentStatus.VERIFIED)
    if objection.instrument_id != inst.pk or objection.kind != EventKind.OBJECTION:
        raise InvalidInput("supervision.instrument.objection", _("请选择本文书的异议。"), field="objection")
    if not text.strip():
        raise InvalidInput("supervision.instrument.text", _("请填写答复内容。"), field="text")
    return _act(inst, EventKind.REPLY, actor, text.strip(), reply_to=objection)


@transaction.atomic
def submit_report(
    inst: Instrument, *, actor: User, text: str, evidence: Sequence[tuple[Any, str]] = ()
) -> RectificationReport:
    """整改报告 — `evidence` holds (records Blob, original name) pairs stored before this call."""
    inst = _lock(inst)
    _target_side(inst, actor)
    _expect(inst, InstrumentStatus.SERVED)
    if not text.strip():
        raise InvalidInput("supervision.rectification.text", _("请填写整改情况。"), field="text")
    report = RectificationReport.objects.create(
        instrument=inst, text=text.strip(), submitted_by=actor, submitted_at=clock.now()
    )
    for blob, name in evidence:
        RectificationEvidence.objects.create(report=report, blob=blob, name=name[:255])
    verify_due, _citation = due_from_rule("SX-SUP-11.verify")
    inst.status, inst.due_on, inst.due_party = InstrumentStatus.REPORTED, verify_due, ISSUER
    inst.save(update_fields=["status", "due_on", "due_party"])
    _act(inst, EventKind.REPORTED, actor, text.strip(), evidence=[b.sha256 for b, _n in evidence])
    return report


@transaction.atomic
def verify(
    inst: Instrument, *, actor: User, accepted: bool, note: str = "", new_time_limit: dt.date | None = None
) -> Instrument:
    """核验 — accepted: verified; not accepted: back to rectification with a new time limit."""
    inst = _lock(inst)
    _issuer_side(inst, actor)
    _expect(inst, InstrumentStatus.REPORTED)
    report = inst.reports.filter(accepted__isnull=True).last()
    if not accepted:
        if not note.strip():
            raise InvalidInput("supervision.rectification.note", _("退回整改须说明理由。"), field="note")
        limit, _citation = _time_limit(inst.kind, new_time_limit)
        inst.status, inst.time_limit, inst.due_on, inst.due_party = (
            InstrumentStatus.SERVED,
            limit,
            limit,
            TARGET,
        )
    else:
        inst.status, inst.due_on, inst.due_party = InstrumentStatus.VERIFIED, clock.today(), ISSUER
    inst.save(update_fields=["status", "time_limit", "due_on", "due_party"])
    if report is not None:
        report.accepted, report.verify_note, report.verified_by, report.verified_at = (
            accepted,
            note.strip(),
            actor,
            clock.now(),
        )
        report.save(update_fields=["accepted", "verify_note", "verified_by", "verified_at"])
    _act(inst, EventKind.VERIFIED if accepted else EventKind.REJECTED, actor, note.strip())
    return inst


@transaction.atomic
def close(inst: Instrument, *, actor: User, note: str = "") -> Instrument:
    inst = _lock(inst)
    _issuer_side(inst, actor)
    _expect(inst, InstrumentStatus.VERIFIED)
    inst.status, inst.closed_at = InstrumentStatus.CLOSED, clock.now()
    inst.save(update_fields=["status", "closed_at"])
    _act(inst, EventKind.CLOSED, actor, note.strip())
    return inst


@transaction.atomic
def escalate(inst: Instrument, *, actor: User, reason: str) -> Instrument:
    """升级处理 — e.g. the time limit passed without correction: the issuer escalates (a decision
    after an opinion, referral for discipline under Art. 41). The instrument ends here."""
    inst = _lock(inst)
    _issuer_side(inst, actor)
    return _escalate(inst, actor, reason)


def _escalate(inst: Instrument, actor, reason: str, **extra) -> Instrument:
    _expect(inst, InstrumentStatus.ISSUED, InstrumentStatus.SERVED, InstrumentStatus.REPORTED)
    if not reason.strip():
        raise InvalidInput("supervision.instrument.reason", _("请说明升级处理的理由。"), field="reason")
    inst.status, inst.escalated_at, inst.escalation_reason = (
        InstrumentStatus.ESCALATED,
        clock.now(),
        reason.strip(),
    )
    inst.save(update_fields=["status", "escalated_at", "escalation_reason"])
    _act(inst, EventKind.ESCALATED, actor, reason.strip(), **extra)
    return inst


@transaction.atomic
def escalate_unanswered(inst: Instrument, *, reason: str, rule: str) -> Instrument:
    """Automatic escalation by `sanxiang tick` (Art. 41): the target has not reported by its time
    limit. The act is the issuer's, in the name of the instrument's responsible person (owner);
    the record says it was automatic and cites the rule parameter."""
    inst = _lock(inst)
    return _escalate(inst, inst.owner, reason, automatic=True, rule=rule)


@transaction.atomic
def record_obstruction(inst: Instrument, *, actor: User, text: str, evidence: str = "") -> Any:
    """拒绝、阻挠监督 (Art. 41) — recorded as its own finding of the target (never deleted, only
    amended with a reason) and as an event of the instrument. Returns the finding."""
    from sanxiang.supervision.choices import MisconductKind, Severity
    from sanxiang.supervision.services import findings as finding_services

    inst = _lock(inst)
    _issuer_side(inst, actor)
    if not text.strip():
        raise InvalidInput(
            "supervision.obstruction.text", _("请写明拒绝、阻挠监督的具体情形和证据。"), field="text"
        )
    finding = finding_services.create_finding(
        actor=actor,
        kind=MisconductKind.OBSTRUCTION,
        agency=inst.target,
        title=f"拒绝、阻挠监督（{inst.number}）",
        description=text.strip(),
        evidence=[{"type": "instrument", "ref": inst.number, "text": evidence.strip() or text.strip()}],
        rule_code="REG-41",
        rule_citation="《行政执法监督条例》第41条",
        severity=Severity.MAJOR,
    )
    inst.findings.add(finding)
    _act(inst, EventKind.OBSTRUCTION, actor, text.strip(), finding=finding.number)
    return finding
