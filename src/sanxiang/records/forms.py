from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.roles import Role
from sanxiang.org.models import User
from sanxiang.records.evidence import acts_of
from sanxiang.records.models import EvidenceType, MediaKind

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("照片、录音、录像或文档；类型按文件内容识别。"))
    title = forms.CharField(label=_("证据名称"), max_length=200)
    evidence_type = forms.ChoiceField(label=_("证据种类"), choices=EvidenceType.choices)
    media_kind = forms.ChoiceField(
        label=_("文件类型"), choices=[c for c in MediaKind.choices if c[0] != MediaKind.OTHER]
    )
    act = forms.ChoiceField(
        label=_("所属执法行为"),
        required=False,
        help_text=_("须全程音像记录的执法活动（如查封扣押、强制拆除），办理前须上传对应的录像。"),
    )
    event = forms.ChoiceField(label=_("关联已办理的环节"), required=False)
    captured_at = forms.DateTimeField(label=_("采集/开始时间"), required=False, widget=_DT)
    captured_until = forms.DateTimeField(label=_("结束时间"), required=False, widget=_DT)
    place = forms.CharField(label=_("采集地点"), max_length=200, required=False)
    device_number = forms.CharField(
        label=_("执法记录仪编号"), max_length=60, required=False, help_text=_("执法记录仪拍摄的须填写。")
    )
    captured_by = forms.ChoiceField(label=_("采集/佩戴人员"), required=False)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sha256 = forms.CharField(
        label=_("SHA-256（可选）"),
        required=False,
        max_length=64,
        help_text=_("设备导出的校验值；与收到的文件不一致时拒收（防止上传不完整）。"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["act"].choices = [("", "—")] + [(code, _(label)) for code, label in acts_of(case).items()]
        self.fields["event"].choices = [("", "—")] + [
            (str(e.seq), f"#{e.seq} {_(e.label)} {e.at:%Y-%m-%d}") for e in case.events.order_by("seq")
        ]
        officers = User.objects.filter(agency=case.agency, groups__name=Role.OFFICER, is_active=True)
        self.fields["captured_by"].choices = [("", "—")] + [
            (u.username, f"{u.display_name}（{u.username}）") for u in officers
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        upload = data["file"]
        return {
            "source": upload,
            "filename": upload.name,
            "title": data["title"],
            "evidence_type": data["evidence_type"],
            "media_kind": data["media_kind"],
            "act": data["act"],
            "event": int(data["event"]) if data["event"] else None,
            "captured_at": data["captured_at"],
            "captured_until": data["captured_until"],
            "place": data["place"],
            "device_number": data["device_number"],
            "captured_by": data["captured_by"] or None,
            "description": data["description"],
            "expected_sha256": data["sha256"],
        }


class SupersedeForm(forms.Form):
    reason = forms.CharField(
        label=_("替换或撤回理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("替换文件（可选）"), required=False, help_text=_("不上传则为撤回。"))
    title = forms.CharField(label=_("替换证据名称"), max_length=200, required=False)


class AccessRequestForm(forms.Form):
    reason = forms.CharField(label=_("调阅理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("调阅理由"), max_length=500)
