"""问题线索 workflow: register → assess (研判) → dismiss / transfer / handle / escalate to key
supervision → close → reply to the complainant; merge duplicates; link cases, agencies, officers.
And the follow-up items (跟进事项): open → assign → respond → close.

Each step has a due date in working days from SX-SUP-01 (a configurable default, confidence U:
the regulation's article on clue assessment was not read — supervision-regulation.md §1b). Every act
appends to the clue's or follow-up's own record stream in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.scoping import agency_in_scope
from sanxiang.org.models import Agency
from sanxiang.supervision.choices import ClueChannel, ClueStatus, FollowUpKind, FollowUpStatus
from sanxiang.supervision.models import Clue, FollowUp
from sanxiang.supervision.services import push
from sanxiang.supervision.services.common import require_supervisor, step_due, supervising_body

DECISIONS = {
    "dismiss": ClueStatus.DISMISSED,
    "transfer": ClueStatus.TRANSFERRED,
    "handle": ClueStatus.HANDLING,
    "escalate": ClueStatus.ESCALATED,
}
# the step whose time limit runs after each decision (SX-SUP-01.<step>)
_DECISION_STEP = {"dismiss": "reply", "transfer": "transfer", "handle": "handle", "escalate": "key"}
OPEN_STATES = (ClueStatus.REGISTERED, ClueStatus.ASSESSING)
DECIDED_STATES = (ClueStatus.TRANSFERRED, ClueStatus.HANDLING, ClueStatus.ESCALATED)
MAX_TEXT = 5000


def validate_hotline_order(number: str, *, agency: Any = None, on: dt.date | None = None) -> str:
    """A 12345 work-order number in the configured format (SX-SUP-02.hotline_order_pattern)."""
    number = (number or "").strip().upper()
    if not number:
        raise InvalidInput(
            "supervision.clue.hotline_missing", _("12345热线线索须填写工单号。"), field="hotline_order_no"
        )
    pattern = str(rules.param("SX-SUP-02.hotline_order_pattern", on=on, agency=agency).value)
    if not re.fullmatch(pattern, number):
        raise InvalidInput(
            "supervision.clue.hotline_format",
            _("12345工单号“%(number)s”格式不正确：应为10至20位数字，可带不超过4位字母前缀（按本地配置）。")
            % {"number": number},
            field="hotline_order_no",
        )
    return number


def _clean(value: Any, field: str, label: str, *, required: bool = True, limit: int = 200) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(
            f"supervision.clue.{field}_missing", _("请填写%(label)s。") % {"label": label}, field=field
        )
    if len(text) > limit:
        raise InvalidInput(
            f"supervision.clue.{field}_too_long",
            _("%(label)s过长（不超过%(limit)s字）。") % {"label": label, "limit": limit},
            field=field,
        )
    return text


def _number(prefix: str, key: str, on: dt.date) -> str:
    serial = sequences.next_value(f"{key}:{on.year}")
    return f"{prefix}{on.year}{serial:05d}"


def _ack_number(on: dt.date) -> str:
    # not guessable: the complainant looks the clue up with it (and their phone number)
    return f"HZ{on:%Y%m%d}{secrets.randbelow(10**8):08d}"


@transaction.atomic
def register_clue(
    *,
    actor,
    agency: Agency | None = None,
    channel: str,
    title: str,
    content: str,
    received_on: dt.date | None = None,
    hotline_order_no: str = "",
    source_ref: str = "",
    complainant_kind: str = "",
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_contact: str = "",
    cases=(),
    agencies=(),
    officers=(),
    model_code: str = "",
    model_key: str = "",
    public: bool = False,
) -> Clue:
    """登记 — register a clue from a channel. `public=True` for the portal form (no actor; the clue
    goes to the justice bureau above the agency concerned and gets an acknowledgement number)."""
    if channel not in ClueChannel.values:
        raise InvalidInput("supervision.clue.channel", _("请选择线索来源渠道。"), field="channel")
    if public:
        if agency is None:
            raise InvalidInput("supervision.clue.agency_missing", _("请选择反映的执法部门。"), field="agency")
        concerned, agency = agency, supervising_body(agency)
        agencies = [concerned, *agencies]
    elif actor is None and channel == ClueChannel.MODEL:
        if agency is None:  # raised by a clue model (the system): the model names the agency
            raise InvalidInput(
                "supervision.clue.agency_missing", _("线索模型须指定登记机构。"), field="agency"
            )
    else:
        agency = agency or getattr(actor, "agency", None)
        if agency is None:
            raise Forbidden("supervision.forbidden", _("无权登记线索。"))
        require_supervisor(actor, agency)
    today = clock.today()
    received_on = received_on or today
    if received_on > today:
        raise InvalidInput(
            "supervision.clue.received_future", _("收到日期不能晚于今天。"), field="received_on"
        )
    title = _clean(title, "title", _("标题"))
    content = _clean(content, "content", _("反映内容"), limit=MAX_TEXT)
    if channel == ClueChannel.HOTLINE or hotline_order_no:
        hotline_order_no = validate_hotline_order(hotline_order_no, agency=agency, on=received_on)
    due, citation, provisional = step_due(received_on, "assess", agency=agency)
    clue = Clue.objects.create(
        number=_number("XS", "clue", received_on),
        agency=agency,
        channel=channel,
        title=title,
        content=content,
        received_on=received_on,
        hotline_order_no=hotline_order_no,
        ack_number=_ack_number(today) if public or channel == ClueChannel.ONLINE_FORM else "",
        source_ref=_clean(source_ref, "source_ref", _("来源"), required=False),
        complainant_kind=_clean(
            complainant_kind, "complainant_kind", _("反映人类型"), required=False, limit=20
        ),
        complainant_name=_clean(complainant_name, "complainant_name", _("反映人"), required=False, limit=100),
        complainant_phone=_clean(
            complainant_phone, "complainant_phone", _("联系电话"), required=False, limit=30
        ),
        complainant_contact=_clean(complainant_contact, "complainant_contact", _("联系方式"), required=False),
        model_code=model_code,
        model_key=model_key[:200],
        step_due_on=due,
        step_rule=citation[:60],
        created_by=actor,
        updated_by=actor,
    )
    _link(clue, cases=cases, agencies=agencies, officers=officers)
    push.act(
        clue,
        "clue.registered",
        {
            "number": clue.number,
            "channel": channel,
            "hotline_order_no": hotline_order_no,
            "ack_number": clue.ack_number,
            "title": title,
            "model": model_code,
            "due_on": due.isoformat(),
            "due_provisional": provisional,
            "rule": citation,
            "public": public,
        },
        actor=actor,
        agency=agency,
    )
    return clue


def _link(clue: Clue, *, cases=(), agencies=(), officers=()) -> dict[str, list]:
    added: dict[str, list] = {}
    if cases:
        clue.cases.add(*cases)
        added["cases"] = [c.number for c in cases]
    if agencies:
        clue.agencies.add(*agencies)
        added["agencies"] = [a.code for a in agencies]
    if officers:
        clue.officers.add(*officers)
        added["officers"] = [o.username for o in officers]
    return added


def _locked(clue: Clue) -> Clue:
    return Clue.objects.select_for_update().get(pk=clue.pk)


def _save(clue: Clue, actor, fields: list[str]) -> None:
    clue.version += 1
    clue.updated_by = actor
    clue.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


@transaction.atomic
def link(clue: Clue, *, actor, cases=(), agencies=(), officers=()) -> Clue:
    """关联 — link the clue to cases, agencies and officers it concerns."""
    clue = _locked(clue)
    require_supervisor(actor, clue.agency)
    added = _link(clue, cases=cases, agencies=agencies, officers=officers)
    if not added:
        raise InvalidInput("supervision.clue.link_empty", _("请选择要关联的案件、执法主体或执法人员。"))
    _save(clue, actor, [])
    push.act(clue, "clue.linked", added, actor=actor, agency=clue.agency)
    return clue


@transaction.atomic
def assign_owner(clue: Clue, *, actor, owner) -> Clue:
    clue = _locked(clue)
    require_supervisor(actor, clue.agency)
    if owner.agency_id != clue.agency_id:
        raise InvalidInput("supervision.clue.owner_agency", _("承办人须为本机构人员。"), field="owner")
    clue.owner = owner
    if clue.status == ClueStatus.REGISTERED:
        clue.status = ClueStatus.ASSESSING
    _save(clue, actor, ["owner", "status"])
    push.act(clue, "clue.assigned", {"owner": owner.username}, actor=actor, agency=clue.agency)
    return clue


@transaction.atomic
def assess(
    clue: Clue,
    *,
    actor,
    assessment: str,
    decision: str,
    reason: str = "",
    transfer_to: Agency | None = None,
    follow_up_owner=None,
    follow_up_agency: Agency | None = None,
    key_window_end: dt.date | None = None,
    key_listed: bool = False,
) -> Clue:
    """研判 and decide: dismiss (不予处理), transfer (转办), handle (办理: opens a follow-up item), or
    escalate to key supervision (转重点监督). The next step's due date runs from today.

    Escalating opens the key supervision task (`tasks.open_key_supervision`, window to
    `key_window_end`, default the key step's due date) in the same transaction when the clue names
    the agencies concerned; a refusal there (an agency outside the graph) refuses the whole step.
    A clue naming no agency stays escalated without a task until one is linked and the task is
    opened from the tasks page (待立项)."""
    clue = _locked(clue)
    require_supervisor(actor, clue.agency)
    if clue.status not in OPEN_STATES and not (
        clue.status == ClueStatus.TRANSFERRED and decision == "transfer"
    ):
        raise DomainError(
            "supervision.clue.state",
            _("线索当前状态为“%(status)s”，不能再研判。") % {"status": clue.get_status_display()},
        )
    if decision not in DECISIONS:
        raise InvalidInput("supervision.clue.decision", _("请选择研判结论。"), field="decision")
    assessment = _clean(assessment, "assessment", _("研判意见"), limit=MAX_TEXT)
    reason = _clean(reason, "reason", _("理由"), required=decision in ("dismiss", "escalate"), limit=MAX_TEXT)
    today = clock.today()
    if decision == "transfer":
        if transfer_to is None:
            raise InvalidInput("supervision.clue.transfer_to", _("请选择转办单位。"), field="transfer_to")
        if transfer_to.pk == clue.agency_id:
            raise InvalidInput("supervision.clue.transfer_self", _("不能转办给本机构。"), field="transfer_to")
        clue.transferred_to = transfer_to
        clue.transfer_count += 1
        clue.agencies.add(transfer_to)
    due, citation, provisional = step_due(today, _DECISION_STEP[decision], agency=clue.agency)
    clue.assessment = assessment
    clue.decision_reason = reason
    clue.status = DECISIONS[decision]
    clue.is_key = clue.is_key or decision == "escalate"
    clue.step_due_on, clue.step_rule = due, citation[:60]
    if decision == "dismiss":
        clue.closed_at = clock.now()
    _save(
        clue,
        actor,
        [
            "assessment",
            "decision_reason",
            "status",
            "is_key",
            "step_due_on",
            "step_rule",
            "transferred_to",
            "transfer_count",
            "closed_at",
        ],
    )
    push.act(
        clue,
        f"clue.{decision}",
        {
            "assessment": assessment,
            "reason": reason,
            "transfer_to": transfer_to.code if transfer_to else None,
            "transfer_count": clue.transfer_count,
            "due_on": due.isoformat(),
            "due_provisional": provisional,
            "rule": citation,
        },
        actor=actor,
        agency=clue.agency,
    )
    if decision in ("handle", "transfer"):
        open_follow_up(
            actor=actor,
            agency=clue.agency,
            kind=FollowUpKind.CLUE,
            title=clue.title,
            clue=clue,
            owner=follow_up_owner,
            assignee_agency=follow_up_agency or transfer_to,
            due_on=due,
            instruction=reason or assessment,
        )
    if decision == "escalate" and clue.agencies.exclude(pk=actor.agency_id).exists():
        from sanxiang.supervision.services import tasks

        tasks.open_key_supervision(clue, actor=actor, window_end=key_window_end or due, listed=key_listed)
    return clue


@transaction.atomic
def close_clue(clue: Clue, *, actor, result: str) -> Clue:
    """办结 — record the result of handling; the reply to the complainant is then due."""
    clue = _locked(clue)
    require_supervisor(actor, clue.agency)
    if clue.status not in DECIDED_STATES:
        raise DomainError(
            "supervision.clue.state",
            _("线索当前状态为“%(status)s”，不能办结。") % {"status": clue.get_status_display()},
        )
    clue.result = _clean(result, "result", _("办理结果"), limit=MAX_TEXT)
    clue.status = ClueStatus.CLOSED
    clue.closed_at = clock.now()
    due, citation, _provisional = step_due(clock.today(), "reply", agency=clue.agency)
    clue.step_due_on, clue.step_rule = (None if clue.replied_at else due), citation[:60]
    _save(clue, actor, ["result", "status", "closed_at", "step_due_on", "step_rule"])
    push.act(
        clue,
        "clue.closed",
        {"result": clue.result, "reply_due_on": due.isoformat(), "rule": citation},
        actor=actor,
        agency=clue.agency,
    )
    return clue


@transaction.atomic
def reply(clue: Clue, *, actor, text: str) -> Clue:
    """答复 — the reply to the complainant (shown on the portal with the acknowledgement number)."""
    clue = _locked(clue)
    require_supervisor(actor, clue.agency)
    if clue.status not in (ClueStatus.CLOSED, ClueStatus.DISMISSED):
        raise DomainError("supervision.clue.reply_state", _("线索办结或决定不予处理后才能答复反映人。"))
    clue.reply_text = _clean(text, "reply_text", _("答复内容"), limit=MAX_TEXT)
    clue.replied_at = clock.now()
    clue.step_due_on = None
    _save(clue, actor, ["reply_text", "replied_at", "step_due_on"])
    push.act(clue, "clue.replied", {"text": clue.reply_text}, actor=actor, agency=clue.agency)
    return clue


@transaction.atomic
def merge(duplicate: Clue, *, into: Clue, actor, reason: str) -> Clue:
    """合并重复线索 — the duplicate keeps its own record and points to the clue it was merged into;
    its links, hotline number and complainant move over so nothing is lost."""
    if duplicate.pk == into.pk:
        raise InvalidInput("supervision.clue.merge_self", _("不能与自身合并。"), field="into")
    first, second = sorted([duplicate, into], key=lambda c: c.pk)
    _locked(first), _locked(second)
    duplicate, into = Clue.objects.get(pk=duplicate.pk), Clue.objects.get(pk=into.pk)
    require_supervisor(actor, duplicate.agency)
    require_supervisor(actor, into.agency)
    if duplicate.status == ClueStatus.MERGED:
        raise DomainError("supervision.clue.merged", _("该线索已被合并。"))
    if into.status == ClueStatus.MERGED:
        raise DomainError("supervision.clue.merge_target", _("不能合并到已被合并的线索。"), field="into")
    reason = _clean(reason, "reason", _("合并理由"))
    _link(
        into,
        cases=list(duplicate.cases.all()),
        agencies=list(duplicate.agencies.all()),
        officers=list(duplicate.officers.all()),
    )
    Clue.objects.filter(merged_into=duplicate).update(merged_into=into)
    duplicate.status, duplicate.merged_into, duplicate.step_due_on = ClueStatus.MERGED, into, None
    _save(duplicate, actor, ["status", "merged_into", "step_due_on"])
    _save(into, actor, [])
    push.act(
        duplicate,
        "clue.merged",
        {"into": into.number, "reason": reason},
        actor=actor,
        agency=duplicate.agency,
    )
    push.act(
        into,
        "clue.absorbed",
        {"duplicate": duplicate.number, "hotline_order_no": duplicate.hotline_order_no, "reason": reason},
        actor=actor,
        agency=into.agency,
    )
    return into


def duplicates_of(clue: Clue):
    """Likely duplicates: same 12345 order number, or same title from the same complainant phone,
    among the clues of the same agency that are still active."""
    qs = Clue.objects.filter(agency=clue.agency).exclude(pk=clue.pk).exclude(status=ClueStatus.MERGED)
    from django.db.models import Q

    q = Q(pk__in=[])
    if clue.hotline_order_no:
        q |= Q(hotline_order_no=clue.hotline_order_no)
    if clue.complainant_phone:
        q |= Q(complainant_phone=clue.complainant_phone, title=clue.title)
    q |= Q(title=clue.title, received_on=clue.received_on)
    return qs.filter(q)


def public_status(ack_number: str, phone: str) -> Clue | None:
    """The portal lookup: a clue by acknowledgement number and the phone number given with it."""
    ack_number, phone = (ack_number or "").strip().upper(), (phone or "").strip()
    if not ack_number or not phone:
        return None
    return Clue.objects.filter(ack_number=ack_number, complainant_phone=phone).first()


# --- follow-up items ---------------------------------------------------------------------------


def _fu_locked(item: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=item.pk)


def _fu_save(item: FollowUp, actor, fields: list[str]) -> None:
    item.version += 1
    item.updated_by = actor
    item.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


@transaction.atomic
def open_follow_up(
    *,
    actor,
    agency: Agency,
    kind: str,
    title: str,
    clue: Clue | None = None,
    finding=None,
    evaluation=None,
    owner=None,
    assignee_agency: Agency | None = None,
    due_on: dt.date | None = None,
    instruction: str = "",
) -> FollowUp:
    """Open a follow-up item. With an owner or an assignee agency it starts as assigned."""
    if kind not in FollowUpKind.values:
        raise InvalidInput("supervision.followup.kind", _("跟进事项类型无效。"), field="kind")
    today = clock.today()
    citation = ""
    if due_on is None:
        due_on, citation, _provisional = step_due(today, "follow_up", agency=agency)
    elif due_on < today:
        raise InvalidInput("supervision.followup.due_past", _("办理期限不能早于今天。"), field="due_on")
    assigned = owner is not None or assignee_agency is not None
    item = FollowUp.objects.create(
        number=_number("GJ", "followup", today),
        agency=agency,
        kind=kind,
        title=_clean(title, "title", _("事项")),
        status=FollowUpStatus.ASSIGNED if assigned else FollowUpStatus.OPEN,
        clue=clue,
        finding=finding,
        evaluation=evaluation,
        owner=owner,
        assignee_agency=assignee_agency,
        due_on=due_on,
        instruction=str(instruction or "")[:MAX_TEXT],
        created_by=actor,
        updated_by=actor,
    )
    push.act(
        item,
        "followup.opened",
        {
            "number": item.number,
            "kind": kind,
            "clue": clue.number if clue else None,
            "finding": finding.number if finding else None,
            "evaluation": evaluation.pk if evaluation else None,
            "owner": owner.username if owner else None,
            "assignee_agency": assignee_agency.code if assignee_agency else None,
            "due_on": due_on.isoformat(),
            "rule": citation,
        },
        actor=actor,
        agency=agency,
    )
    return item


@transaction.atomic
def assign_follow_up(
    item: FollowUp, *, actor, owner=None, assignee_agency: Agency | None = None, due_on: dt.date | None = None
) -> FollowUp:
    """分派 — name who must act and by when."""
    item = _fu_locked(item)
    require_supervisor(actor, item.agency)
    if item.status == FollowUpStatus.CLOSED:
        raise DomainError("supervision.followup.closed", _("跟进事项已关闭。"))
    if owner is None and assignee_agency is None:
        raise InvalidInput("supervision.followup.assignee", _("请选择负责人或承办单位。"), field="owner")
    if due_on is not None and due_on < clock.today():
        raise InvalidInput("supervision.followup.due_past", _("办理期限不能早于今天。"), field="due_on")
    item.owner = owner or item.owner
    item.assignee_agency = assignee_agency or item.assignee_agency or (owner.agency if owner else None)
    item.due_on = due_on or item.due_on
    item.status = FollowUpStatus.ASSIGNED
    _fu_save(item, actor, ["owner", "assignee_agency", "due_on", "status"])
    push.act(
        item,
        "followup.assigned",
        {
            "owner": item.owner.username if item.owner else None,
            "assignee_agency": item.assignee_agency.code if item.assignee_agency else None,
            "due_on": item.due_on.isoformat() if item.due_on else None,
        },
        actor=actor,
        agency=item.agency,
    )
    return item


def may_respond(actor, item: FollowUp) -> bool:
    if actor is None or getattr(actor, "agency", None) is None:
        return False
    if item.owner_id == actor.pk:
        return True
    if item.assignee_agency_id == actor.agency_id:
        return True
    return agency_in_scope(actor, item.agency, "change")


@transaction.atomic
def respond(item: FollowUp, *, actor, response: str) -> FollowUp:
    """回复 — the owner or assignee agency reports what was done (整改情况)."""
    item = _fu_locked(item)
    if not may_respond(actor, item):
        raise Forbidden("supervision.followup.forbidden", _("只有负责人或承办单位可以回复该事项。"))
    if item.status not in (FollowUpStatus.ASSIGNED, FollowUpStatus.RESPONDED):
        raise DomainError("supervision.followup.state", _("事项尚未分派或已关闭，不能回复。"))
    item.response = _clean(response, "response", _("回复内容"), limit=MAX_TEXT)
    item.responded_at = clock.now()
    item.status = FollowUpStatus.RESPONDED
    _fu_save(item, actor, ["response", "responded_at", "status"])
    late = item.due_on is not None and timezone.localdate(item.responded_at) > item.due_on
    push.act(
        item,
        "followup.responded",
        {"response": item.response, "late": late},
        actor=actor,
        agency=item.agency,
    )
    return item


@transaction.atomic
def close_follow_up(item: FollowUp, *, actor, note: str) -> FollowUp:
    """办结 — the supervising agency accepts the response and closes the item."""
    item = _fu_locked(item)
    require_supervisor(actor, item.agency)
    if item.status != FollowUpStatus.RESPONDED:
        raise DomainError("supervision.followup.not_responded", _("事项尚未回复，不能办结。"))
    item.closing_note = _clean(note, "note", _("办结意见"), limit=MAX_TEXT)
    item.closed_at = clock.now()
    item.status = FollowUpStatus.CLOSED
    _fu_save(item, actor, ["closing_note", "closed_at", "status"])
    push.act(item, "followup.closed", {"note": item.closing_note}, actor=actor, agency=item.agency)
    return item
