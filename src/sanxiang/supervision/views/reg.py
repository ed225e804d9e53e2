"""Staff pages for the supervision graph, tasks, correction instruments, the overdue board of the
upper-level bureau and the supervision report. Lookups answer 404 outside the graph; every change
goes through the services and a refusal is shown beside the form; every read of a task or an
instrument is logged (Art. 40)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.records.evidence import store_blob
from sanxiang.records.models import Entry
from sanxiang.supervision.models.instruments import InstrumentKind, InstrumentStatus
from sanxiang.supervision.models.tasks import MemberRole, Method, TaskKind, TaskTemplate
from sanxiang.supervision.services import escalation, graph, report, selectors
from sanxiang.supervision.services import instruments as inst_svc
from sanxiang.supervision.services import tasks as task_svc
from sanxiang.supervision.services.common import log_read


def _staff(request):
    if getattr(request.user, "agency", None) is None or not request.user.roles:
        raise Http404


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("supervision.date", _("日期格式应为YYYY-MM-DD。"), field=field) from None


def _run(request, action, success: str) -> bool:
    try:
        action()
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return False
    messages.success(request, success)
    return True


def _history(stream: str):
    return Entry.objects.filter(stream=stream).exclude(kind="supervision.read").select_related("actor")


# --- the graph ----------------------------------------------------------------------------------


@login_required
def graph_view(request):
    _staff(request)
    if not selectors.is_supervisor(request.user):
        raise Http404
    own = request.user.agency
    rows = []
    for agency in graph.visible_agencies(own).select_related("division", "parent", "entrusted_by"):
        found = graph.relation(own, agency)
        rows.append(
            {
                "agency": agency,
                "bureau": graph.supervising_bureau(agency),
                "relation": graph.RELATION_LABELS.get(found, "—") if found else "—",
                "kinds": [InstrumentKind(k).label for k in sorted(graph.allowed_kinds(own, agency))],
            }
        )
    return render(request, "supervision/tasks/graph.html", {"rows": rows, "own": own})


# --- tasks --------------------------------------------------------------------------------------


@login_required
def task_list(request):
    if request.user.agency is None:
        raise Http404
    tasks = selectors.tasks_visible_to(request.user).prefetch_related("scope")
    kind = request.GET.get("kind", "")
    if kind in TaskKind.values:
        tasks = tasks.filter(kind=kind)
    return render(
        request,
        "supervision/tasks/list.html",
        {
            "tasks": tasks[:200],
            "kinds": TaskKind.choices,
            "kind": kind,
            "may_create": selectors.is_supervisor(request.user) and not request.user.agency.is_justice_office,
            "pending_clues": _pending_clues(request.user),
        },
    )


def _pending_clues(user):
    """Clues assessed 转重点监督 that have no key task yet: the supervisor opens one here."""
    from sanxiang.supervision.choices import ClueStatus
    from sanxiang.supervision.models.clues import Clue

    if not selectors.is_supervisor(user) or user.agency.is_justice_office:
        return []
    return Clue.objects.restrict(user).filter(
        status=ClueStatus.ESCALATED, agency=user.agency, key_tasks__isnull=True
    )[:50]


@login_required
@require_POST
def task_from_clue(request, clue_pk):
    from sanxiang.supervision.models.clues import Clue

    _staff(request)
    clue = Clue.objects.restrict(request.user).filter(pk=clue_pk).first()
    if clue is None:
        raise Http404
    try:
        task = task_svc.open_key_supervision(
            clue,
            actor=request.user,
            window_end=_date(request.POST.get("window_end", ""), "window_end") or clock.today(),
            listed=request.POST.get("listed") == "on",
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("supervision:tasks")
    messages.success(request, _("已立项重点监督任务。"))
    return redirect("supervision:task", pk=task.pk)


@login_required
def task_new(request):
    _staff(request)
    user = request.user
    if not selectors.is_supervisor(user) or user.agency.is_justice_office:
        raise Http404
    targets = [a for a in graph.visible_agencies(user.agency) if graph.relation(user.agency, a)]
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            template = TaskTemplate.objects.filter(pk=values.get("template") or None).first()
            task = task_svc.create_task(
                actor=user,
                kind=values.get("kind", ""),
                title=values.get("title", ""),
                scope=[a for a in targets if str(a.pk) in request.POST.getlist("scope")],
                window_start=_date(values.get("window_start", ""), "window_start") or clock.today(),
                window_end=_date(values.get("window_end", ""), "window_end") or clock.today(),
                due_on=_date(values.get("due_on", ""), "due_on"),
                plan=values.get("plan", ""),
                methods=request.POST.getlist("methods"),
                checklist=[line for line in values.get("checklist", "").splitlines() if line.strip()],
                template=template,
                listed=values.get("listed") == "on",
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("监督任务已立项。"))
            return redirect("supervision:task", pk=task.pk)
    return render(
        request,
        "supervision/tasks/form.html",
        {
            "targets": targets,
            "kinds": TaskKind.choices,
            "methods": Method.choices,
            "templates": TaskTemplate.objects.all(),
            "values": values,
            "chosen": request.POST.getlist("scope") if values else [],
        },
    )


def _task_or_refuse(request, pk):
    try:
        return selectors.task_for(request.user, pk), None
    except NotFound:
        raise Http404 from None
    except Forbidden as refusal:
        return None, refusal


@login_required
def task_detail(request, pk):
    task, refusal = _task_or_refuse(request, pk)
    if refusal is not None:
        member = task_svc.TaskMember.objects.filter(task_id=pk, user=request.user).first()
        return render(
            request,
            "supervision/tasks/refused.html",
            {"refusal": refusal, "member": member, "pk": pk},
            status=403,
        )
    log_read(request.user, task, what="task")
    member = task_svc.membership(task, request.user)
    is_owner_side = request.user.has_role(Role.SUPERVISOR) and request.user.agency_id == task.agency_id
    candidates = User.objects.filter(
        agency__in=graph.visible_agencies(task.agency), groups__name=Role.SUPERVISOR, is_active=True
    ).exclude(supervision_memberships__task=task)
    invited = User.objects.filter(groups__name=Role.INVITED_SUPERVISOR, is_active=True).exclude(
        supervision_memberships__task=task
    )
    return render(
        request,
        "supervision/tasks/detail.html",
        {
            "task": task,
            "member": member,
            "members": task.members.select_related("user", "user__agency"),
            "instruments": task.instruments.select_related("target"),
            "findings": task.findings.all(),
            "history": _history(task.stream),
            "is_owner_side": is_owner_side,
            "may_check": member is not None and member.role != MemberRole.INVITED,
            "candidates": candidates[:100],
            "invited_candidates": invited[:100],
            "today": clock.today(),
        },
    )


def _task_post(request, pk, action, success):
    task, refusal = _task_or_refuse(request, pk)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("supervision:tasks")
    try:
        action(task)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("supervision:task", pk=task.pk)


@login_required
@require_POST
def task_act(request, pk, act):
    p, user = request.POST, request.user
    actions = {
        "start": (lambda t: task_svc.start_task(t, actor=user), _("任务已启动。")),
        "close": (
            lambda t: task_svc.close_task(t, actor=user, outcome=p.get("outcome", "")),
            _("任务已办结。"),
        ),
        "report-back": (lambda t: task_svc.report_back(t, actor=user), _("结果已上报。")),
        "escalate": (
            lambda t: task_svc.escalate_task(t, actor=user, reason=p.get("reason", "")),
            _("已提级。"),
        ),
        "recusal": (
            lambda t: task_svc.declare_recusal(
                t, user=user, has_conflict=p.get("has_conflict") == "yes", statement=p.get("statement", "")
            ),
            _("回避声明已记录。"),
        ),
        "check": (
            lambda t: task_svc.check_item(
                t,
                actor=user,
                index=int(p.get("index", -1) or -1),
                result=p.get("result", ""),
                note=p.get("note", ""),
            ),
            _("检查结果已记录。"),
        ),
        "member": (
            lambda t: task_svc.add_member(
                t,
                actor=user,
                user=User.objects.filter(pk=p.get("user") or None).first() or user,
                role=p.get("role", MemberRole.MEMBER),
                affiliation=p.get("affiliation", ""),
                access_until=_date(p.get("access_until", ""), "access_until"),
            ),
            _("成员已加入。"),
        ),
    }
    if act not in actions:
        raise Http404
    action, success = actions[act]
    return _task_post(request, pk, action, success)


@login_required
@require_POST
def task_ack(request, pk):
    """The confidentiality acknowledgement of an invited supervisor, before the first read."""
    member = task_svc.TaskMember.objects.filter(task_id=pk, user=request.user).select_related("task").first()
    if member is None:
        raise Http404
    if request.POST.get("agree") != "on":
        messages.error(request, _("请勾选同意保密承诺。"))
    else:
        _run(
            request,
            lambda: task_svc.acknowledge_confidentiality(member.task, user=request.user),
            _("已签署保密承诺。"),
        )
    return redirect("supervision:task", pk=pk)


@login_required
@require_POST
def template_import(request):
    _staff(request)
    import json

    upload = request.FILES.get("file")
    try:
        data = json.loads(upload.read().decode("utf-8")) if upload else {}
    except (ValueError, UnicodeDecodeError):
        messages.error(request, _("模板文件应为UTF-8编码的JSON。"))
        return redirect("supervision:task_new")
    _run(request, lambda: task_svc.import_template(data, actor=request.user), _("专项监督模板已导入。"))
    return redirect("supervision:task_new")


# --- instruments --------------------------------------------------------------------------------


@login_required
def instrument_list(request):
    if request.user.agency is None:
        raise Http404
    items = selectors.instruments_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in InstrumentStatus.values:
        items = items.filter(status=status)
    return render(
        request,
        "supervision/instruments/list.html",
        {
            "items": items[:200],
            "statuses": InstrumentStatus.choices,
            "status": status,
            "today": clock.today(),
        },
    )


@login_required
def instrument_new(request):
    _staff(request)
    user = request.user
    if not selectors.is_supervisor(user):
        raise Http404
    targets = [(a, sorted(graph.allowed_kinds(user.agency, a))) for a in graph.visible_agencies(user.agency)]
    targets = [(a, k) for a, k in targets if k]
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            target = Agency.objects.filter(pk=values.get("target") or None).first()
            if target is None:
                raise InvalidInput("supervision.instrument.target", _("请选择被监督机关。"), field="target")
            task = selectors.tasks_visible_to(user).filter(pk=values.get("task") or None).first()
            inst = inst_svc.issue(
                actor=user,
                kind=values.get("kind", ""),
                target=target,
                title=values.get("title", ""),
                facts=values.get("facts", ""),
                requirements=values.get("requirements", ""),
                legal_basis=values.get("legal_basis", ""),
                time_limit=_date(values.get("time_limit", ""), "time_limit"),
                task=task,
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("监督文书已制发：%s") % inst.number)
            return redirect("supervision:instrument", pk=inst.pk)
    return render(
        request,
        "supervision/instruments/form.html",
        {
            "targets": targets,
            "kinds": InstrumentKind.choices,
            "tasks": selectors.tasks_visible_to(user).filter(agency=user.agency).exclude(status="closed"),
            "values": values,
        },
    )


def _instrument(request, pk):
    try:
        return selectors.instrument_for(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def instrument_detail(request, pk):
    inst = _instrument(request, pk)
    log_read(request.user, inst, what="instrument")
    user = request.user
    issuer_side = user.has_role(Role.SUPERVISOR) and user.agency_id == inst.issuer_id
    target_side = (
        issuer_side
        if inst.kind == InstrumentKind.UPPER_NOTIFICATION
        else (user.agency_id == inst.target_id and user.has_role(Role.HEAD))
    )
    return render(
        request,
        "supervision/instruments/detail.html",
        {
            "inst": inst,
            "events": inst.events.select_related("actor", "reply_to"),
            "reports": inst.reports.prefetch_related("evidence", "evidence__blob").select_related(
                "submitted_by"
            ),
            "objections": inst.events.filter(kind="objection"),
            "findings": inst.findings.all(),
            "history": _history(inst.stream),
            "issuer_side": issuer_side,
            "target_side": target_side,
            "today": clock.today(),
            "alerts": inst.alerts.select_related("agency", "notified"),
        },
    )


@login_required
@require_POST
def instrument_act(request, pk, act):
    inst = _instrument(request, pk)
    p, user = request.POST, request.user

    def report():
        evidence = [(store_blob(f, filename=f.name).blob, f.name) for f in request.FILES.getlist("evidence")]
        inst_svc.submit_report(inst, actor=user, text=p.get("text", ""), evidence=evidence)

    def reply():
        objection = inst.events.filter(pk=p.get("objection") or None).first()
        if objection is None:
            raise InvalidInput(
                "supervision.instrument.objection", _("请选择要答复的异议。"), field="objection"
            )
        inst_svc.reply(inst, actor=user, objection=objection, text=p.get("text", ""))

    actions = {
        "serve": (lambda: inst_svc.serve(inst, actor=user, method=p.get("method", "")), _("已登记送达。")),
        "object": (lambda: inst_svc.object_to(inst, actor=user, text=p.get("text", "")), _("异议已提交。")),
        "reply": (reply, _("已答复异议。")),
        "report": (report, _("整改报告已提交。")),
        "verify": (
            lambda: inst_svc.verify(
                inst,
                actor=user,
                accepted=p.get("accepted") == "yes",
                note=p.get("note", ""),
                new_time_limit=_date(p.get("new_time_limit", ""), "new_time_limit"),
            ),
            _("核验结果已记录。"),
        ),
        "close": (lambda: inst_svc.close(inst, actor=user, note=p.get("note", "")), _("文书已办结。")),
        "escalate": (
            lambda: inst_svc.escalate(inst, actor=user, reason=p.get("reason", "")),
            _("已升级处理。"),
        ),
        "obstruction": (
            lambda: inst_svc.record_obstruction(inst, actor=user, text=p.get("text", "")),
            _("已记录拒绝、阻挠监督的问题。"),
        ),
    }
    if act not in actions:
        raise Http404
    action, success = actions[act]
    _run(request, action, success)
    return redirect("supervision:instrument", pk=inst.pk)


# --- supervision of the supervisors (Art. 39) ---------------------------------------------------


@login_required
def oversight(request):
    _staff(request)
    if not selectors.is_supervisor(request.user):
        raise Http404
    bureau = request.GET.get("bureau")
    rows = selectors.overdue_by_bureau(
        request.user, bureau_id=int(bureau) if (bureau or "").isdigit() else None
    )
    return render(
        request,
        "supervision/tasks/oversight.html",
        {
            "rows": rows,
            "drill": bool(bureau),
            "today": clock.today(),
            "total": sum(r.total for r in rows),
            "alerts": escalation.alerts_for(request.user)[:200],
        },
    )


# --- report -------------------------------------------------------------------------------------


@login_required
def report_view(request):
    _staff(request)
    if not selectors.is_supervisor(request.user):
        raise Http404
    try:
        start = _date(request.GET.get("from", ""), "from")
        end = _date(request.GET.get("to", ""), "to")
    except DomainError as refusal:
        messages.error(request, refusal.message)
        start = end = None
    start, end = report.default_period(start, end)
    data = report.build(start, end, bureau=request.user.agency)
    fmt = request.GET.get("format", "")
    if fmt in ("pdf", "xlsx"):
        body = report.render(data, fmt)
        response = HttpResponse(body, content_type=report.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="supervision-{start}-{end}.{fmt}"'
        return response
    return render(request, "supervision/instruments/report.html", {"data": data, "start": start, "end": end})
