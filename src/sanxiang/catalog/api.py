"""Staff API: enforcement items (scoped), laws and articles, rule parameters (reference data)."""

from rest_framework import serializers, viewsets

from sanxiang.catalog.models import Article, EnforcementItem, RuleParameter


class ArticleSerializer(serializers.ModelSerializer):
    law = serializers.CharField(source="law.name")
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = ["id", "law", "number", "label", "citation", "text", "effective_from", "repealed_on"]


class ItemSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    field = serializers.SlugRelatedField(read_only=True, slug_field="code")
    legal_basis = ArticleSerializer(many=True, read_only=True)
    penalty_basis = ArticleSerializer(many=True, read_only=True)

    class Meta:
        model = EnforcementItem
        fields = [
            "id",
            "code",
            "name",
            "category",
            "agency",
            "field",
            "description",
            "legal_basis",
            "penalty_basis",
            "min_fine",
            "max_fine",
            "random_inspection",
            "needs_update",
            "needs_update_reason",
        ]


class RuleParameterSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = RuleParameter
        fields = [
            "code",
            "rule_id",
            "description",
            "value",
            "unit",
            "source",
            "confidence",
            "scope",
            "effective_from",
            "agency",
        ]


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ItemSerializer
    lookup_field = "code"
    filterset_fields = {"category": ["exact"], "agency__code": ["exact"], "needs_update": ["exact"]}
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return (
            EnforcementItem.objects.restrict(self.request.user)
            .select_related("agency", "field")
            .prefetch_related("legal_basis__law", "penalty_basis__law")
            .order_by("code")
        )


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer
    queryset = Article.objects.select_related("law").order_by("law__name", "number")
    filterset_fields = {"law__name": ["exact"], "number": ["exact"]}


class RuleParameterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RuleParameterSerializer
    queryset = RuleParameter.objects.select_related("agency").order_by("code")
    filterset_fields = {"rule_id": ["exact"], "confidence": ["exact"], "code": ["exact"]}


def register_api(router):
    router.register("items", ItemViewSet, basename="item")
    router.register("articles", ArticleViewSet, basename="article")
    router.register("rule-parameters", RuleParameterViewSet, basename="rule-parameter")
