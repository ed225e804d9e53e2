"""Admin for clues, follow-ups, findings and evaluations: read-only and scoped (changes go through
the services so every act is recorded); findings can never be deleted. Evaluation rules are the one
editable table: an admin may switch a rule off or change its points (the source stays)."""

from django.contrib import admin

from sanxiang.supervision.models import (
    Clue,
    Evaluation,
    EvaluationRule,
    Finding,
    FindingAmendment,
    FollowUp,
    InspectionVisit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.objects.restrict(request.user)


@admin.register(Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "channel", "status", "agency", "received_on", "step_due_on"]
    list_filter = ["channel", "status", "is_key"]
    search_fields = ["number", "title", "hotline_order_no"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "kind", "status", "agency", "assignee_agency", "due_on"]
    list_filter = ["kind", "status"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "title", "agency", "severity", "status", "found_on"]
    list_filter = ["kind", "status", "severity"]


@admin.register(FindingAmendment)
class FindingAmendmentAdmin(ReadOnlyAdmin):
    list_display = ["finding", "seq", "actor", "at", "reason"]

    def get_queryset(self, request):
        return FindingAmendment.objects.filter(finding__in=Finding.objects.restrict(request.user))


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["case", "agency", "auto_score", "vetoed", "manual_score", "run_at", "is_current"]
    list_filter = ["vetoed", "trigger", "is_current"]


@admin.register(InspectionVisit)
class InspectionVisitAdmin(ReadOnlyAdmin):
    list_display = ["inspected_on", "party", "agency", "planned", "basis"]
    list_filter = ["planned"]


@admin.register(EvaluationRule)
class EvaluationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title", "tier", "severity", "points", "active", "confidence"]
    list_filter = ["version", "tier", "active"]
    readonly_fields = ["code", "version", "checker", "source", "params", "confidence"]
    fields = [
        "code",
        "version",
        "title",
        "tier",
        "severity",
        "points",
        "active",
        "checker",
        "params",
        "source",
        "confidence",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
