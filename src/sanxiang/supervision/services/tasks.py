"""Supervision tasks (日常/重点/专项监督): create, staff, recusal, invited supervisors, checklist,
close and report back. Every act runs in one transaction and appends its record entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.supervision.models.tasks import (
    MemberRole,
    Method,
    SupervisionTask,
    TaskKind,
    TaskMember,
    TaskStatus,
    TaskTemplate,
)
from sanxiang.supervision.services import graph
from sanxiang.supervision.services.common import emit, iso
from sanxiang.supervision.services.common import record_act as record


def _require_supervisor(actor, *, issuing: bool = True) -> Agency:
    if actor is None or not actor.has_role(Role.SUPERVISOR) or actor.agency is None:
        raise Forbidden("supervision.task.not_supervisor", _("只有执法监督人员可以办理监督任务。"))
    if issuing and actor.agency.is_justice_office:
        raise Forbidden(
            "supervision.graph.office_cannot_issue",
            _("司法所协助开展监督（条例第6条第2款），不能立项监督任务，可承担交办的检查。"),
        )
    return actor.agency


def _lock(task: SupervisionTask) -> SupervisionTask:
    return SupervisionTask.objects.select_for_update().select_related("agency").get(pk=task.pk)


def _owner_side(task: SupervisionTask, actor) -> None:
    if actor is None or not actor.has_role(Role.SUPERVISOR) or actor.agency_id != task.agency_id:
        raise Forbidden("supervision.task.not_owner_agency", _("只有承办监督机构的监督人员可以办理。"))


def _payload(task: SupervisionTask) -> dict[str, Any]:
    return {
        "number": task.number,
        "kind": task.kind,
        "title": task.title,
        "agency": task.agency.code,
        "owner": task.owner.username,
        "status": task.status,
        "window": [iso(task.window_start), iso(task.window_end)],
        "due_on": iso(task.due_on),
        "scope": sorted(task.scope.values_list("code", flat=True)),
        "template": task.template.code if task.template_id else None,
        "listed": task.listed,
        "source_clue": task.source_clue.number if task.source_clue_id else None,
        "findings": sorted(task.findings.values_list("number", flat=True)),
        "checklist": task.checklist,
        "outcome": task.outcome,
        "reported_at": iso(task.reported_at),
    }


def _emit(task: SupervisionTask, change: str) -> None:
    emit(f"supervision.task.{change}", f"supervision-task:{task.number}", _payload(task), task.agency)


def _checklist(items: Iterable[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        text = item.get("item", "") if isinstance(item, dict) else str(item)
        if text.strip():
            rows.append({"item": text.strip(), "result": "", "note": ""})
    return rows


def _check_dates(window_start: dt.date, window_end: dt.date, due_on: dt.date) -> None:
    if window_end < window_start:
        raise InvalidInput("supervision.task.window", _("结束日期不能早于开始日期。"), field="window_end")
    if due_on < clock.today():
        raise InvalidInput("supervision.task.due_past", _("办结期限不能早于今天。"), field="due_on")
    if due_on < window_end:
        raise InvalidInput(
            "supervision.task.due_before_window", _("办结期限不能早于结束日期。"), field="due_on"
        )


@transaction.atomic
def create_task(
    *,
    actor: User,
    kind: str,
    title: str,
    scope: Sequence[Agency],
    window_start: dt.date,
    window_end: dt.date,
    due_on: dt.date | None = None,
    plan: str = "",
    methods: Sequence[str] = (),
    checklist: Iterable[Any] = (),
    template: TaskTemplate | None = None,
    listed: bool = False,
    owner: User | None = None,
    source_clue=None,
) -> SupervisionTask:
    """立项 — a task of the actor's supervision organ over agencies in its graph."""
    agency = _require_supervisor(actor)
    if kind not in TaskKind.values:
        raise InvalidInput("supervision.task.kind", _("请选择监督任务类型。"), field="kind")
    if not title.strip():
        raise InvalidInput("supervision.task.title", _("请填写任务名称。"), field="title")
    unknown = [m for m in methods if m not in Method.values]
    if unknown:
        raise InvalidInput(
            "supervision.task.method", _("未知的监督方式：%s") % "、".join(unknown), field="methods"
        )
    if not scope:
        raise InvalidInput("supervision.task.scope_empty", _("请选择监督对象。"), field="scope")
    for target in scope:
        if graph.relation(agency, target) is None:
            raise DomainError(
                "supervision.graph.out_of_scope",
                _("“%(target)s”不在“%(issuer)s”的监督范围内。")
                % {"target": target.name, "issuer": agency.name},
                field="scope",
            )
    due_on = due_on or window_end
    _check_dates(window_start, window_end, due_on)
    owner = owner or actor
    if owner.agency_id != agency.pk or not owner.has_role(Role.SUPERVISOR):
        raise InvalidInput("supervision.task.owner", _("责任人须为本机关执法监督人员。"), field="owner")
    year = window_start.year
    n = sequences.next_value(f"supervision.task:{agency.pk}:{year}")
    task = SupervisionTask.objects.create(
        number=f"{agency.short_name}督〔{year}〕{n}号",
        kind=kind,
        title=title.strip(),
        agency=agency,
        owner=owner,
        plan=plan,
        methods=list(methods),
        checklist=_checklist(checklist or (template.checklist if template else ())),
        window_start=window_start,
        window_end=window_end,
        due_on=due_on,
        template=template,
        source_clue=source_clue,
        listed=listed and kind == TaskKind.KEY,
        created_by=actor,
    )
    task.scope.set(scope)
    TaskMember.objects.create(task=task, user=owner, role=MemberRole.LEAD)
    record(task, "task.created", actor, _payload(task), agency=agency)
    _emit(task, "created")
    return task


# --- templates from the province ----------------------------------------------------------------


@transaction.atomic
def import_template(data: dict[str, Any], *, actor: User) -> TaskTemplate:
    """导入专项监督模板 — a campaign as the provincial supervision organ publishes it."""
    _require_supervisor(actor)
    code, title = str(data.get("code", "")).strip(), str(data.get("title", "")).strip()
    if not code or not title:
        raise InvalidInput("supervision.template.incomplete", _("模板须有代码和名称。"), field="code")
    unknown = [m for m in data.get("methods", []) if m not in Method.values]
    if unknown:
        raise InvalidInput(
            "supervision.task.method", _("未知的监督方式：%s") % "、".join(unknown), field="methods"
        )
    report_due = data.get("report_due")
    if isinstance(report_due, str):
        try:
            report_due = dt.date.fromisoformat(report_due)
        except ValueError:
            raise InvalidInput("supervision.template.report_due", _("报送期限格式应为YYYY-MM-DD。")) from None
    template, _created = TaskTemplate.objects.update_or_create(
        code=code,
        defaults={
            "title": title,
            "source": str(data.get("source", "省司法厅")),
            "field_name": str(data.get("field", "")),
            "plan": str(data.get("plan", "")),
            "methods": list(data.get("methods", [])),
            "checklist": [str(i) for i in data.get("checklist", [])],
            "report_due": report_due,
        },
    )
    return template


# --- members, recusal and invited supervisors ---------------------------------------------------


def _max_access_until(start: dt.date) -> dt.date:
    rule = rules.param("SX-SUP-12.max_access", on=start)
    return start + dt.timedelta(days=int(rule.value))


@transaction.atomic
def add_member(
    task: SupervisionTask,
    *,
    actor: User,
    user: User,
    role: str = MemberRole.MEMBER,
    affiliation: str = "",
    access_from: dt.date | None = None,
    access_until: dt.date | None = None,
) -> TaskMember:
    task = _lock(task)
    _owner_side(task, actor)
    if not task.is_open:
        raise DomainError("supervision.task.closed", _("任务已办结，不能再调整成员。"))
    if TaskMember.objects.filter(task=task, user=user).exists():
        raise InvalidInput("supervision.task.member_duplicate", _("%s已是任务成员。") % user, field="user")
    if role == MemberRole.INVITED:
        if not user.has_role(Role.INVITED_SUPERVISOR):
            raise InvalidInput(
                "supervision.invited.not_invited", _("该人员不是特邀行政执法监督员。"), field="user"
            )
        access_from = access_from or clock.today()
        if access_until is None or access_until < clock.today() or access_until < access_from:
            raise InvalidInput(
                "supervision.invited.access_until",
                _("请为特邀监督员设定不早于今天的授权截止日期。"),
                field="access_until",
            )
        if access_until > _max_access_until(access_from):
            raise InvalidInput(
                "supervision.invited.access_too_long",
                _("授权期限超过允许的最长期限（%s）。") % rules.param("SX-SUP-12.max_access").citation,
                field="access_until",
            )
    elif role in (MemberRole.MEMBER, MemberRole.LEAD):
        if (
            not user.has_role(Role.SUPERVISOR)
            or not graph.visible_agencies(task.agency).filter(pk=user.agency_id).exists()
        ):
            raise InvalidInput(
                "supervision.task.member_scope",
                _("成员须为本机关或下级监督机构（含司法所）的监督人员。"),
                field="user",
            )
        access_from = access_until = None
    else:
        raise InvalidInput("supervision.task.member_role", _("未知的任务角色。"), field="role")
    member = TaskMember.objects.create(
        task=task,
        user=user,
        role=role,
        affiliation=affiliation,
        access_from=access_from,
        access_until=access_until,
    )
    record(
        task,
        "task.member_added",
        actor,
        {
            "user": user.username,
            "role": role,
            "access_from": iso(access_from),
            "access_until": iso(access_until),
        },
    )
    return member


def membership(task: SupervisionTask, user) -> TaskMember | None:
    return TaskMember.objects.filter(task=task, user=user, withdrawn_at__isnull=True).first()


@transaction.atomic
def acknowledge_confidentiality(task: SupervisionTask, *, user: User) -> TaskMember:
    member = membership(task, user)
    if member is None:
        raise Forbidden("supervision.task.not_member", _("您不是该任务的成员。"))
    if not member.access_open_on(clock.today()):
        raise Forbidden("supervision.invited.expired", _("您对该任务的授权已过期或尚未开始。"))
    if member.confidentiality_ack_at is None:
        member.confidentiality_ack_at = clock.now()
        member.save(update_fields=["confidentiality_ack_at"])
        record(task, "task.confidentiality_ack", user, {"user": user.username})
    return member


@transaction.atomic
def declare_recusal(
    task: SupervisionTask, *, user: User, has_conflict: bool, statement: str = ""
) -> TaskMember:
    """回避声明 (Art. 40): a member with a conflict of interest leaves the task."""
    member = membership(task, user)
    if member is None:
        raise Forbidden("supervision.task.not_member", _("您不是该任务的成员。"))
    if has_conflict and not statement.strip():
        raise InvalidInput(
            "supervision.recusal.statement", _("存在利害关系的，请说明情况。"), field="statement"
        )
    member.recusal_declared_at, member.has_conflict, member.recusal_statement = (
        clock.now(),
        has_conflict,
        statement,
    )
    fields = ["recusal_declared_at", "has_conflict", "recusal_statement"]
    if has_conflict:
        member.withdrawn_at = clock.now()
        fields.append("withdrawn_at")
    member.save(update_fields=fields)
    record(
        task,
        "task.recusal",
        user,
        {"user": user.username, "has_conflict": has_conflict, "statement": statement},
    )
    return member


# --- the task's own course ----------------------------------------------------------------------


@transaction.atomic
def start_task(task: SupervisionTask, *, actor: User) -> SupervisionTask:
    task = _lock(task)
    _owner_side(task, actor)
    if task.status != TaskStatus.PLANNED:
        raise DomainError("supervision.task.status", _("只有计划中的任务可以启动。"))
    undeclared = [
        str(m.user) for m in task.members.filter(withdrawn_at__isnull=True, recusal_declared_at__isnull=True)
    ]
    if undeclared:
        raise DomainError(
            "supervision.recusal.missing",
            _("以下成员尚未作出回避声明：%s（条例第40条）。") % "、".join(undeclared),
        )
    task.status = TaskStatus.ACTIVE
    task.save(update_fields=["status"])
    record(task, "task.started", actor, {"number": task.number})
    _emit(task, "started")
    return task


@transaction.atomic
def check_item(
    task: SupervisionTask, *, actor: User, index: int, result: str, note: str = ""
) -> SupervisionTask:
    task = _lock(task)
    member = membership(task, actor)
    if member is None or member.role == MemberRole.INVITED:
        raise Forbidden("supervision.task.not_member", _("只有任务的监督人员可以填写检查清单。"))
    if task.status != TaskStatus.ACTIVE:
        raise DomainError("supervision.task.status", _("任务未在实施中，不能填写检查清单。"))
    if result not in ("ok", "problem", "na") or not 0 <= index < len(task.checklist):
        raise InvalidInput("supervision.task.checklist", _("检查项或结果无效。"), field="result")
    task.checklist[index].update(result=result, note=note, by=actor.username)
    task.save(update_fields=["checklist"])
    record(task, "task.checked", actor, {"index": index, "result": result, "note": note})
    return task


@transaction.atomic
def close_task(task: SupervisionTask, *, actor: User, outcome: str) -> SupervisionTask:
    task = _lock(task)
    _owner_side(task, actor)
    if task.status != TaskStatus.ACTIVE:
        raise DomainError("supervision.task.status", _("只有实施中的任务可以办结。"))
    if not outcome.strip():
        raise InvalidInput("supervision.task.outcome", _("请填写监督结果。"), field="outcome")
    task.status, task.outcome, task.closed_at = TaskStatus.CLOSED, outcome.strip(), clock.now()
    task.save(update_fields=["status", "outcome", "closed_at"])
    record(task, "task.closed", actor, {"outcome": task.outcome})
    _emit(task, "closed")
    return task


@transaction.atomic
def report_back(task: SupervisionTask, *, actor: User) -> SupervisionTask:
    """专项监督结果上报 — a closed special task's results go up through the exchange (Art. 37)."""
    task = _lock(task)
    _owner_side(task, actor)
    if task.kind != TaskKind.SPECIAL or task.template_id is None:
        raise DomainError("supervision.task.not_special", _("只有按省级模板开展的专项监督需要上报结果。"))
    if task.status != TaskStatus.CLOSED:
        raise DomainError("supervision.task.status", _("任务办结后才能上报结果。"))
    task.reported_at = clock.now()
    task.save(update_fields=["reported_at"])
    record(task, "task.reported", actor, {"template": task.template.code})
    _emit(task, "reported")
    return task


@transaction.atomic
def escalate_task(task: SupervisionTask, *, actor: User, reason: str) -> SupervisionTask:
    """提级监督 — a key task handed to the supervision organ one level up, listed (挂牌督办)."""
    task = _lock(task)
    _owner_side(task, actor)
    if task.kind != TaskKind.KEY or not task.is_open:
        raise DomainError("supervision.task.not_key", _("只有未办结的重点监督任务可以提级。"))
    parent = task.agency.division.parent
    upper = Agency.objects.filter(division=parent, is_justice_bureau=True).first() if parent else None
    if upper is None:
        raise DomainError("supervision.task.no_upper", _("没有上一级执法监督机构。"))
    if not reason.strip():
        raise InvalidInput("supervision.task.reason", _("请说明提级理由。"), field="reason")
    task.escalated_to, task.listed = upper, True
    task.save(update_fields=["escalated_to", "listed"])
    record(task, "task.escalated", actor, {"to": upper.code, "reason": reason})
    _emit(task, "escalated")
    return task


@transaction.atomic
def open_key_supervision(
    clue, *, actor: User, window_end: dt.date, plan: str = "", listed: bool = False
) -> SupervisionTask:
    """A clue escalated to key supervision (转重点监督) becomes a key task over the agencies it
    names; the clue keeps its own workflow and links to the task."""
    from sanxiang.supervision.choices import ClueStatus

    if not clue.is_key or clue.status != ClueStatus.ESCALATED:
        raise DomainError("supervision.task.clue_not_key", _("只有研判为转重点监督的线索可以立项重点监督。"))
    if clue.key_tasks.exists():
        raise DomainError("supervision.task.clue_has_task", _("该线索已立项重点监督任务。"))
    scope = [a for a in clue.agencies.all() if a.pk != actor.agency_id]
    return create_task(
        actor=actor,
        kind=TaskKind.KEY,
        title=f"重点监督：{clue.title}",
        scope=scope,
        window_start=clock.today(),
        window_end=window_end,
        plan=plan or clue.assessment,
        methods=[Method.DOCUMENT_REVIEW, Method.SITE_INSPECTION],
        listed=listed,
        source_clue=clue,
    )


@transaction.atomic
def add_finding(task: SupervisionTask, *, actor: User, finding) -> SupervisionTask:
    """A finding of the task's work (任务发现的问题), linked to the task; the finding itself is made
    with the findings service and is never deleted."""
    task = _lock(task)
    _owner_side(task, actor)
    if not task.scope.filter(pk=finding.agency_id).exists():
        raise InvalidInput("supervision.task.finding_scope", _("该问题的执法主体不在本任务的监督对象中。"))
    task.findings.add(finding)
    record(task, "task.finding", actor, {"finding": finding.number, "kind": finding.kind})
    _emit(task, "finding")
    return task
