"""Staff API for cases. The same services and guards as the UI: a refused transition answers
409 (rule), 422 (input), 403 (role) or 404 (scope) with `{"code", "message"}` and changes nothing."""

from __future__ import annotations

import functools

from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.cases import selectors, services, tally
from sanxiang.cases.choices import CaseSource
from sanxiang.cases.filtersets import CaseFilterSet
from sanxiang.cases.models import Case, CaseEvent, Deadline, Party, Proposal
from sanxiang.cases.signals import case_viewed
from sanxiang.cases.workflow import registry
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core.api import FieldsOnceSerializer, PageOrCursorPagination
from sanxiang.core.errors import InvalidInput, NotFound
from sanxiang.core.paging import KnownCount, names_a_filter
from sanxiang.org import reauth
from sanxiang.org.models import User


class PartySerializer(FieldsOnceSerializer):
    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "name",
            "id_type",
            "id_number",
            "credit_code",
            "legal_representative",
            "address",
            "phone",
        ]


class ProposalSerializer(FieldsOnceSerializer):
    legal_basis = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "version",
            "outcome",
            "penalty_types",
            "fine_amount",
            "confiscation_amount",
            "legal_basis",
            "basis_text",
            "discretion_level",
            "summary",
            "reasons_evidence",
            "reasons_basis",
            "reasons_discretion",
            "fingerprint",
            "created_at",
        ]

    def get_legal_basis(self, proposal) -> list[str]:
        return [a.citation for a in proposal.legal_basis.all()]


class DeadlineSerializer(FieldsOnceSerializer):
    class Meta:
        model = Deadline
        fields = [
            "code",
            "label",
            "rule_code",
            "citation",
            "starts_on",
            "amount",
            "unit",
            "due_on",
            "status",
            "provisional",
            "extensions",
            "met_on",
        ]


class EventSerializer(FieldsOnceSerializer):
    actor = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "transition",
            "label",
            "from_stage",
            "to_stage",
            "step",
            "actor",
            "at",
            "reason",
            "data",
        ]


class CaseSerializer(FieldsOnceSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    item = serializers.SlugRelatedField(read_only=True, slug_field="code")
    handlers = serializers.SlugRelatedField(many=True, read_only=True, slug_field="username")
    party = PartySerializer(read_only=True)
    stage_name = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "agency",
            "procedure",
            "category",
            "item",
            "party",
            "title",
            "facts",
            "place",
            "act_date",
            "source",
            "stage",
            "stage_name",
            "handlers",
            "sensitive",
            "opened_at",
            "filed_on",
            "decided_on",
            "served_on",
            "closed_on",
            "outcome",
            "fine_amount",
            "confiscation_amount",
            "version",
        ]


class CaseDetailSerializer(CaseSerializer):
    proposal = serializers.SerializerMethodField()
    deadlines = DeadlineSerializer(many=True, read_only=True)
    attributes = serializers.JSONField(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "attributes", "proposal", "deadlines"]

    def get_proposal(self, case) -> dict | None:
        proposal = case.current_proposal
        return ProposalSerializer(proposal).data if proposal else None


class PartyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organisation"])
    name = serializers.CharField(max_length=200)
    id_type = serializers.CharField(required=False, allow_blank=True, max_length=30)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18)
    legal_representative = serializers.CharField(required=False, allow_blank=True, max_length=60)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)


class CaseCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    title = serializers.CharField(max_length=200)
    item = serializers.CharField(required=False, allow_blank=True, help_text="enforcement item code")
    party = serializers.IntegerField(required=False, help_text="id of a party registered by this agency")
    party_data = PartyInputSerializer(required=False, help_text="or register a new party")
    handlers = serializers.ListField(child=serializers.CharField(), required=False, help_text="usernames")
    facts = serializers.CharField(required=False, allow_blank=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    act_date = serializers.DateField(required=False, allow_null=True)
    source = serializers.ChoiceField(choices=CaseSource.choices, required=False)
    sensitive = serializers.BooleanField(required=False)


class TransitionRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    data = serializers.DictField(required=False, default=dict)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CasePagination(PageOrCursorPagination):
    cursor_ordering = "-opened_at"
    cursor_orderings = ("opened_at", "number")


def _converter(field):
    """How the list's lean path turns a column value into what `field` would answer: the field's
    own `to_representation` where it formats (dates, times, decimals), the value itself where DRF
    would hand it through unchanged (text, numbers, booleans, choices)."""
    formatted = (serializers.DateTimeField, serializers.DateField, serializers.DecimalField)
    return field.to_representation if isinstance(field, formatted) else None


class CaseRows:
    """The case list without model instances: the page's columns by `values()` (case, agency code,
    item code, party) and the handlers' usernames by one more query, formatted by CaseSerializer's
    own fields. Same body as `CaseSerializer(many=True)` (tests/cases/test_api_list.py compares
    them) at a fraction of the cost: building 50 `Case`, `Agency`, `Party`, `Item` and `User`
    instances and walking DRF's generic field machinery was half the time of a list request."""

    SLUGS = {"agency": "agency__code", "item": "item__code"}

    def __init__(self):
        fields = CaseSerializer().fields
        party_fields = PartySerializer().fields
        plain = [
            (name, self.SLUGS.get(name, name), _converter(fields[name]))
            for name in CaseSerializer.Meta.fields
            if name not in ("party", "handlers", "stage_name")
        ]
        self.as_is = [(name, column) for name, column, _ in plain]
        self.formatted = [(name, column, convert) for name, column, convert in plain if convert]
        self.party = [
            (name, f"party__{name}", _converter(party_fields[name])) for name in PartySerializer.Meta.fields
        ]

    def columns(self) -> list[str]:
        return [*(column for _, column in self.as_is), *(column for _, column, _ in self.party)]

    def page(self, rows: list[dict]) -> list[dict]:
        handlers = selectors.handler_usernames([row["id"] for row in rows])
        stage_names: dict[tuple[str, str], str] = {}  # per request: the names follow the language
        return [self._one(row, handlers, stage_names) for row in rows]

    def _one(self, row: dict, handlers: dict[int, list[str]], stage_names: dict) -> dict:
        out = {name: row[column] for name, column in self.as_is}
        for name, column, convert in self.formatted:
            if row[column] is not None:
                out[name] = convert(row[column])
        if row["party__id"] is None:
            out["party"] = None
        else:
            out["party"] = {
                name: (row[column] if row[column] is None or convert is None else convert(row[column]))
                for name, column, convert in self.party
            }
        out["handlers"] = handlers.get(row["id"], [])
        key = (row["procedure"], row["stage"])
        if key not in stage_names:
            stage_names[key] = str(registry.procedure(key[0]).stage(key[1]).name)
        out["stage_name"] = stage_names[key]
        return {name: out[name] for name in CaseSerializer.Meta.fields}


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


@functools.cache
def _case_rows() -> CaseRows:
    return CaseRows()  # once per process: building the serializer's fields costs ~5 ms


def _if_match_version(request, case: Case) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    try:
        case_id, version = header.strip('W/"').split("-")
        if int(case_id) != case.pk:
            raise ValueError
        return int(version)
    except ValueError:
        raise InvalidInput("case.if_match.invalid", gettext("If-Match 头格式应为 ETag 原值。")) from None


class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    filterset_class = CaseFilterSet
    ordering_fields = ["opened_at", "number", "decided_on"]
    pagination_class = CasePagination

    def get_queryset(self):
        return (
            selectors.cases_visible_to(self.request.user).prefetch_related("handlers").order_by("-opened_at")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return CaseCreateSerializer
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_object(self):
        try:
            return selectors.case_for(self.request.user, pk=int(self.kwargs["pk"]), handlers=True)
        except (ValueError, NotFound):
            raise NotFound("case.not_found", gettext("案件不存在或无权查阅。")) from None

    def list(self, request, *args, **kwargs):
        rows = _case_rows()
        scoped = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        if self.paginator.cursor_query_param in request.query_params:
            # keyset pages count nothing: the page's rows come in one query
            return self.get_paginated_response(
                rows.page(self.paginate_queryset(scoped.values(*rows.columns())))
            )
        # Page numbers: paginate over the keys only, so `COUNT(*)` runs on the scope and filters
        # without the joins the columns need; then read the page's rows by primary key. With no
        # filter the count is the agencies' tallies (cases/tally.py), not a scan of the scope.
        keys = scoped.values("id", "opened_at", "number")
        if not names_a_filter(request.query_params, CaseFilterSet):
            keys = KnownCount(keys, tally.visible_count(request.user))
        page = [key["id"] for key in self.paginate_queryset(keys)]
        by_id = {row["id"]: row for row in Case.objects.filter(pk__in=page).values(*rows.columns())}
        return self.get_paginated_response(rows.page([by_id[pk] for pk in page]))

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        case_viewed.send(
            Case, case=case, user=request.user, door="api", reason=request.query_params.get("reason", "")
        )
        if case.etag in _etags(request.headers.get("If-None-Match", "")):
            # the client's copy is current: answer before serialising (the view is logged above)
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(CaseDetailSerializer(case).data)
        response["ETag"] = case.etag
        return response

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        agency = request.user.agency
        if agency is None:
            raise NotFound()
        item = None
        if data.pop("item", ""):
            item = EnforcementItem.objects.filter(agency=agency, code=body.validated_data["item"]).first()
            if item is None:
                raise InvalidInput(
                    "case.item.unknown", gettext("执法事项不存在或不属于本机关。"), field="item"
                )
        party = None
        if "party" in data:
            party = Party.objects.filter(agency=agency, pk=data.pop("party")).first()
            if party is None:
                raise InvalidInput(
                    "case.party.unknown", gettext("当事人不存在或不属于本机关。"), field="party"
                )
        handlers = []
        for username in data.pop("handlers", []):
            handler = User.objects.filter(agency=agency, username=username).first()
            if handler is None:
                raise InvalidInput(
                    "case.handler.invalid",
                    gettext("“%(username)s”不是本机关执法人员。") % {"username": username},
                    field="handlers",
                )
            handlers.append(handler)
        with transaction.atomic():
            case = services.open_case(
                agency=agency, actor=request.user, item=item, party=party, handlers=handlers, **data
            )
        response = Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)
        response["ETag"] = case.etag
        return response

    @extend_schema(
        methods=["GET"],
        responses={
            200: inline_serializer(
                "TransitionOption",
                {
                    "name": serializers.CharField(),
                    "label": serializers.CharField(),
                    "target": serializers.CharField(),
                    "allowed": serializers.BooleanField(),
                    "reason": serializers.CharField(),
                    "inputs": serializers.ListField(child=serializers.DictField()),
                },
                many=True,
            )
        },
    )
    @extend_schema(
        methods=["POST"],
        request=TransitionRequestSerializer,
        responses={200: CaseDetailSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    @action(detail=True, methods=["get", "post"])
    def transitions(self, request, pk=None):
        case = self.get_object()
        if request.method == "GET":
            return Response([_option(o) for o in services.options(case, request.user)])
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        move = next((t for t in case.definition.transitions if t.name == body.validated_data["name"]), None)
        if move is not None and move.act == "decision":
            reauth.check_api(request)  # a session caller re-authenticates first; tokens are exempt
        case = services.transition(
            case,
            body.validated_data["name"],
            actor=request.user,
            data=body.validated_data["data"],
            reason=body.validated_data["reason"],
            expected_version=_if_match_version(request, case),
        )
        response = Response(CaseDetailSerializer(case).data)
        response["ETag"] = case.etag
        return response

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        case = self.get_object()
        case_viewed.send(
            Case, case=case, user=request.user, door="api", reason=request.query_params.get("reason", "")
        )
        return Response(EventSerializer(case.events.select_related("actor").order_by("seq"), many=True).data)


def _option(option) -> dict:
    move = option.transition
    return {
        "name": move.name,
        "label": move.label,
        "target": move.target or "",
        "allowed": option.allowed,
        "reason": option.reason,
        "inputs": [
            {
                "name": i.name,
                "label": i.label,
                "kind": i.kind,
                "required": i.required,
                "choices": [c for c, _ in i.choices],
            }
            for i in move.inputs
        ],
    }


def register_api(router):
    router.register("cases", CaseViewSet, basename="case")
