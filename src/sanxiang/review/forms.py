"""Forms of the review screens: they only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.choices import Category, PartyKind
from sanxiang.catalog.models import CriterionKind
from sanxiang.review.choices import (
    AppointmentKind,
    Aspect,
    DiscussionOutcome,
    Finding,
    Flag,
    HeadDecision,
    Material,
    Outcome,
)


class FlagForm(forms.Form):
    code = forms.ChoiceField(label=_("重大情形"), choices=Flag.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea, max_length=5000)


class SubmitForm(forms.Form):
    evidence_list = forms.CharField(
        label=_("证据材料清单"),
        widget=forms.Textarea,
        required=False,
        help_text=_("逐项列明证据名称、来源、页数"),
    )
    note = forms.CharField(label=_("送审说明"), widget=forms.Textarea, required=False)
    outcome = forms.ChoiceField(label=_("拟作出的决定"), required=False)
    summary = forms.CharField(label=_("拟作出决定的说明"), widget=forms.Textarea, required=False)
    basis_text = forms.CharField(label=_("依据说明"), widget=forms.Textarea, required=False)

    def __init__(self, *args, draft_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if draft_choices:
            self.fields["outcome"].choices = [("", "—"), *draft_choices]
        else:
            for name in ("outcome", "summary", "basis_text"):
                del self.fields[name]

    def draft(self):
        if "outcome" not in self.fields:
            return None
        data = self.cleaned_data
        return {"outcome": data["outcome"], "summary": data["summary"], "basis_text": data["basis_text"]}


class RefuseForm(forms.Form):
    missing = forms.MultipleChoiceField(
        label=_("缺少的材料"), choices=Material.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    reason = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)


class AssignForm(forms.Form):
    reviewer = forms.CharField(label=_("审核人"), max_length=150)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea, max_length=5000)


class ChecklistForm(forms.Form):
    """The six aspects, each a finding and notes, and the opinion (on conclusion)."""

    outcome = forms.ChoiceField(label=_("审核意见"), choices=[("", "—"), *Outcome.choices], required=False)
    opinion = forms.CharField(label=_("审核意见书正文"), widget=forms.Textarea, required=False)
    late_reason = forms.CharField(label=_("逾期说明"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect, label in Aspect.choices:
            self.fields[f"{aspect}_result"] = forms.ChoiceField(
                label=label, choices=[("", "—"), *Finding.choices], required=False
            )
            self.fields[f"{aspect}_notes"] = forms.CharField(
                label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            a: (data[f"{a}_result"], data[f"{a}_notes"]) for a in Aspect.values if data.get(f"{a}_result")
        }

    def aspects(self):
        return [(a, label, self[f"{a}_result"], self[f"{a}_notes"]) for a, label in Aspect.choices]


class HeadDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("决定"), choices=HeadDecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("决定理由"), widget=forms.Textarea, max_length=5000)


class DiscussionForm(forms.Form):
    held_on = forms.DateField(label=_("讨论日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.MultipleChoiceField(label=_("参加人员（本机关）"), required=False)
    other_attendees = forms.CharField(label=_("其他参加人员"), max_length=300, required=False)
    minutes = forms.CharField(label=_("讨论记录"), widget=forms.Textarea)
    outcome = forms.ChoiceField(
        label=_("讨论结论"), choices=DiscussionOutcome.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(u.username, f"{u.display_name}（{u.username}）") for u in people]


class ReviewBodyForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=100)
    leader = forms.ChoiceField(label=_("负责人"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "—"), *[(u.username, u.display_name) for u in reviewers]]


class AppointmentForm(forms.Form):
    user = forms.CharField(label=_("人员用户名"), max_length=150)
    kind = forms.ChoiceField(label=_("类别"), choices=AppointmentKind.choices)
    basis = forms.CharField(label=_("聘任依据"), max_length=200)
    starts_on = forms.DateField(label=_("聘期自"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("聘期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CatalogForm(forms.Form):
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("制定依据"), max_length=200)
    note = forms.CharField(label=_("修订说明"), widget=forms.Textarea, required=False)


class CriterionForm(forms.Form):
    code = forms.CharField(label=_("代码"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—"), *CriterionKind.choices], required=False)
    description = forms.CharField(label=_("情形"), max_length=300, required=False)
    party_kind = forms.ChoiceField(
        label=_("当事人类型"), choices=[("", "—"), *PartyKind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("金额标准（元，含本数）"), required=False, max_digits=14, decimal_places=2
    )
    values = forms.CharField(label=_("取值（以逗号分隔）"), max_length=500, required=False)
    categories = forms.MultipleChoiceField(
        label=_("适用执法类别"), choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    requires_discussion = forms.BooleanField(label=_("须集体讨论"), required=False)
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
    DELETE = forms.BooleanField(label=_("删除"), required=False)

    def as_criterion(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("code") or data.get("kind")):
            return None
        values = [v.strip() for v in (data.get("values") or "").replace("，", ",").split(",") if v.strip()]
        return {**{k: v for k, v in data.items() if k != "DELETE"}, "values": values}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2)
