"""Staff API of the record: evidence (upload, metadata, content with ranges, supersede), the
entries of a case with inclusion proofs, checkpoints and consistency proofs, access requests and
the access log, and dossiers. Reads are logged (I7) exactly as in the web UI."""

from __future__ import annotations

import json

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases import selectors as case_selectors
from sanxiang.core.errors import Forbidden, InvalidInput, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.core.roles import Role
from sanxiang.org import reauth
from sanxiang.records import access, checkpoints, dossier, log, media, services
from sanxiang.records.evidence import add_evidence, supersede_evidence
from sanxiang.records.models import AccessRequest, Checkpoint, Entry, Evidence, EvidenceType, MediaKind
from sanxiang.records.sections import access_log_reader
from sanxiang.records.selectors import access_log, evidence_for


def _case(request, number: str):
    if not number:
        raise InvalidInput("records.case_required", _("请用 ?case=案件编号 指定案件。"), field="case")
    return case_selectors.case_for(request.user, number=number)


class EvidenceSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(read_only=True, slug_field="number")
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    media_type = serializers.CharField(source="blob.media_type", read_only=True)
    entry = serializers.IntegerField(source="entry.seq", read_only=True)
    event = serializers.SerializerMethodField()
    captured_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    uploaded_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    superseded = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "case",
            "title",
            "description",
            "evidence_type",
            "media_kind",
            "original_name",
            "act",
            "event",
            "step",
            "captured_at",
            "captured_until",
            "place",
            "device_number",
            "captured_by",
            "uploaded_by",
            "uploaded_at",
            "sha256",
            "size",
            "media_type",
            "entry",
            "superseded",
        ]

    def get_event(self, item) -> int | None:
        return item.event.seq if item.event_id else None

    def get_superseded(self, item) -> dict | None:
        found = getattr(item, "supersession", None)
        if found is None:
            return None
        return {"reason": found.reason, "replacement": found.replacement_id, "entry": found.entry.seq}


class EvidenceUploadSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="case number")
    file = serializers.FileField()
    title = serializers.CharField(max_length=200)
    evidence_type = serializers.ChoiceField(choices=EvidenceType.choices)
    media_kind = serializers.ChoiceField(choices=[c for c in MediaKind.choices if c[0] != MediaKind.OTHER])
    act = serializers.CharField(required=False, allow_blank=True, default="")
    event = serializers.IntegerField(required=False, allow_null=True, help_text="seq of a case event")
    captured_at = serializers.DateTimeField(required=False, allow_null=True)
    captured_until = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, default="")
    device_number = serializers.CharField(required=False, allow_blank=True, default="")
    captured_by = serializers.CharField(required=False, allow_blank=True, default="", help_text="username")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    sha256 = serializers.CharField(required=False, allow_blank=True, default="", help_text="expected SHA-256")


class SupersedeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    file = serializers.FileField(required=False)
    title = serializers.CharField(required=False, max_length=200)


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`GET ?case=NUMBER` lists a case's evidence (a logged read of the case); `GET {id}` is a
    logged read of the item; `GET {id}/content/` its bytes (Range supported; logged once per read);
    `POST` (multipart) uploads; `POST {id}/supersede/` sets it aside with a reason."""

    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return Evidence.objects.restrict(self.request.user).select_related(
            "case", "blob", "entry", "event", "captured_by", "uploaded_by", "supersession"
        )

    def list(self, request, *args, **kwargs):
        case = _case(request, request.query_params.get("case", ""))
        access.open_case(
            request.user,
            case,
            door="api",
            reason=request.query_params.get("reason", ""),
            what="evidence_list",
        )
        items = self.get_queryset().filter(case=case).order_by("uploaded_at", "pk")
        page = self.paginate_queryset(items)
        return self.get_paginated_response(EvidenceSerializer(page, many=True).data)

    def get_object(self):
        try:
            return evidence_for(self.request.user, int(self.kwargs["pk"]))
        except ValueError:
            raise NotFound("evidence.not_found", _("证据不存在或无权查阅。")) from None

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        access.open_evidence(request.user, item, door="api", reason=request.query_params.get("reason", ""))
        return Response(EvidenceSerializer(item).data)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = _case(request, data.pop("case"))
        upload = data.pop("file")
        item = add_evidence(
            case=case,
            actor=request.user,
            source=upload,
            filename=upload.name,
            expected_sha256=data.pop("sha256"),
            captured_by=data.pop("captured_by") or None,
            **data,
        )
        return Response(EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Range", str, OpenApiParameter.HEADER, required=False)],
    )
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        item = self.get_object()
        reason = request.query_params.get("reason", "")
        if media.starts_a_read(request):
            access.open_evidence(request.user, item, door="api", reason=reason, what="download")
        elif not access.may_read(request.user, item.case, reason):
            raise NotFound("evidence.not_found", _("证据不存在或无权查阅。"))
        return media.serve(request, item.blob, filename=item.original_name, attachment=True)

    @extend_schema(request={"multipart/form-data": SupersedeSerializer}, responses={200: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def supersede(self, request, pk=None):
        item = self.get_object()
        body = SupersedeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replacement = None
        if body.validated_data.get("file"):
            upload = body.validated_data["file"]
            replacement = {
                "source": upload,
                "filename": upload.name,
                "title": body.validated_data.get("title") or item.title,
            }
        new = supersede_evidence(
            item, actor=request.user, reason=body.validated_data["reason"], replacement=replacement
        )
        item = evidence_for(request.user, item.pk)
        return Response(
            {
                "superseded": EvidenceSerializer(item).data,
                "replacement": EvidenceSerializer(new).data if new else None,
            }
        )


class EntrySerializer(serializers.ModelSerializer):
    body = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["seq", "stream", "stream_seq", "kind", "step", "at", "hash", "prev_hash", "body"]

    def get_body(self, entry) -> dict:
        return json.loads(entry.body)


class NoteSerializer(serializers.Serializer):
    case = serializers.CharField()
    text = serializers.CharField(max_length=5000)
    corrects = serializers.IntegerField(
        required=False, allow_null=True, help_text="seq of the entry corrected"
    )


class EntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The record of one case: `GET ?case=NUMBER` (a logged read). Each entry's `body` is the
    exact canonical JSON that is hashed; `GET {seq}/proof/?size=N` is its inclusion proof;
    `POST` adds a note, or a correction of an entry (`corrects`)."""

    @extend_schema(request=NoteSerializer, responses={201: EntrySerializer})
    def create(self, request, *args, **kwargs):
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = _case(request, body.validated_data["case"])
        entry = services.add_note(
            case,
            actor=request.user,
            text=body.validated_data["text"],
            corrects_seq=body.validated_data.get("corrects"),
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    serializer_class = EntrySerializer
    lookup_field = "seq"

    def get_queryset(self):
        return Entry.objects.restrict(self.request.user).order_by("seq")

    def list(self, request, *args, **kwargs):
        case = _case(request, request.query_params.get("case", ""))
        access.open_case(
            request.user, case, door="api", reason=request.query_params.get("reason", ""), what="record"
        )
        page = self.paginate_queryset(self.get_queryset().filter(case=case))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("size", int, required=False)], responses={200: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["get"])
    def proof(self, request, seq=None):
        entry = self.get_queryset().filter(seq=parse_int(seq, 0)).first()
        if entry is None:
            raise NotFound("records.entry.not_found", _("条目不存在或无权查阅。"))
        latest = checkpoints.latest()
        raw = request.query_params.get("size", "")
        size = parse_int(raw)
        if size is None:
            size = latest.size if latest and latest.size >= entry.seq else 0
        if size < entry.seq:
            raise InvalidInput(
                "records.proof.not_yet", _("该条目尚未被签名检查点覆盖，请稍后或先生成检查点。"), field="size"
            )
        path = log.inclusion_proof(entry.seq, size)
        point = Checkpoint.objects.filter(size=size).first()
        return Response(
            {
                "seq": entry.seq,
                "leaf_index": entry.seq - 1,
                "leaf_hash": entry.hash,
                "tree_size": size,
                "checkpoint": point.number if point else None,
                "root_hash": point.root if point else log.root_at(size).hex(),
                "path": [h.hex() for h in path],
            }
        )


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["number", "size", "root", "at", "key_id", "note"]


class CheckpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Signed checkpoints; `POST` signs one now (heads, supervisors, admins);
    `GET consistency/?first=&second=` proves the later tree extends the earlier."""

    serializer_class = CheckpointSerializer
    queryset = Checkpoint.objects.order_by("-number")
    lookup_field = "number"

    @extend_schema(request=None, responses={201: CheckpointSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.roles & {Role.HEAD, Role.SUPERVISOR, Role.ADMIN}:
            raise Forbidden("records.checkpoint.forbidden", _("只有负责人、监督人员或管理员可以生成检查点。"))
        point = checkpoints.make_checkpoint()
        if point is None:
            raise InvalidInput("records.checkpoint.empty", _("记录为空，无需签名。"))
        return Response(CheckpointSerializer(point).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("first", int), OpenApiParameter("second", int)],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def consistency(self, request):
        first = parse_int(request.query_params.get("first"))
        second = parse_int(request.query_params.get("second"))
        if first is None or second is None:
            raise InvalidInput("records.proof.parameter", _("参数 first、second 须为正整数。"), field="first")
        proof = log.consistency_proof(first, second)
        return Response(
            {
                "first": first,
                "second": second,
                "first_root": log.root_at(first).hex(),
                "second_root": log.root_at(second).hex(),
                "proof": [h.hex() for h in proof],
            }
        )


class AccessRequestSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(read_only=True, slug_field="number")
    requester = serializers.SlugRelatedField(read_only=True, slug_field="username")
    decided_by = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "case",
            "requester",
            "reason",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "valid_until",
        ]


class AccessRequestCreateSerializer(serializers.Serializer):
    case = serializers.CharField()
    reason = serializers.CharField(max_length=500)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class AccessRequestViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """My requests to read sensitive cases, and those I may decide (heads)."""

    serializer_class = AccessRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AccessRequest.objects.none()
        user = self.request.user
        mine = AccessRequest.objects.filter(requester=user)
        return (mine | access.pending_for(user)).select_related("case", "requester", "decided_by").distinct()

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request, *args, **kwargs):
        body = AccessRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = _case(request, body.validated_data["case"])
        created = access.request_access(request.user, case, reason=body.validated_data["reason"])
        return Response(AccessRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        found = AccessRequest.objects.restrict(request.user).filter(pk=pk).select_related("case").first()
        if found is None:
            raise NotFound()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = access.decide_request(
            found,
            actor=request.user,
            approve=body.validated_data["approve"],
            note=body.validated_data["note"],
        )
        return Response(AccessRequestSerializer(decided).data)


class AccessLogView(APIView):
    """Access entries in scope (supervisors: their division subtree; heads: their agency), with
    `?case=`, `?user=`, `?since=`/`?until=` and `?unusual=denied|bulk|off_hours`."""

    @extend_schema(
        parameters=[
            OpenApiParameter(n, str, required=False) for n in ("case", "user", "since", "until", "unusual")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if not access_log_reader(request.user):
            raise NotFound()
        result = access_log(request.user, request.query_params)
        entries = list(result.entries[:500])
        return Response(
            [
                {
                    "seq": row["entry"].seq,
                    "kind": row["entry"].kind,
                    "case": row["entry"].case.number if row["entry"].case else None,
                    "user": row["entry"].actor.username if row["entry"].actor else None,
                    "at": row["entry"].at,
                    "off_hours": row["off_hours"],
                    **{
                        k: row["payload"].get(k)
                        for k in ("what", "door", "reason", "object", "why", "user_agency")
                    },
                }
                for row in result.rows(entries)
            ]
        )


class DossierView(APIView):
    """`GET /api/records/dossiers/{case number}/` — the dossier ZIP (a logged read)."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, number: str):
        case = case_selectors.case_for(request.user, number=number)
        reauth.check_api(request)
        path = dossier.export_for(
            request.user, case, door="api", reason=request.query_params.get("reason", "")
        )
        return FileResponse(
            dossier.open_and_unlink(path), as_attachment=True, filename=f"{case.number}-dossier.zip"
        )


def register_api(router):
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("records/entries", EntryViewSet, basename="record-entry")
    router.register("records/checkpoints", CheckpointViewSet, basename="record-checkpoint")
    router.register("records/access-requests", AccessRequestViewSet, basename="access-request")


def _extra_urls():
    from django.urls import path

    return [
        path("records/access-log/", AccessLogView.as_view(), name="access-log"),
        path("records/dossiers/<str:number>/", DossierView.as_view(), name="dossier"),
    ]


extra_urls = _extra_urls()
