"""Findings (监督问题): recorded with their evidence and the rule they break; never deleted, only
amended with a reason (行政执法监督条例 Art. 40, P). Status changes (confirm, rectify, close,
withdraw) are amendments too, so the history of a finding is its list of amendments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.org.models import Agency
from sanxiang.supervision.choices import FindingStatus, MisconductKind, Severity
from sanxiang.supervision.models import Finding, FindingAmendment
from sanxiang.supervision.services import push
from sanxiang.supervision.services.common import record, require_supervisor, supervising_body

AMENDABLE = ("kind", "title", "description", "severity", "evidence", "rule_code", "rule_citation", "status")
# Which status may follow which (withdrawn and closed are final; amending text stays possible).
NEXT_STATUS = {
    FindingStatus.OPEN: {FindingStatus.CONFIRMED, FindingStatus.WITHDRAWN},
    FindingStatus.CONFIRMED: {FindingStatus.RECTIFYING, FindingStatus.CLOSED, FindingStatus.WITHDRAWN},
    FindingStatus.RECTIFYING: {FindingStatus.CLOSED},
    FindingStatus.CLOSED: set(),
    FindingStatus.WITHDRAWN: set(),
}


def _clean_evidence(evidence: Any) -> list[dict[str, str]]:
    if isinstance(evidence, str):
        evidence = [{"type": "text", "ref": "", "text": evidence}]
    if not isinstance(evidence, list) or not evidence:
        raise InvalidInput("supervision.finding.evidence", _("认定问题须列明证据。"), field="evidence")
    cleaned = []
    for item in evidence:
        if not isinstance(item, dict) or not str(item.get("text") or item.get("ref") or "").strip():
            raise InvalidInput(
                "supervision.finding.evidence", _("每项证据须有说明或出处。"), field="evidence"
            )
        cleaned.append({k: str(item.get(k, ""))[:500] for k in ("type", "ref", "text")})
    return cleaned


@transaction.atomic
def create_finding(
    *,
    actor,
    kind: str,
    agency: Agency,
    title: str,
    description: str,
    evidence: Any,
    rule_code: str,
    rule_citation: str = "",
    severity: str = Severity.MINOR,
    case=None,
    officer=None,
    clue=None,
    detector: str = "",
    detector_key: str = "",
    found_on: dt.date | None = None,
) -> Finding:
    """认定问题 — by a supervisor, or by a detection rule (actor None, detector set)."""
    supervising = supervising_body(agency)
    if actor is not None:
        require_supervisor(actor, agency, action="view")
        supervising = actor.agency
    if kind not in MisconductKind.values:
        raise InvalidInput("supervision.finding.kind", _("请选择问题类型。"), field="kind")
    if severity not in Severity.values:
        raise InvalidInput("supervision.finding.severity", _("严重程度无效。"), field="severity")
    if not str(rule_code or "").strip():
        raise InvalidInput("supervision.finding.rule", _("认定问题须注明依据的规则。"), field="rule_code")
    if not str(title or "").strip() or not str(description or "").strip():
        raise InvalidInput("supervision.finding.text", _("请填写问题标题和描述。"), field="description")
    if case is not None and case.agency_id != agency.pk:
        raise InvalidInput("supervision.finding.case_agency", _("关联案件不属于该执法主体。"), field="case")
    evidence = _clean_evidence(evidence)
    today = found_on or clock.today()
    finding = Finding.objects.create(
        number=f"WT{today.year}{sequences.next_value(f'finding:{today.year}'):05d}",
        kind=kind,
        agency=agency,
        supervising_agency=supervising,
        officer=officer,
        case=case,
        clue=clue,
        title=str(title).strip()[:200],
        description=str(description).strip(),
        severity=severity,
        evidence=evidence,
        rule_code=str(rule_code).strip()[:40],
        rule_citation=str(rule_citation or "")[:300],
        detector=detector,
        detector_key=detector_key[:200],
        found_on=today,
        created_by=actor,
        updated_by=actor,
    )
    push.act(
        finding,
        "finding.recorded",
        {
            "number": finding.number,
            "kind": kind,
            "agency": agency.code,
            "case": case.number if case else None,
            "officer": officer.username if officer else None,
            "clue": clue.number if clue else None,
            "evidence": evidence,
            "rule": finding.rule_code,
            "citation": finding.rule_citation,
            "detector": detector,
        },
        actor=actor,
        agency=supervising,
    )
    return finding


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, list, dict, type(None))) else str(value)


@transaction.atomic
def amend_finding(finding: Finding, *, actor, reason: str, changes: dict[str, Any]) -> Finding:
    """修正 — change a finding with a reason; what changed is kept (FindingAmendment + record)."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    require_supervisor(actor, finding.supervising_agency or finding.agency)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput("supervision.finding.reason", _("修正问题须说明理由。"), field="reason")
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput("supervision.finding.changes", _("请提供修正内容。"), field="changes")
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise InvalidInput(
            "supervision.finding.field",
            _("不可修正的字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))},
        )
    if "kind" in changes and changes["kind"] not in MisconductKind.values:
        raise InvalidInput("supervision.finding.kind", _("请选择问题类型。"), field="kind")
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise InvalidInput("supervision.finding.severity", _("严重程度无效。"), field="severity")
    if "evidence" in changes:
        changes["evidence"] = _clean_evidence(changes["evidence"])
    if "status" in changes and changes["status"] != finding.status:
        allowed = NEXT_STATUS.get(finding.status, set())
        if changes["status"] not in allowed:
            raise DomainError(
                "supervision.finding.status",
                _("问题状态不能从“%(before)s”改为“%(after)s”。")
                % {"before": finding.get_status_display(), "after": changes["status"]},
                field="status",
            )
    diff = {}
    for field, value in changes.items():
        before = getattr(finding, field)
        if before != value:
            diff[field] = {"before": _jsonable(before), "after": _jsonable(value)}
            setattr(finding, field, value)
    if not diff:
        raise InvalidInput("supervision.finding.unchanged", _("修正内容与原内容相同。"), field="changes")
    finding.version += 1
    finding.updated_by = actor
    finding.save(update_fields=[*diff, "version", "updated_by", "updated_at"])
    seq = finding.amendments.count() + 1
    FindingAmendment.objects.create(
        finding=finding, seq=seq, actor=actor, at=clock.now(), reason=reason, changes=diff
    )
    push.act(
        finding,
        "finding.amended",
        {"seq": seq, "reason": reason, "changes": diff},
        actor=actor,
        agency=finding.supervising_agency or finding.agency,
    )
    return finding


@transaction.atomic
def record_inspection(
    *,
    actor,
    party,
    inspected_on: dt.date,
    basis: str = "",
    planned: bool = False,
    plan_ref: str = "",
    inspectors=(),
    case=None,
    note: str = "",
):
    """涉企检查登记 — one inspection of an enterprise by the actor's agency (who, when, basis,
    planned or not), the data the 乱检查 detection rule reads."""
    from sanxiang.core.errors import Forbidden
    from sanxiang.supervision.models import InspectionVisit

    agency = getattr(actor, "agency", None)
    if agency is None or not actor.roles:
        raise Forbidden("supervision.forbidden", _("无权登记检查。"))
    if inspected_on > clock.today():
        raise InvalidInput("supervision.inspection.future", _("检查日期不能晚于今天。"), field="inspected_on")
    if planned and not str(plan_ref or basis).strip():
        raise InvalidInput(
            "supervision.inspection.plan", _("计划内检查须注明计划编号或依据。"), field="plan_ref"
        )
    visit = InspectionVisit.objects.create(
        agency=agency,
        party=party,
        case=case,
        inspected_on=inspected_on,
        basis=str(basis or "")[:300],
        planned=planned,
        plan_ref=str(plan_ref or "")[:60],
        note=str(note or ""),
        created_by=actor,
        updated_by=actor,
    )
    if inspectors:
        visit.inspectors.add(*inspectors)
    record(
        f"inspections:{agency.code}",
        "inspection.recorded",
        {
            "party": party.name,
            "on": inspected_on.isoformat(),
            "basis": visit.basis,
            "planned": planned,
            "plan_ref": visit.plan_ref,
            "case": case.number if case else None,
        },
        actor=actor,
        agency=agency,
    )
    return visit
