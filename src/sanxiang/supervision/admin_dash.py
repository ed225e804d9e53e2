"""Admin for the scorecard configuration and the policy tracker's reference data."""

from django.contrib import admin

from sanxiang.supervision.models import AVDevice, PolicyTask, ScorecardIndicator, SupportingRule, TaskReport


@admin.register(ScorecardIndicator)
class ScorecardIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "weight", "target", "direction", "enabled", "order")
    list_editable = ("weight", "target", "enabled")
    readonly_fields = ("code", "updated_at", "updated_by")

    def has_add_permission(self, request):
        return False  # indicators are computed by code; their rows come from data/scorecard.yaml

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PolicyTask)
class PolicyTaskAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "deadline_text", "due_on", "county_due_on", "features")


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = ("agency", "task", "status", "progress", "reported_at", "reported_by")
    list_filter = ("status", "agency")

    def has_change_permission(self, request, obj=None):
        return False  # reports are history: a new report supersedes, nothing is edited

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(admin.ModelAdmin):
    """Entered by agencies on the task tracker pages (services record each entry); read here."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportingRule)
class SupportingRuleAdmin(ReadOnly):
    list_display = ("title", "agency", "doc_number", "adopted_on", "task")
    list_filter = ("agency",)


@admin.register(AVDevice)
class AVDeviceAdmin(ReadOnly):
    list_display = ("number", "agency", "kind", "status", "acquired_on", "keeper")
    list_filter = ("kind", "status", "agency")
