"""Staff API for documents and deadline alerts. The same services and rules as the web pages: a
refusal answers 409 (rule), 422 (input), 403 (role) or 404 (scope) with `{"code", "message"}`."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from sanxiang.cases import deadlines, selectors
from sanxiang.cases.models import DeadlineAlert
from sanxiang.cases.signals import case_viewed
from sanxiang.core.errors import DomainError, InvalidInput, NotFound
from sanxiang.documents import compose, services
from sanxiang.documents import render as renderer
from sanxiang.documents.models import Document, DocumentStatus, ServiceRecord
from sanxiang.org import reauth


class ServiceSerializer(serializers.ModelSerializer):
    proofs = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "method",
            "served_on",
            "effective_on",
            "recipient",
            "place",
            "witnesses",
            "note",
            "proofs",
        ]

    def get_proofs(self, record) -> list[dict]:
        return [{"evidence": e.pk, "title": e.title, "sha256": e.blob.sha256} for e in record.proofs.all()]


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(read_only=True, slug_field="number")
    number = serializers.CharField(source="number_text", read_only=True)
    status = serializers.CharField(read_only=True, help_text="issued | superseded | voided")
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    issued_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    entry = serializers.IntegerField(source="entry.seq", read_only=True, default=None)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "code",
            "title",
            "number",
            "version",
            "status",
            "issued_on",
            "issued_at",
            "issued_by",
            "template_version",
            "sha256",
            "entry",
            "correction_reason",
            "verification_url",
        ]

    def get_verification_url(self, document) -> str:
        return services.verification_url(document)


class DocumentDetailSerializer(DocumentSerializer):
    content = serializers.JSONField(read_only=True)
    services = ServiceSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "content", "services"]


class IssueSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="case number")
    template = serializers.CharField(help_text="template code or Chinese name")
    overrides = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class CorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    overrides = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ServeSerializer(serializers.Serializer):
    method = serializers.CharField()
    served_on = serializers.DateField()
    recipient = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="")
    witnesses = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    proofs = serializers.ListField(child=serializers.FileField(), required=False, default=list)


def _uploads(files) -> list[services.Upload]:
    out = []
    for f in files:
        media_type = getattr(f, "content_type", "") or "application/octet-stream"
        kind = (
            "photo"
            if media_type.startswith("image/")
            else "video"
            if media_type.startswith("video/")
            else "document"
        )
        out.append(services.Upload(f, f.name, media_type, kind))
    return out


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """执法文书: issued versions of a user's agency (supervisors: in scope, read only)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = Document.objects.restrict(self.request.user).select_related(
            "case", "number", "template", "issued_by", "entry"
        )
        case = self.request.query_params.get("case")
        if case:
            qs = qs.filter(case__number=case)
        code = self.request.query_params.get("code")
        if code:
            qs = qs.filter(code=code)
        return qs.order_by("-issued_at")

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def get_object(self):
        try:
            found = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        except ValueError:
            found = None
        if found is None:
            raise NotFound("documents.not_found", _("文书不存在或无权查阅。"))
        return found

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        case_viewed.send(
            type(document.case),
            case=document.case,
            user=request.user,
            door="api",
            reason=request.query_params.get("reason", "查阅文书"),
        )
        return Response(DocumentDetailSerializer(document).data)

    @extend_schema(request=IssueSerializer, responses={201: DocumentDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = selectors.case_for(request.user, number=body.validated_data["case"])
        reauth.check_api(request)
        document = services.issue(
            case,
            body.validated_data["template"],
            actor=request.user,
            overrides=body.validated_data["overrides"],
        )
        return Response(DocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=["pdf", "docx"], required=True)],
        responses={(200, "application/pdf"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request, pk=None):
        document = self.get_object()
        fmt = request.query_params.get("as", "pdf")
        if fmt not in renderer.MEDIA_TYPES:
            raise InvalidInput("documents.format", _("格式应为 pdf 或 docx。"), field="as")
        case_viewed.send(
            type(document.case), case=document.case, user=request.user, door="api", reason="文书下载"
        )
        return HttpResponse(services.render_document(document, fmt), content_type=renderer.MEDIA_TYPES[fmt])

    @extend_schema(request=CorrectSerializer, responses={201: DocumentDetailSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        document = self.get_object()  # scope first: out of scope is 404 whatever the body
        body = CorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = services.correct(document, actor=request.user, **body.validated_data)
        return Response(DocumentDetailSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoidSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"], url_path="void-number")
    def void_number(self, request, pk=None):
        document = self.get_object()  # scope first
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if document.number is None:
            raise InvalidInput("documents.number.none", _("该文书没有文号。"))
        services.void_number(document.number, actor=request.user, reason=body.validated_data["reason"])
        document.refresh_from_db()
        return Response(DocumentSerializer(document).data)

    @extend_schema(request=ServeSerializer, responses={201: ServiceSerializer})
    @action(detail=True, methods=["post"])
    def services(self, request, pk=None):
        document = self.get_object()  # scope first
        body = ServeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        proofs = _uploads(data.pop("proofs", []))
        record = services.record_service(document, actor=request.user, proofs=proofs, **data)
        return Response(ServiceSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("case", str, required=True),
            OpenApiParameter("template", str, required=False),
        ]
    )
    @action(detail=False, methods=["get"])
    def preview(self, request):
        """Templates that apply to a case, or (with `template`) the composed draft and what blocks issuing."""
        case = selectors.case_for(request.user, number=request.query_params.get("case", ""))
        code = request.query_params.get("template")
        if not code:
            current = {d.code: d for d in Document.objects.filter(case=case, status=DocumentStatus.ISSUED)}
            return Response(
                [
                    {
                        "code": t.code,
                        "name": t.name,
                        "version": t.version,
                        "numbered": t.numbered,
                        "in_stage": case.stage in t.applies.get(case.procedure, []),
                        "issued": current[t.code].pk if t.code in current else None,
                    }
                    for t in compose.templates_for_case(case)
                ]
            )
        composed = services.preview(case, code)
        problem = None
        try:
            services.preview(case, code, check=True)
        except DomainError as refusal:  # report what blocks issuing; the draft is still shown
            problem = refusal.as_dict()
        return Response({"content": composed.content, "sha256": composed.sha256, "problem": problem})


class AlertSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(read_only=True, slug_field="number")
    deadline = serializers.CharField(source="deadline.code", read_only=True)
    rule = serializers.CharField(source="deadline.rule_code", read_only=True)

    class Meta:
        model = DeadlineAlert
        fields = [
            "id",
            "case",
            "deadline",
            "rule",
            "kind",
            "due_on",
            "message",
            "raised_at",
            "acknowledged_at",
        ]


class DeadlineAlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """时限预警 raised by `sanxiang tick` (supervisors see their division's agencies)."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        qs = DeadlineAlert.objects.restrict(self.request.user).select_related("case", "deadline")
        if self.request.query_params.get("open") in ("1", "true"):
            qs = qs.filter(acknowledged_at__isnull=True)
        return qs.order_by("-raised_at")

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_queryset().filter(pk=pk).first()
        if alert is None:
            raise NotFound()
        return Response(AlertSerializer(deadlines.acknowledge(alert, actor=request.user)).data)


def register_api(router) -> None:
    router.register("documents", DocumentViewSet, basename="document")
    router.register("deadline-alerts", DeadlineAlertViewSet, basename="deadline-alert")
