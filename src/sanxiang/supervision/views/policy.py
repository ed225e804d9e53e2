"""政策任务跟踪 (O1): the overview (联席会议办公室), one agency's tasks with the report form, and
the supporting rules (O3), training and exam records (O4) and AV equipment (O5) beside them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.org.models import Agency, TrainingRecord
from sanxiang.supervision.models import AVDevice, PolicyTask, SupportingRule, TaskReport
from sanxiang.supervision.models.policy import DeviceKind, DeviceStatus, TaskStatus
from sanxiang.supervision.services import policy
from sanxiang.supervision.views.dash import _guard


@login_required
def overview(request):
    _guard(request)
    agencies = Agency.objects.restrict(request.user).select_related("division")
    tasks, rows = policy.matrix(agencies)
    return render(
        request,
        "supervision/dash/policy_overview.html",
        {
            "tasks": tasks,
            "rows": rows,
            "summary": policy.summary(rows),
            "is_office": bool(request.user.agency and request.user.agency.is_justice_bureau),
            "today": clock.today(),
        },
    )


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("进展"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=gettext_lazy("完成度（%）"), min_value=0, max_value=100, initial=0)
    note = forms.CharField(label=gettext_lazy("落实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=gettext_lazy("佐证材料（文件名称、文号或链接，每行一项）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    attachment = forms.FileField(label=gettext_lazy("附件"), required=False)
    completed_on = forms.DateField(
        label=gettext_lazy("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("制度名称"), max_length=120)
    doc_number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    adopted_on = forms.DateField(
        label=gettext_lazy("印发日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    task = forms.ModelChoiceField(
        label=gettext_lazy("对应任务"), queryset=PolicyTask.objects.all(), required=False
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)


class DeviceForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("设备编号"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=DeviceKind.choices)
    model_name = forms.CharField(label=gettext_lazy("型号"), max_length=80, required=False)
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=DeviceStatus.choices)
    acquired_on = forms.DateField(
        label=gettext_lazy("配备日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    keeper = forms.CharField(label=gettext_lazy("保管人"), max_length=60, required=False)


def _agency(request, code: str) -> Agency:
    _guard(request)
    agency = Agency.objects.restrict(request.user).select_related("division").filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{' '.join(v)}" for k, v in form.errors.items()
    )


@login_required
def agency_page(request, code: str):
    agency = _agency(request, code)
    may = policy.may_report(request.user, agency)
    if request.method == "POST":
        if not may:
            raise Http404
        what = request.POST.get("what")
        try:
            if what == "rule":
                form = RuleForm(request.POST)
                if not form.is_valid():
                    raise DomainError("supervision.form", _errors(form))
                policy.add_rule(agency, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已登记配套制度。"))
            elif what == "device":
                form = DeviceForm(request.POST)
                if not form.is_valid():
                    raise DomainError("supervision.form", _errors(form))
                policy.add_device(agency, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已登记设备。"))
            else:
                raise Http404
        except DomainError as refusal:
            messages.error(request, refusal.message)
        return redirect("supervision:policy_agency", code=agency.code)
    _tasks, rows = policy.matrix([agency])
    year_ago = clock.today() - dt.timedelta(days=365)
    staff_training = (
        TrainingRecord.objects.filter(user__agency=agency, date__gte=year_ago)
        .values("user__pk", "user__full_name", "user__username")
        .annotate(
            hours=Sum("hours"),
            trainings=Count("pk", filter=Q(kind="training")),
            exams=Count("pk", filter=Q(kind="exam")),
            passed=Count("pk", filter=Q(kind="exam", passed=True)),
        )
        .order_by("user__username")
    )
    devices = list(AVDevice.objects.filter(agency=agency))
    from sanxiang.records.models import Evidence

    used = dict(
        Evidence.objects.filter(device_number__in=[d.number for d in devices])
        .values("device_number")
        .annotate(n=Count("pk"))
        .values_list("device_number", "n")
    )
    return render(
        request,
        "supervision/dash/policy_agency.html",
        {
            "agency": agency,
            "cells": rows[0][1] if rows else [],
            "summary": policy.summary(rows),
            "may": may,
            "rules": SupportingRule.objects.filter(agency=agency).select_related("task"),
            "training": list(staff_training),
            "recent_training": TrainingRecord.objects.filter(user__agency=agency).select_related("user")[:20],
            "devices": [(d, used.get(d.number, 0)) for d in devices],
            "device_counts": {
                str(k.label): sum(1 for d in devices if d.kind == k and d.status == "in_use")
                for k in DeviceKind
            },
            "rule_form": RuleForm(),
            "device_form": DeviceForm(),
        },
    )


@login_required
def task_page(request, code: str, number: int):
    agency = _agency(request, code)
    task = get_object_or_404(PolicyTask, number=number)
    may = policy.may_report(request.user, agency)
    form = ReportForm()
    if request.method == "POST":
        if not may:
            raise Http404
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                policy.report_progress(agency, task, actor=request.user, **form.cleaned_data)
            except DomainError as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                messages.success(request, _("已报告落实情况。"))
                return redirect("supervision:policy_task", code=agency.code, number=task.number)
    history = (
        TaskReport.objects.filter(agency=agency, task=task)
        .select_related("reported_by")
        .order_by("-reported_at", "-pk")
    )
    latest = history.first()
    cell = policy.Cell(task, agency, latest, task.due_for(agency), clock.today())
    return render(
        request,
        "supervision/dash/policy_task.html",
        {
            "agency": agency,
            "task": task,
            "history": history,
            "cell": cell,
            "form": form,
            "may": may,
            "rules": SupportingRule.objects.filter(agency=agency, task=task),
        },
    )
