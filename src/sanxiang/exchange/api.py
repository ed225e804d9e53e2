"""Exchange API: outbox messages and their delivery state, dead letters (retry/skip), replay,
received messages, import runs — and the signed inbox other instances push to.

Reading needs the admin or supervisor role (or a system token with `exchange:read`); retry, skip
and replay need the admin role, checked by the services."""

from __future__ import annotations

import django_filters
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.exchange import inbox, selectors, services
from sanxiang.exchange.models import (
    Delivery,
    DeliveryStatus,
    Endpoint,
    ImportRun,
    OutboxMessage,
    ReceivedMessage,
)


class DeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.SlugRelatedField(read_only=True, slug_field="name")
    seq = serializers.IntegerField(source="message_id", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "seq",
            "endpoint",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "last_status",
            "last_error",
            "note",
        ]


class MessageSerializer(serializers.ModelSerializer):
    seq = serializers.IntegerField(source="id", read_only=True)
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = OutboxMessage
        fields = ["seq", "message_id", "topic", "key", "key_seq", "agency", "created_at", "deliveries"]


class MessageDetailSerializer(MessageSerializer):
    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "payload"]


class MessageFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=DeliveryStatus.choices, field_name="deliveries__status", distinct=True, label="投递状态"
    )
    endpoint = django_filters.CharFilter(field_name="deliveries__endpoint__name", distinct=True, label="端点")
    topic = django_filters.CharFilter(label="主题")
    key = django_filters.CharFilter(label="顺序键")
    since_seq = django_filters.NumberFilter(field_name="id", lookup_expr="gte", label="起始序号")
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label="起始时间")

    class Meta:
        model = OutboxMessage
        fields = ["status", "endpoint", "topic", "key", "since_seq", "since"]


class MessageViewSet(viewsets.ReadOnlyModelViewSet):
    scope_area = "exchange"
    filterset_class = MessageFilterSet
    ordering_fields = ["id", "created_at", "key_seq"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            selectors.messages_visible_to(self.request.user)
            .select_related("agency")
            .prefetch_related("deliveries__endpoint")
            .order_by("id")
        )

    def get_serializer_class(self):
        return MessageDetailSerializer if self.action == "retrieve" else MessageSerializer


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class DeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    endpoint = django_filters.CharFilter(field_name="endpoint__name")
    key = django_filters.CharFilter(field_name="message__key")

    class Meta:
        model = Delivery
        fields = ["status", "endpoint", "key"]


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Delivery state per message and endpoint; `?status=dead` is the dead-letter queue."""

    scope_area = "exchange"
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    ordering_fields = ["id", "next_attempt_at", "last_attempt_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.deliveries_visible_to(self.request.user).order_by("id")

    @extend_schema(request=ReasonSerializer, responses={200: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.retry_delivery(
            self.get_object(), actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(DeliverySerializer(done).data)

    @extend_schema(request=ReasonSerializer, responses={200: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.skip_delivery(
            self.get_object(), actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(DeliverySerializer(done).data)


class EndpointSerializer(serializers.ModelSerializer):
    backlog = serializers.IntegerField(read_only=True)
    dead = serializers.IntegerField(read_only=True)

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "topics",
            "active",
            "batch_size",
            "max_attempts",
            "backlog",
            "dead",
        ]


class ReplaySerializer(serializers.Serializer):
    from_seq = serializers.IntegerField(required=False, min_value=1)
    from_time = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class EndpointViewSet(viewsets.ReadOnlyModelViewSet):
    """Configured endpoints (edited in the admin site) with their backlog and dead letters."""

    scope_area = "exchange"
    serializer_class = EndpointSerializer
    ordering_fields = ["name"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        from django.db.models import Count, Q

        return (
            selectors.endpoints_visible_to(self.request.user)
            .annotate(
                backlog=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
                dead=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD)),
            )
            .order_by("name")
        )

    @extend_schema(
        request=ReplaySerializer,
        responses={200: inline_serializer("ReplayResult", {"messages": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        body = ReplaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.replay(self.get_object(), actor=request.user, **body.validated_data)
        return Response({"messages": count})


class ReceivedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceivedMessage
        fields = [
            "id",
            "message_id",
            "source",
            "topic",
            "key",
            "key_seq",
            "sent_at",
            "received_at",
            "payload",
        ]


class ReceivedViewSet(viewsets.ReadOnlyModelViewSet):
    scope_area = "exchange"
    serializer_class = ReceivedSerializer
    filterset_fields = ["source", "topic", "key"]
    ordering_fields = ["id", "received_at", "key_seq"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.received_visible_to(self.request.user).order_by("-id")


class ImportRunSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "fmt",
            "filename",
            "sha256",
            "size",
            "dry_run",
            "status",
            "rows",
            "counts",
            "error_count",
            "errors",
            "actor",
            "started_at",
            "finished_at",
            "entry_seq",
        ]


class ImportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    scope_area = "exchange"
    serializer_class = ImportRunSerializer
    filterset_fields = ["kind", "status", "dry_run"]
    ordering_fields = ["started_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.imports_visible_to(self.request.user).select_related("actor")


class EnvelopeSerializer(serializers.Serializer):
    """One message (format v1); a batch is `{"v": 1, "messages": [...]}`."""

    v = serializers.IntegerField()
    id = serializers.UUIDField()
    seq = serializers.IntegerField(required=False)
    topic = serializers.CharField()
    key = serializers.CharField()
    key_seq = serializers.IntegerField(min_value=1)
    at = serializers.DateTimeField(required=False)
    source = serializers.CharField(required=False)
    payload = serializers.DictField()


class InboxView(APIView):
    """Receive messages from another instance. Authenticated by the HMAC signature of the body
    (headers X-Sanxiang-Source / -Timestamp / -Signature), not by a session or token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=EnvelopeSerializer,
        responses={
            200: inline_serializer(
                "InboxResult",
                {
                    "accepted": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(),
                    "received": serializers.IntegerField(),
                },
            ),
            403: OpenApiResponse(description="未登记的来源或签名无效"),
            422: OpenApiResponse(description="消息格式错误"),
        },
        auth=[],
        operation_id="exchange_inbox_receive",
    )
    def post(self, request):
        return Response(inbox.receive(request.body, request.headers))


def register_api(router):
    router.register("exchange/messages", MessageViewSet, basename="exchange-message")
    router.register("exchange/deliveries", DeliveryViewSet, basename="exchange-delivery")
    router.register("exchange/endpoints", EndpointViewSet, basename="exchange-endpoint")
    router.register("exchange/received", ReceivedViewSet, basename="exchange-received")
    router.register("exchange/imports", ImportRunViewSet, basename="exchange-import")


extra_urls = [path("exchange/inbox/", InboxView.as_view(), name="exchange-inbox")]
