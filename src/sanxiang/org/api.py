"""Staff API: agencies and officers, scoped like the UI."""

from rest_framework import serializers, viewsets

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, Certificate, User


class AgencySerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name")
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "division",
            "parent",
            "fields",
            "credit_code",
            "is_justice_bureau",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    status_today = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["number", "fields", "issuer", "valid_from", "valid_to", "status", "status_today"]

    def get_status_today(self, cert) -> str:
        return cert.status_on(clock.today())


class OfficerSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    roles = serializers.SerializerMethodField()
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "agency", "roles", "certificates"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    lookup_field = "code"
    filterset_fields = ["kind", "code"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return (
            Agency.objects.restrict(self.request.user)
            .select_related("division")
            .prefetch_related("fields")
            .order_by("code")
        )


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficerSerializer
    lookup_field = "username"
    filterset_fields = {"agency": ["exact"], "agency__code": ["exact"]}  # ?agency=<id> or ?agency__code=
    ordering_fields = ["username"]

    def get_queryset(self):
        return (
            User.objects.restrict(self.request.user)
            .filter(groups__name=Role.OFFICER, is_active=True)
            .select_related("agency")
            .prefetch_related("certificates__fields", "groups")
            .order_by("username")
        )


def register_api(router):
    router.register("agencies", AgencyViewSet, basename="agency")
    router.register("officers", OfficerViewSet, basename="officer")
