from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sanxiang.org.models import Agency, Certificate, Division, Field, SecurityEvent, TrainingRecord, User


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["name", "code"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "subject_type",
        "division",
        "is_justice_bureau",
        "vertically_managed",
    ]
    list_filter = [
        "kind",
        "subject_type",
        "is_justice_bureau",
        "is_justice_office",
        "vertically_managed",
        "division",
    ]
    search_fields = ["name", "code"]
    filter_horizontal = ["fields"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "agency", "is_active"]
    list_filter = ["agency", "groups", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Sanxiang",
            {
                "fields": (
                    "full_name",
                    "agency",
                    "phone",
                    "language",
                    "legal_qualification",
                    "is_legal_adviser",
                )
            },
        ),
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are read here; status changes go through the service (with reason and record)."""

    list_display = ["number", "holder", "valid_from", "valid_to", "status"]
    list_filter = ["status"]
    search_fields = ["number", "holder__full_name"]
    readonly_fields = ["status", "status_reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("holder")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "date", "hours", "passed"]
    list_filter = ["kind"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The login audit: read only, for administrators (nobody adds, edits or deletes a row)."""

    list_display = ["at", "kind", "username", "user", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
