"""Admin for publicity is read-only and scoped: every change goes through the services (the desk
and the API), so the admin cannot publish unmasked content or skip a check."""

from django.contrib import admin

from sanxiang.publicity.models import Publication, PublicDecision, PublicOfficer, ServiceWindow


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "agency", "due_on", "first_published_on"]
    list_filter = ["kind", "status"]
    exclude = ["persons"]

    def get_queryset(self, request):
        return Publication.objects.restrict(request.user)


@admin.register(ServiceWindow)
class ServiceWindowAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "location"]

    def get_queryset(self, request):
        return ServiceWindow.objects.restrict(request.user)


@admin.register(PublicDecision)
class PublicDecisionAdmin(ReadOnlyAdmin):
    """What the portal shows — public data, readable by every admin."""

    list_display = ["decision_number", "party_name", "title", "agency_name", "status", "published_on"]
    list_filter = ["status", "category"]
    exclude = ["search_text"]


@admin.register(PublicOfficer)
class PublicOfficerAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "agency_name", "status", "valid_to"]
