"""Admin for documents. Templates are edited as data: saving a template creates a NEW version (for
the agency chosen, or national) through `services.revise_template`, never changing one already
used. Issued documents, numbers and services are read-only and scoped like every other door."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError
from sanxiang.documents import services
from sanxiang.documents.models import Document, DocumentNumber, DocumentTemplate, ServiceRecord


class TemplateForm(forms.ModelForm):
    sections_json = forms.CharField(
        label=gettext_lazy("正文结构（JSON）"), widget=forms.Textarea(attrs={"rows": 24, "cols": 100})
    )

    class Meta:
        model = DocumentTemplate
        fields = ["agency", "name", "abbreviation", "numbered", "requires_reasons", "active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["sections_json"] = json.dumps(self.instance.sections, ensure_ascii=False, indent=2)

    def clean_sections_json(self):
        try:
            value = json.loads(self.cleaned_data["sections_json"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("JSON 格式错误：%(error)s") % {"error": error}) from None
        return value


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["name", "code", "agency", "version", "numbered", "active", "created_at"]
    list_filter = ["kind", "numbered", "active", "agency"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "kind", "version", "applies", "outcomes", "needs", "serves", "created_by"]

    def has_add_permission(self, request):
        return False  # new types come with the software; agencies adapt existing ones

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        base = DocumentTemplate.objects.get(pk=obj.pk)
        data = form.cleaned_data
        try:
            new = services.revise_template(
                base,
                actor=request.user,
                agency=data["agency"],
                note=data.get("note", ""),
                name=data["name"],
                abbreviation=data["abbreviation"],
                numbered=data["numbered"],
                requires_reasons=data["requires_reasons"],
                active=data["active"],
                sections=data["sections_json"],
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
            obj.pk = base.pk
            return
        obj.pk = new.pk
        messages.success(request, _("已保存为新版本：%(new)s") % {"new": new})

    def save_related(self, request, form, formsets, change):
        return None


class ReadOnlyScoped(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.restrict(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyScoped):
    list_display = ["title", "number", "case", "version", "status", "issued_on"]
    list_filter = ["code", "status"]
    search_fields = ["number__number", "case__number"]


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ReadOnlyScoped):
    list_display = ["number", "code", "year", "serial", "status", "void_reason"]
    list_filter = ["status", "code", "year"]
    search_fields = ["number"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyScoped):
    list_display = ["document", "method", "served_on", "effective_on", "recipient"]
    list_filter = ["method"]
