"""简易程序 on site: one act registers the case, decides on the spot (PEN-02/PEN-03), keeps the
photos as evidence and issues the numbered decision document — all or nothing.

The page is phone-sized (360 px): the officer fills it in where the violation is, the party gets
the numbered decision (PDF) at once. Thresholds (200/3,000 yuan, warning or fine only) are the
rule parameters PEN-02 read by the `simple_procedure_limits` guard of `cases`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import services as case_services
from sanxiang.catalog import rules
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput
from sanxiang.core.roles import Role
from sanxiang.documents import services
from sanxiang.documents.models import Document
from sanxiang.org.models import User
from sanxiang.records.models import EvidenceType


@transaction.atomic
def decide_on_site(
    *,
    actor: User,
    item: EnforcementItem,
    partner: User,
    party_data: dict[str, Any],
    place: str,
    facts: str,
    penalty_types: Sequence[str],
    fine_amount: Decimal | None,
    legal_basis: Sequence[int],
    photos: Iterable[services.Upload] = (),
    acted_on: dt.date | None = None,
) -> Document:
    acted_on = acted_on or clock.today()
    if not (place or "").strip():
        raise InvalidInput("documents.onsite.place_required", gettext("请填写处罚地点。"), field="place")
    case = case_services.open_case(
        agency=actor.agency,
        procedure="penalty.simple",
        actor=actor,
        title=f"{item.name}（当场处罚）"[:200],
        item=item,
        party_data=party_data,
        handlers=[actor, partner],
        facts=facts,
        place=place.strip(),
        act_date=acted_on,
    )
    case = case_services.transition(
        case,
        "decide_on_site",
        actor=actor,
        data={
            "acted_on": acted_on.isoformat(),
            "officers": [actor.username, partner.username],
            "outcome": "penalty",
            "penalty_types": list(penalty_types),
            "fine_amount": str(fine_amount) if fine_amount is not None else "",
            "legal_basis": [str(a) for a in legal_basis],
            "summary": facts,
        },
    )
    event = case.events.order_by("-seq").first()
    for i, photo in enumerate(photos, 1):
        from sanxiang.records.evidence import add_evidence

        add_evidence(
            case=case,
            source=photo.source,
            actor=actor,
            title=f"现场照片{i}",
            evidence_type=EvidenceType.AUDIOVISUAL,
            media_kind="photo",
            media_type=photo.media_type,
            original_name=photo.name[:255],
            act="simple_decision",
            step="decision",
            event=event,
            place=case.place,
            captured_by=actor,
        )
    return services.issue(case, "simple_decision", actor=actor, on=acted_on)


# --- the form -------------------------------------------------------------------------------------


class OnSiteForm(forms.Form):
    party_kind = forms.ChoiceField(
        label=_("当事人类型"), choices=[("person", _("自然人")), ("organisation", _("单位"))]
    )
    party_name = forms.CharField(label=_("姓名/名称"), max_length=200)
    party_id = forms.CharField(label=_("身份证号/统一社会信用代码"), max_length=40)
    party_representative = forms.CharField(label=_("法定代表人（单位）"), max_length=60, required=False)
    party_address = forms.CharField(label=_("住所/地址"), max_length=200, required=False)
    item = forms.ModelChoiceField(label=_("执法事项"), queryset=EnforcementItem.objects.none())
    place = forms.CharField(label=_("处罚地点"), max_length=200)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    warning = forms.BooleanField(label=_("警告"), required=False)
    fine_amount = forms.CharField(
        label=_("罚款金额（元）"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    legal_basis = forms.MultipleChoiceField(label=_("法律依据"), choices=[])
    partner = forms.ModelChoiceField(label=_("同行执法人员"), queryset=User.objects.none())

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        items = EnforcementItem.objects.filter(agency=user.agency, category="penalty").order_by("name")
        self.fields["item"].queryset = items
        officers = User.objects.filter(agency=user.agency, groups__name=Role.OFFICER, is_active=True).exclude(
            pk=user.pk
        )
        self.fields["partner"].queryset = officers.distinct()
        self.fields["partner"].label_from_instance = lambda u: u.display_name
        basis = {}
        for item in items.prefetch_related("penalty_basis__law", "legal_basis__law"):
            for article in [*item.penalty_basis.all(), *item.legal_basis.all()]:
                basis[str(article.pk)] = article.citation
        self.fields["legal_basis"].choices = sorted(basis.items(), key=lambda kv: kv[1])
        citizen = rules.param("PEN-02.max_fine_citizen", agency=user.agency)
        organisation = rules.param("PEN-02.max_fine_organisation", agency=user.agency)
        self.fields["fine_amount"].help_text = _(
            "适用简易程序：对公民处%(c)s元以下、对单位处%(o)s元以下罚款或者警告（%(cite)s）。"
        ) % {"c": citizen.value, "o": organisation.value, "cite": citizen.citation}

    def clean_fine_amount(self) -> Decimal | None:
        raw = (self.cleaned_data.get("fine_amount") or "").replace(",", "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("不是有效金额。")) from None
        if not value.is_finite() or value <= 0:
            raise forms.ValidationError(_("不是有效金额。"))
        return value

    def party_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["party_kind"] == "person":
            return {
                "kind": "person",
                "name": d["party_name"],
                "id_number": d["party_id"].strip(),
                "address": d.get("party_address", ""),
            }
        return {
            "kind": "organisation",
            "name": d["party_name"],
            "credit_code": d["party_id"].strip(),
            "legal_representative": d.get("party_representative", ""),
            "address": d.get("party_address", ""),
        }

    def penalty_types(self) -> list[str]:
        types = ["warning"] if self.cleaned_data.get("warning") else []
        if self.cleaned_data.get("fine_amount"):
            types.append("fine")
        return types
