"""Admin for cases is read-only: every change goes through the services (DESIGN.md), so the admin
cannot bypass a guard. Scoped like every other door."""

from django.contrib import admin

from sanxiang.cases.models import Case, CaseEvent, Deadline, Party, Proposal


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return (
            self.model.objects.restrict(request.user)
            if hasattr(self.model.objects, "restrict")
            else super().get_queryset(request).none()
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "title", "procedure", "stage", "agency", "opened_at"]
    list_filter = ["procedure", "category", "stage"]
    search_fields = ["number", "title"]


@admin.register(Party)
class PartyAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "kind", "agency"]
    search_fields = ["name"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "label", "due_on", "status"]
    list_filter = ["status"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "seq", "transition", "actor", "at"]

    def get_queryset(self, request):
        return CaseEvent.objects.filter(case__in=Case.objects.restrict(request.user))


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "version", "outcome", "fine_amount", "superseded"]

    def get_queryset(self, request):
        return Proposal.objects.filter(case__in=Case.objects.restrict(request.user))
