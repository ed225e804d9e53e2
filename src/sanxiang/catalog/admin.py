from django.contrib import admin

from sanxiang.catalog import rules
from sanxiang.catalog.models import (
    Article,
    BenchmarkLevel,
    DiscretionBenchmark,
    EnforcementItem,
    Law,
    ReviewCatalog,
    ReviewCriterion,
    RuleParameter,
)


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "version_date", "effective_from", "repealed_on"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["law", "label", "effective_from", "repealed_on"]
    list_filter = ["law"]
    search_fields = ["text"]
    readonly_fields = ["law", "number", "label", "text", "effective_from", "repealed_on", "superseded_by"]


@admin.register(EnforcementItem)
class EnforcementItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "agency", "needs_update"]
    list_filter = ["category", "agency", "needs_update"]
    search_fields = ["code", "name"]
    filter_horizontal = ["legal_basis", "penalty_basis"]


class BenchmarkLevelInline(admin.TabularInline):
    model = BenchmarkLevel
    extra = 0


@admin.register(DiscretionBenchmark)
class DiscretionBenchmarkAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "effective_from", "effective_to", "published_on"]
    inlines = [BenchmarkLevelInline]


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewCatalog)
class ReviewCatalogAdmin(admin.ModelAdmin):
    """Read-only: a catalog changes only by publishing a new version (review app), so its history
    stays whole and the gate always reads the version in force on the decision date."""

    list_display = ["agency", "version", "effective_from", "effective_to"]
    inlines = [ReviewCriterionInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleParameter)
class RuleParameterAdmin(admin.ModelAdmin):
    """Admins add a value (from a date, or for one agency); the seeded rows keep their source."""

    list_display = ["code", "value", "unit", "confidence", "effective_from", "agency", "seeded"]
    list_filter = ["confidence", "seeded", "rule_id"]
    search_fields = ["code", "description", "source"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "rule_id", "unit", "seeded"] if obj and obj.seeded else ["seeded"]

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        if not (obj.source or "").strip():
            obj.source = "管理员调整"
        super().save_model(request, obj, form, change)
        rules.cache.invalidate()
