"""Supervised access (调阅, DESIGN.md I7; policy task 9(2)).

Every staff read of a case, a document or an evidence item is an *access entry* in the case's
access stream (`access:<case number>`): who, when, what, through which door, and the stated
reason. Other apps log their own reads with one call:

    from sanxiang.records.access import log_access
    log_access(user, document, door="web", reason=reason, what="download")

where the object is a `Case`, an `Evidence` or any model instance with a `case` attribute.

Who must say why, and who must ask first:

* a handler of the case, or a head of its agency, reads freely (reason: their role);
* other staff of the agency read ordinary cases freely;
* a supervisor (执法监督人员) states a reason for each case they read;
* a *sensitive* case (`Case.sensitive`) can be read by anyone else only with an approved access
  request (调阅申请): requested with a reason, approved by a head of the case's agency (never the
  requester), valid for `ACCESS_GRANT_HOURS`.

A refused or out-of-scope attempt is itself recorded (`access.denied`), so supervisors can filter
for it along with bulk downloads and off-hours reads (records/views.py, access log).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.cases.models import Case
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from sanxiang.core.roles import Role
from sanxiang.core.scoping import agency_in_scope
from sanxiang.records import conf, services
from sanxiang.records.models import AccessRequest, AccessRequestStatus, Entry, Evidence


class AccessGate(Forbidden):
    """The read needs something first (a reason, an approval); the web shows a prompt."""

    def __init__(self, code: str, message: str, *, case: Case):
        super().__init__(code, message)
        self.case = case


class ReasonRequired(AccessGate):
    def __init__(self, case: Case):
        super().__init__("records.access.reason_required", _("调阅本案须说明调阅理由。"), case=case)


class ApprovalRequired(AccessGate):
    def __init__(self, case: Case):
        super().__init__(
            "records.access.approval_required",
            _("本案为敏感案件，调阅须先提出调阅申请并经本案所属机关负责人批准。"),
            case=case,
        )


ROLE_REASONS = {
    "handler": N_("承办人办理本案"),
    "head": N_("本机关负责人履职"),
    "staff": N_("本机关工作人员查阅"),
}


def is_handler(user, case: Case) -> bool:
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("handlers")
    if prefetched is not None:  # the page or the API loaded them to show them: no second query
        return any(handler.pk == user.pk for handler in prefetched)
    return case.handlers.filter(pk=user.pk).exists()


def is_agency_head(user, case: Case) -> bool:
    return user.agency_id == case.agency_id and user.has_role(Role.HEAD)


def active_grant(user, case: Case) -> AccessRequest | None:
    return (
        AccessRequest.objects.filter(
            case=case, requester=user, status=AccessRequestStatus.APPROVED, valid_until__gt=clock.now()
        )
        .order_by("-valid_until")
        .first()
    )


def check(user, case: Case, reason: str = "") -> tuple[str, AccessRequest | None]:
    """The reason to log for this read, and the grant it relies on; raises an `AccessGate`."""
    reason = (reason or "").strip()[:500]
    if not agency_in_scope(user, case.agency):
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    if is_handler(user, case):
        return reason or ROLE_REASONS["handler"], None
    if is_agency_head(user, case):
        return reason or ROLE_REASONS["head"], None
    grant = None
    if case.sensitive:
        grant = active_grant(user, case)
        if grant is None:
            raise ApprovalRequired(case)
        reason = reason or grant.reason
    if user.has_role(Role.SUPERVISOR) and not reason:
        raise ReasonRequired(case)
    if user.agency_id != case.agency_id and not reason:
        raise ReasonRequired(case)
    return reason or ROLE_REASONS["staff"], grant


def _object(obj: Any) -> tuple[str, Case, dict[str, Any]]:
    if isinstance(obj, Case):
        return "case", obj, {"type": "case", "id": obj.number, "label": obj.title}
    case = obj.case
    kind = obj._meta.model_name
    described = {"type": kind, "id": obj.pk, "label": str(obj)[:200]}
    if isinstance(obj, Evidence):
        described["id"] = obj.entry.seq
    return kind, case, described


def log_access(user, obj: Any, door: str, reason: str = "", *, what: str = "view", grant=None) -> Entry:
    """Record one read of `obj` (a Case, Evidence, or anything with `.case`) by `user`.
    Call it after deciding the read is allowed; it does not check anything."""
    kind, case, described = _object(obj)
    with transaction.atomic():
        return services.append(
            kind=f"access.{kind}",
            case=case,
            stream=services.access_stream(case),
            actor=user,
            agency=case.agency,
            payload={
                "what": what,
                "object": described,
                "door": door,
                "reason": reason,
                "user_agency": user.agency.code if getattr(user, "agency", None) else None,
                "grant": grant.pk if grant is not None else None,
            },
        )


def log_denied(user, case: Case, door: str, why: str) -> Entry:
    """Record a refused read: outside the user's scope, or a gate not passed."""
    with transaction.atomic():
        return services.append(
            kind="access.denied",
            case=case,
            stream=services.access_stream(case),
            actor=user if getattr(user, "is_authenticated", False) else None,
            agency=case.agency,
            payload={
                "door": door,
                "why": why,
                "user_agency": user.agency.code if getattr(user, "agency", None) else None,
            },
        )


def open_case(user, case: Case, *, door: str, reason: str = "", what: str = "view") -> Entry:
    try:
        stated, grant = check(user, case, reason)
    except AccessGate as gate:
        log_denied(user, case, door, gate.code)
        raise
    return log_access(user, case, door, stated, what=what, grant=grant)


def open_evidence(user, evidence: Evidence, *, door: str, reason: str = "", what: str = "view") -> Entry:
    if not agency_in_scope(user, evidence.case.agency):
        raise NotFound("evidence.not_found", _("证据不存在或无权查阅。"))
    try:
        stated, grant = check(user, evidence.case, reason)
    except AccessGate as gate:
        log_denied(user, evidence.case, door, gate.code)
        raise
    return log_access(user, evidence, door, stated, what=what, grant=grant)


def may_read(user, case: Case, reason: str = "") -> bool:
    """Whether `user` passes the gates for `case` now (no entry written)."""
    try:
        check(user, case, reason)
    except DomainError:
        return False
    return True


# --- access requests ---------------------------------------------------------------------------


def request_access(user, case: Case, *, reason: str) -> AccessRequest:
    if not agency_in_scope(user, case.agency):
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput("records.access.reason_short", _("请具体说明调阅理由。"), field="reason")
    with transaction.atomic():
        pending = AccessRequest.objects.filter(case=case, requester=user, status=AccessRequestStatus.PENDING)
        if pending.exists():
            raise DomainError("records.access.request_pending", _("已有待审批的调阅申请。"))
        request = AccessRequest.objects.create(
            case=case, requester=user, reason=reason, requested_at=clock.now()
        )
        services.append(
            kind="access.requested",
            case=case,
            stream=services.access_stream(case),
            actor=user,
            agency=case.agency,
            payload={"request": request.pk, "reason": reason, "user_agency": user.agency.code},
        )
    return request


def decide_request(request: AccessRequest, *, actor, approve: bool, note: str = "") -> AccessRequest:
    case = request.case
    if not is_agency_head(actor, case):
        raise Forbidden("records.access.approver", _("调阅申请只能由本案所属机关负责人审批。"))
    if actor.pk == request.requester_id:
        raise Forbidden("records.access.own_request", _("不能审批本人的调阅申请。"))
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != AccessRequestStatus.PENDING:
            raise DomainError("records.access.decided", _("该调阅申请已审批。"))
        now = clock.now()
        request.status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.REJECTED
        request.decided_by, request.decided_at = actor, now
        request.decision_note = (note or "").strip()[:300]
        if approve:
            request.valid_until = now + dt.timedelta(hours=conf.get("ACCESS_GRANT_HOURS"))
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "valid_until"])
        services.append(
            kind="access.approved" if approve else "access.rejected",
            case=case,
            stream=services.access_stream(case),
            actor=actor,
            agency=case.agency,
            payload={
                "request": request.pk,
                "requester": request.requester.username,
                "valid_until": request.valid_until,
                "note": request.decision_note,
            },
        )
    return request


def pending_for(user):
    """Requests this head may decide."""
    if not user.has_role(Role.HEAD) or user.agency_id is None:
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(case__agency=user.agency, status=AccessRequestStatus.PENDING)
        .exclude(requester=user)
        .select_related("case", "requester")
    )
