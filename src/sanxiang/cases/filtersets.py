"""One filter set for the case list page and the API (NetBox style)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import Case
from sanxiang.cases.workflow import registry
from sanxiang.catalog.choices import Category


def _procedure_choices():
    return [(p.code, p.name) for p in registry.procedures()]


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="search")
    procedure = django_filters.ChoiceFilter(label=_("程序"), choices=_procedure_choices)
    category = django_filters.ChoiceFilter(label=_("执法类别"), choices=Category.choices)
    stage = django_filters.CharFilter(label=_("阶段"))
    mine = django_filters.BooleanFilter(label=_("我承办的"), method="filter_mine")
    overdue = django_filters.BooleanFilter(label=_("有逾期时限"), method="filter_overdue")
    is_open = django_filters.BooleanFilter(label=_("未结案"), field_name="closed_on", lookup_expr="isnull")
    opened_after = django_filters.DateFilter(
        label=_("登记日期起"), field_name="opened_at", lookup_expr="date__gte"
    )
    opened_before = django_filters.DateFilter(
        label=_("登记日期止"), field_name="opened_at", lookup_expr="date__lte"
    )
    agency = django_filters.CharFilter(label=_("机关代码"), field_name="agency__code")

    class Meta:
        model = Case
        fields = ["q", "procedure", "category", "stage", "agency", "mine", "overdue", "is_open"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(party__name__icontains=value)
        )

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value and user is not None:
            return queryset.filter(handlers=user)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(deadlines__status=DeadlineStatus.OVERDUE).distinct()
        return queryset
