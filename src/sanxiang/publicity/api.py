"""Staff API of the publicity desk: list and read publications in scope, and the same steps as the
desk — edit, check, publish, withhold, withdraw, revise — through the same services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.core.errors import InvalidInput
from sanxiang.org import reauth
from sanxiang.publicity import content, selectors, services
from sanxiang.publicity.models import Publication


class PublicationSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    preview = serializers.SerializerMethodField(help_text="脱敏后的公示内容（公众所见）")

    class Meta:
        model = Publication
        fields = [
            "id",
            "agency",
            "kind",
            "case",
            "category",
            "title",
            "status",
            "decided_on",
            "due_on",
            "due_provisional",
            "due_rule",
            "overdue_since",
            "content",
            "withhold_reason",
            "confidentiality_reviewed",
            "check_note",
            "first_published_on",
            "published_version",
            "visible_until",
            "pending_action",
            "action_due_on",
            "action_note",
            "withdrawn_on",
            "public_note",
            "preview",
        ]

    def get_preview(self, pub) -> dict:
        if pub.kind != "decision":
            return {}
        return content.public_body(pub.content, pub.persons, agency=pub.agency)


_STEP = inline_serializer(
    "PublicationStep",
    {
        "confidentiality_reviewed": serializers.BooleanField(required=False),
        "note": serializers.CharField(required=False),
        "reason": serializers.CharField(required=False),
        "changes": serializers.DictField(child=serializers.CharField(), required=False),
    },
)


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """公示信息 — drafts, checks and publications of the agencies in the user's scope."""

    serializer_class = PublicationSerializer
    filterset_fields = ["status", "kind", "category"]
    ordering_fields = ["due_on", "decided_on", "id"]

    def get_queryset(self):
        return selectors.publications_visible_to(self.request.user).order_by("due_on", "pk")

    def _step(self, request, fn):
        pub = self.get_object()
        data = request.data if isinstance(request.data, dict) else {}
        pub = fn(pub, data)
        return Response(PublicationSerializer(pub).data)

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        def run(pub, data):
            changes = data.get("changes")
            if not isinstance(changes, dict):
                raise InvalidInput("publicity.edit.changes", _("请提供要修改的字段。"), field="changes")
            return services.edit(pub, actor=request.user, changes=changes)

        return self._step(request, run)

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self._step(
            request,
            lambda pub, data: services.check(
                pub,
                actor=request.user,
                confidentiality_reviewed=data.get("confidentiality_reviewed") is True,
                note=str(data.get("note") or ""),
            ),
        )

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        reauth.check_api(request)
        return self._step(
            request,
            lambda pub, data: services.publish(pub, actor=request.user, note=str(data.get("note") or "")),
        )

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withhold(self, request, pk=None):
        return self._step(
            request,
            lambda pub, data: services.withhold(
                pub, actor=request.user, reason=str(data.get("reason") or "")
            ),
        )

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(
            request,
            lambda pub, data: services.withdraw(
                pub, actor=request.user, reason=str(data.get("reason") or "")
            ),
        )

    @extend_schema(request=_STEP, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._step(
            request,
            lambda pub, data: services.revise(pub, actor=request.user, reason=str(data.get("reason") or "")),
        )


def register_api(router) -> None:
    router.register("publications", PublicationViewSet, basename="publication")
