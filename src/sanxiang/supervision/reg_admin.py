"""Admin for tasks, instruments and templates: read-only and scoped by the supervision graph
(changes go through the services so every act is recorded and pushed); nothing can be deleted."""

from django.contrib import admin

from sanxiang.supervision.models import Instrument, SupervisionTask, TaskTemplate
from sanxiang.supervision.services import selectors


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionTask)
class SupervisionTaskAdmin(_ReadOnly):
    list_display = ["number", "kind", "title", "agency", "status", "due_on"]
    list_filter = ["kind", "status"]

    def get_queryset(self, request):
        return selectors.tasks_visible_to(request.user)


@admin.register(Instrument)
class InstrumentAdmin(_ReadOnly):
    list_display = ["number", "kind", "issuer", "target", "status", "time_limit", "due_on"]
    list_filter = ["kind", "status"]

    def get_queryset(self, request):
        return selectors.instruments_visible_to(request.user)


@admin.register(TaskTemplate)
class TaskTemplateAdmin(_ReadOnly):
    list_display = ["code", "title", "source", "report_due"]
