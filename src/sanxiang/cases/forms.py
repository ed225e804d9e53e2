"""Forms of the staff UI. Validation of domain rules stays in the services; forms only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.choices import CaseSource, IdType
from sanxiang.cases.models import Party
from sanxiang.cases.workflow import Input, registry
from sanxiang.catalog.choices import PartyKind
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core.roles import Role
from sanxiang.org.models import User


class OpenCaseForm(forms.Form):
    procedure = forms.ChoiceField(label=_("执法程序"))
    title = forms.CharField(label=_("案由"), max_length=200)
    item = forms.ModelChoiceField(
        label=_("执法事项"), queryset=EnforcementItem.objects.none(), required=False
    )
    source = forms.ChoiceField(label=_("案件来源"), choices=CaseSource.choices)
    facts = forms.CharField(label=_("案情"), widget=forms.Textarea, required=False)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    act_date = forms.DateField(
        label=_("行为发生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    handlers = forms.ModelMultipleChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False)
    sensitive = forms.BooleanField(label=_("敏感案件（调阅须审批）"), required=False)
    existing_party = forms.ModelChoiceField(
        label=_("已登记当事人"), queryset=Party.objects.none(), required=False
    )
    party_kind = forms.ChoiceField(
        label=_("当事人类型"), choices=[("", "—"), *PartyKind.choices], required=False
    )
    party_name = forms.CharField(label=_("当事人名称/姓名"), max_length=200, required=False)
    party_id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, required=False)
    party_id_number = forms.CharField(label=_("身份证件号码"), max_length=40, required=False)
    party_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    party_legal_representative = forms.CharField(label=_("法定代表人/负责人"), max_length=60, required=False)
    party_address = forms.CharField(label=_("住所/地址"), max_length=200, required=False)
    party_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [(p.code, _(p.name)) for p in registry.procedures()]
        self.fields["item"].queryset = EnforcementItem.objects.filter(agency=user.agency)
        self.fields["handlers"].queryset = User.objects.filter(agency=user.agency, groups__name=Role.OFFICER)
        self.fields["existing_party"].queryset = Party.objects.filter(agency=user.agency).order_by(
            "-created_at"
        )

    def party_data(self) -> dict | None:
        data = self.cleaned_data
        if data.get("existing_party") or not data.get("party_kind"):
            return None
        fields = {
            "kind": data["party_kind"],
            "name": data["party_name"],
            "address": data["party_address"],
            "phone": data["party_phone"],
        }
        if data["party_kind"] == PartyKind.PERSON:
            fields.update(id_type=data["party_id_type"] or "resident_id", id_number=data["party_id_number"])
        else:
            fields.update(
                credit_code=data["party_credit_code"], legal_representative=data["party_legal_representative"]
            )
        return fields


def raw_inputs(inputs: tuple[Input, ...], post) -> dict:
    """The submitted values of a transition's inputs, unparsed: the service validates them."""
    raw = {}
    for spec in inputs:
        if spec.kind in {"multichoice", "officers", "articles"}:
            values = post.getlist(spec.name)
            if values:
                raw[spec.name] = values
        elif spec.kind == "bool":
            raw[spec.name] = spec.name in post
        elif post.get(spec.name, "") != "":
            raw[spec.name] = post.get(spec.name)
    return raw
