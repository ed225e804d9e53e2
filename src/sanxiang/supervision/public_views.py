"""The portal's 问题反映 form (public and enterprises): a clue with an acknowledgement number, and
the lookup where the complainant reads the reply with that number and their phone number."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import DomainError
from sanxiang.org.models import Agency
from sanxiang.supervision.choices import ClueChannel
from sanxiang.supervision.services import clues as clue_services

KINDS = [("person", gettext_lazy("个人")), ("enterprise", gettext_lazy("企业"))]


class PublicClueForm(forms.Form):
    complainant_kind = forms.ChoiceField(label=gettext_lazy("反映人类型"), choices=KINDS, initial="person")
    complainant_name = forms.CharField(
        label=gettext_lazy("姓名或企业名称（可不填）"), max_length=100, required=False
    )
    complainant_phone = forms.RegexField(
        label=gettext_lazy("联系电话（用于查询办理结果）"),
        regex=r"^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$",
        error_messages={"invalid": gettext_lazy("请填写正确的手机号码或固定电话。")},
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("反映的执法部门"),
        queryset=Agency.objects.filter(is_justice_bureau=False).order_by("division__path", "code"),
        empty_label=gettext_lazy("请选择"),
    )
    title = forms.CharField(label=gettext_lazy("问题概要"), max_length=100)
    content = forms.CharField(
        label=gettext_lazy("具体情况"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3000
    )
    hotline_order_no = forms.CharField(
        label=gettext_lazy("12345工单号（已拨打12345的请填写）"), max_length=40, required=False
    )


@require_http_methods(["GET", "POST"])
def report(request):
    form = PublicClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = clue_services.register_clue(
                actor=None,
                public=True,
                agency=data["agency"],
                channel=ClueChannel.ENTERPRISE_APPEAL
                if data["complainant_kind"] == "enterprise"
                else ClueChannel.ONLINE_FORM,
                title=data["title"],
                content=data["content"],
                hotline_order_no=data["hotline_order_no"],
                complainant_kind=data["complainant_kind"],
                complainant_name=data["complainant_name"],
                complainant_phone=data["complainant_phone"],
            )
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            return render(request, "supervision/public/received.html", {"clue": clue})
    status = 422 if request.method == "POST" else 200
    return render(request, "supervision/public/report.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def lookup(request):
    ack, phone = request.GET.get("ack", "")[:40], request.GET.get("phone", "")[:30]
    clue = clue_services.public_status(ack, phone) if ack else None
    return render(
        request,
        "supervision/public/lookup.html",
        {"asked": bool(ack), "clue": clue, "ack": ack},
        status=404 if ack and clue is None else 200,
    )
