"""Staff pages for clues (问题线索), follow-up items (跟进事项), findings (监督问题) and case-file
evaluations (案卷评查). Lists start from `.restrict(user)`; anything outside the user's scope is a
404. Every change goes through the services; refusals are shown as messages beside the form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxiang.cases.models import Case
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.records.models import Entry
from sanxiang.supervision.choices import ClueChannel, ClueStatus, FindingStatus, MisconductKind, Severity
from sanxiang.supervision.models import Clue, Evaluation, Finding, FollowUp
from sanxiang.supervision.services import clues as clue_services
from sanxiang.supervision.services import evaluation as evaluation_services
from sanxiang.supervision.services import findings as finding_services
from sanxiang.supervision.services.clue_models import MODELS
from sanxiang.supervision.services.detection import DETECTORS


def _staff(request):
    if getattr(request.user, "agency", None) is None or not request.user.roles:
        raise Http404


def _get(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404 from None


def _run(request, action, success: str):
    try:
        action()
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return False
    messages.success(request, success)
    return True


def _act_on(request, model, pk, action, success: str, url_name: str):
    """The shape of every POST act on one object: staff only, the object in the user's scope (404
    otherwise), the service call with its refusal shown as a message, back to the object's page."""
    _staff(request)
    obj = _get(model.objects.restrict(request.user), pk)
    _run(request, lambda: action(obj), success)
    return redirect(url_name, pk=obj.pk)


def _by_pk(model, value):
    """The row of `model` whose pk is the posted `value`, or None (blank or not a number)."""
    return model.objects.filter(pk=value).first() if str(value or "").isdigit() else None


def _date(value: str, *, field: str | None = None) -> dt.date | None:
    """A posted ISO date; None when blank. A bad value is None too, or — when `field` is given —
    a refusal naming the field."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        if field is None:
            return None
        raise InvalidInput("supervision.date", _("日期格式应为YYYY-MM-DD。"), field=field) from None


def _history(stream: str):
    return Entry.objects.filter(stream=stream).select_related("actor").order_by("seq")


# --- clues ----------------------------------------------------------------------------------------


class ClueForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("来源渠道"),
        choices=[("", "—")] + [c for c in ClueChannel.choices if c[0] != ClueChannel.MODEL],
    )
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    content = forms.CharField(label=gettext_lazy("反映内容"), widget=forms.Textarea(attrs={"rows": 4}))
    received_on = forms.DateField(
        label=gettext_lazy("收到日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hotline_order_no = forms.CharField(label=gettext_lazy("12345工单号"), max_length=40, required=False)
    source_ref = forms.CharField(label=gettext_lazy("来源文号/出处"), max_length=200, required=False)
    complainant_name = forms.CharField(label=gettext_lazy("反映人"), max_length=100, required=False)
    complainant_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    concerned = forms.ModelMultipleChoiceField(
        label=gettext_lazy("涉及执法主体"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerned"].queryset = Agency.objects.restrict(user).filter(is_justice_bureau=False)


@login_required
def clue_list(request):
    _staff(request)
    qs = Clue.objects.restrict(request.user).select_related("agency", "owner")
    status, channel, q = (
        request.GET.get("status", ""),
        request.GET.get("channel", ""),
        request.GET.get("q", ""),
    )
    if status == "active":
        qs = qs.active()
    elif status in ClueStatus.values:
        qs = qs.filter(status=status)
    if channel in ClueChannel.values:
        qs = qs.filter(channel=channel)
    if q:
        qs = (
            qs.filter(title__icontains=q[:50]) | qs.filter(number=q[:40]) | qs.filter(hotline_order_no=q[:40])
        )
    page = Paginator(qs.order_by("-received_on", "-pk"), 30).get_page(request.GET.get("page"))
    today = clock.today()
    base = Clue.objects.restrict(request.user)
    return render(
        request,
        "supervision/clues/list.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "q": q,
            "statuses": ClueStatus.choices,
            "channels": ClueChannel.choices,
            "today": today,
            "counts": {
                "active": base.active().count(),
                "overdue": base.active().filter(step_due_on__lt=today).count(),
                "key": base.filter(is_key=True).count(),
                "model": base.filter(channel=ClueChannel.MODEL).count(),
            },
            "can_register": request.user.has_role(Role.SUPERVISOR) or request.user.has_role(Role.HEAD),
            "can_run_models": request.user.has_role(Role.SUPERVISOR),
            "models": MODELS.values(),
        },
    )


@login_required
def clue_new(request):
    _staff(request)
    form = ClueForm(request.POST or None, user=request.user, initial={"received_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = clue_services.register_clue(
                actor=request.user,
                channel=data["channel"],
                title=data["title"],
                content=data["content"],
                received_on=data["received_on"],
                hotline_order_no=data["hotline_order_no"],
                source_ref=data["source_ref"],
                complainant_name=data["complainant_name"],
                complainant_phone=data["complainant_phone"],
                agencies=list(data["concerned"]),
            )
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("线索已登记。"))
            return redirect("supervision:clue", pk=clue.pk)
    return render(request, "supervision/clues/form.html", {"form": form, "title": _("登记问题线索")})


@login_required
def clue_detail(request, pk):
    _staff(request)
    clue = _get(Clue.objects.restrict(request.user).select_related("agency", "owner", "transferred_to"), pk)
    may_act = request.user.has_role(Role.SUPERVISOR) or request.user.has_role(Role.HEAD)
    return render(
        request,
        "supervision/clues/detail.html",
        {
            "clue": clue,
            "today": clock.today(),
            "history": _history(clue.stream),
            "follow_ups": clue.follow_ups.all(),
            "key_tasks": clue.key_tasks.all(),
            "alerts": clue.alerts.select_related("agency", "notified"),
            "findings": clue.findings.all(),
            "duplicates": clue_services.duplicates_of(clue)[:10] if clue.status != ClueStatus.MERGED else [],
            "may_act": may_act and clue.agency_id == request.user.agency_id,
            "decisions": [
                ("dismiss", _("不予处理")),
                ("transfer", _("转办")),
                ("handle", _("办理")),
                ("escalate", _("转重点监督")),
            ],
            "transfer_targets": Agency.objects.exclude(pk=clue.agency_id).filter(is_justice_bureau=False),
            "staff": User.objects.filter(agency=clue.agency, is_active=True),
            "kinds": MisconductKind.choices,
        },
    )


def _clue_action(request, pk, action, success):
    return _act_on(request, Clue, pk, action, success, "supervision:clue")


@login_required
@require_POST
def clue_assess(request, pk):
    post = request.POST
    target = _by_pk(Agency, post.get("transfer_to"))
    return _clue_action(
        request,
        pk,
        lambda clue: clue_services.assess(
            clue,
            actor=request.user,
            assessment=post.get("assessment", ""),
            decision=post.get("decision", ""),
            reason=post.get("reason", ""),
            transfer_to=target,
            key_window_end=_date(post.get("key_window_end", ""), field="key_window_end"),
            key_listed=post.get("listed") == "on",
        ),
        _("研判结论已记录。"),
    )


@login_required
@require_POST
def clue_assign(request, pk):
    _staff(request)
    _get(Clue.objects.restrict(request.user), pk)  # scope first: out of scope is 404 whatever the form holds
    owner = _by_pk(User, request.POST.get("owner"))
    if owner is None:
        messages.error(request, _("请选择承办人。"))
        return redirect("supervision:clue", pk=pk)
    return _clue_action(
        request,
        pk,
        lambda clue: clue_services.assign_owner(clue, actor=request.user, owner=owner),
        _("已指定承办人。"),
    )


@login_required
@require_POST
def clue_close(request, pk):
    return _clue_action(
        request,
        pk,
        lambda clue: clue_services.close_clue(
            clue, actor=request.user, result=request.POST.get("result", "")
        ),
        _("线索已办结。"),
    )


@login_required
@require_POST
def clue_reply(request, pk):
    return _clue_action(
        request,
        pk,
        lambda clue: clue_services.reply(clue, actor=request.user, text=request.POST.get("text", "")),
        _("已答复反映人。"),
    )


@login_required
@require_POST
def clue_merge(request, pk):
    _staff(request)
    _get(Clue.objects.restrict(request.user), pk)  # scope first
    into = Clue.objects.restrict(request.user).filter(number=request.POST.get("into", "").strip()).first()
    if into is None:
        messages.error(request, _("未找到要合并到的线索编号。"))
        return redirect("supervision:clue", pk=pk)
    return _clue_action(
        request,
        pk,
        lambda clue: clue_services.merge(
            clue, into=into, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("已合并重复线索。"),
    )


@login_required
@require_POST
def clue_link(request, pk):
    numbers = [n.strip() for n in request.POST.get("cases", "").replace("，", ",").split(",") if n.strip()]
    cases = list(Case.objects.restrict(request.user).filter(number__in=numbers))
    if len(cases) != len(set(numbers)):
        messages.error(request, _("部分案件编号不存在或不在您的范围内。"))
        return redirect("supervision:clue", pk=pk)
    return _clue_action(
        request, pk, lambda clue: clue_services.link(clue, actor=request.user, cases=cases), _("已关联案件。")
    )


@login_required
@require_POST
def clue_finding(request, pk):
    """认定问题 from a clue: the clue is the evidence."""
    _staff(request)
    clue = _get(Clue.objects.restrict(request.user), pk)
    agency = clue.agencies.filter(is_justice_bureau=False).first() or clue.transferred_to
    if agency is None:
        messages.error(request, _("请先关联涉及的执法主体。"))
        return redirect("supervision:clue", pk=pk)

    def act():
        finding = finding_services.create_finding(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            agency=agency,
            title=request.POST.get("title", "") or clue.title,
            description=request.POST.get("description", ""),
            evidence=[{"type": "clue", "ref": clue.number, "text": clue.title}],
            rule_code=request.POST.get("rule_code", ""),
            clue=clue,
            case=clue.cases.filter(agency=agency).first(),
        )
        request.finding = finding

    if _run(request, act, _("问题已认定。")):
        return redirect("supervision:finding", pk=request.finding.pk)
    return redirect("supervision:clue", pk=pk)


@login_required
@require_POST
def run_models(request):
    _staff(request)
    if not request.user.has_role(Role.SUPERVISOR):
        raise Http404
    from sanxiang.supervision.services.clue_models import run_clue_models
    from sanxiang.supervision.services.detection import run_detectors

    clues, found = run_clue_models(), run_detectors()
    messages.success(
        request, _("模型运行完毕：新线索%(c)d条，新检出问题%(f)d个。") % {"c": len(clues), "f": len(found)}
    )
    return redirect("supervision:clues")


# --- follow-up items ---------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    _staff(request)
    qs = FollowUp.objects.restrict(request.user).select_related("agency", "assignee_agency", "owner", "clue")
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.open()
    page = Paginator(qs.order_by("due_on", "pk"), 30).get_page(request.GET.get("page"))
    return render(
        request, "supervision/clues/follow_ups.html", {"page": page, "show": show, "today": clock.today()}
    )


@login_required
def follow_up_detail(request, pk):
    _staff(request)
    item = _get(
        FollowUp.objects.restrict(request.user).select_related("agency", "assignee_agency", "owner"), pk
    )
    return render(
        request,
        "supervision/clues/follow_up.html",
        {
            "item": item,
            "today": clock.today(),
            "history": _history(item.stream),
            "may_supervise": request.user.agency_id == item.agency_id
            and (request.user.has_role(Role.SUPERVISOR) or request.user.has_role(Role.HEAD)),
            "may_respond": clue_services.may_respond(request.user, item),
            "agencies": Agency.objects.filter(is_justice_bureau=False),
        },
    )


def _fu_action(request, pk, action, success):
    return _act_on(request, FollowUp, pk, action, success, "supervision:follow_up")


@login_required
@require_POST
def follow_up_assign(request, pk):
    post = request.POST
    agency = _by_pk(Agency, post.get("assignee_agency"))
    return _fu_action(
        request,
        pk,
        lambda item: clue_services.assign_follow_up(
            item, actor=request.user, assignee_agency=agency, due_on=_date(post.get("due_on", ""))
        ),
        _("已分派。"),
    )


@login_required
@require_POST
def follow_up_respond(request, pk):
    return _fu_action(
        request,
        pk,
        lambda item: clue_services.respond(
            item, actor=request.user, response=request.POST.get("response", "")
        ),
        _("已回复。"),
    )


@login_required
@require_POST
def follow_up_close(request, pk):
    return _fu_action(
        request,
        pk,
        lambda item: clue_services.close_follow_up(
            item, actor=request.user, note=request.POST.get("note", "")
        ),
        _("已办结。"),
    )


# --- findings ------------------------------------------------------------------------------------


@login_required
def finding_list(request):
    _staff(request)
    qs = Finding.objects.restrict(request.user).select_related("agency", "case", "officer")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in MisconductKind.values:
        qs = qs.filter(kind=kind)
    if status in FindingStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/clues/findings.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": MisconductKind.choices,
            "statuses": FindingStatus.choices,
            "detectors": DETECTORS.values(),
        },
    )


@login_required
def finding_detail(request, pk):
    _staff(request)
    finding = _get(
        Finding.objects.restrict(request.user).select_related("agency", "case", "officer", "clue"), pk
    )
    return render(
        request,
        "supervision/clues/finding.html",
        {
            "finding": finding,
            "amendments": finding.amendments.select_related("actor"),
            "history": _history(finding.stream),
            "may_amend": request.user.has_role(Role.SUPERVISOR)
            and request.user.agency_id == (finding.supervising_agency_id or finding.agency_id),
            "next_statuses": [
                (s, FindingStatus(s).label) for s in finding_services.NEXT_STATUS.get(finding.status, set())
            ],
            "kinds": MisconductKind.choices,
            "severities": Severity.choices,
        },
    )


@login_required
@require_POST
def finding_amend(request, pk):
    def amend(finding):
        changes = {
            k: request.POST[k]
            for k in ("status", "kind", "severity", "description")
            if request.POST.get(k) and request.POST[k] != getattr(finding, k)
        }
        return finding_services.amend_finding(
            finding, actor=request.user, reason=request.POST.get("reason", ""), changes=changes
        )

    return _act_on(request, Finding, pk, amend, _("问题已修正。"), "supervision:finding")


# --- case-file evaluation ------------------------------------------------------------------------


@login_required
def evaluation_list(request):
    _staff(request)
    qs = Evaluation.objects.restrict(request.user).filter(is_current=True).select_related("case", "agency")
    if request.GET.get("show") != "all":
        qs = qs.filter(items__isnull=False).distinct()
    page = Paginator(qs.order_by("auto_score", "-run_at"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/evaluation/list.html",
        {"page": page, "show": request.GET.get("show", ""), "rules": evaluation_services.rules_of()},
    )


@login_required
def evaluation_detail(request, pk):
    _staff(request)
    evaluation = _get(
        Evaluation.objects.restrict(request.user).select_related("case", "agency", "evaluator"), pk
    )
    return render(
        request,
        "supervision/evaluation/detail.html",
        {
            "evaluation": evaluation,
            "items": evaluation.items.all(),
            "follow_ups": evaluation.follow_ups.all(),
            "history": _history(f"evaluation:{evaluation.case.number}"),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
        },
    )


@login_required
@require_POST
def evaluation_run(request, case_number):
    _staff(request)
    case = Case.objects.restrict(request.user).filter(number=case_number).first()
    if case is None:
        raise Http404
    holder = {}

    def act():
        holder["e"] = evaluation_services.run_evaluation(case, actor=request.user)

    if _run(request, act, _("评查完成。")):
        return redirect("supervision:evaluation", pk=holder["e"].pk)
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def evaluation_score(request, pk):
    return _act_on(
        request,
        Evaluation,
        pk,
        lambda evaluation: evaluation_services.add_manual_score(
            evaluation,
            actor=request.user,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        ),
        _("人工评查意见已保存。"),
        "supervision:evaluation",
    )


@login_required
@require_POST
def evaluation_rectify(request, pk):
    return _act_on(
        request,
        Evaluation,
        pk,
        lambda evaluation: evaluation_services.require_rectification(
            evaluation,
            actor=request.user,
            instruction=request.POST.get("instruction", ""),
            due_on=_date(request.POST.get("due_on", "")),
        ),
        _("已发出整改要求。"),
        "supervision:evaluation",
    )
