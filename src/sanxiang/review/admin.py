"""Admin for legal review is read-only and scoped: every change goes through the services, so the
admin can never pass a review, void one silently, or decide a case past the gate (I1)."""

from django.contrib import admin

from sanxiang.review.models import (
    Appointment,
    CaseFlag,
    Classification,
    CollectiveDiscussion,
    Contest,
    Review,
    ReviewBody,
    ReviewFinding,
)


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.restrict(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FindingInline(admin.TabularInline):
    model = ReviewFinding
    extra = 0
    can_delete = False
    readonly_fields = ["aspect", "result", "notes"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "round", "state", "outcome", "passed", "reviewer", "due_on"]
    list_filter = ["state", "outcome", "passed"]
    search_fields = ["case__number"]
    inlines = [FindingInline]


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "required", "discussion_required", "evaluated_on", "trigger", "created_at"]
    list_filter = ["required", "trigger"]


@admin.register(CaseFlag)
class CaseFlagAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "code", "set_by", "set_at"]


@admin.register(Contest)
class ContestAdmin(ReadOnlyScopedAdmin):
    list_display = ["review", "state", "decision", "raised_at"]


@admin.register(CollectiveDiscussion)
class CollectiveDiscussionAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "purpose", "held_on", "outcome"]


@admin.register(ReviewBody)
class ReviewBodyAdmin(ReadOnlyScopedAdmin):
    list_display = ["agency", "name", "leader"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["agency", "user", "kind", "starts_on", "ends_on"]
