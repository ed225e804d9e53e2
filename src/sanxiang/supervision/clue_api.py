"""Staff API for clues, follow-up items, findings and case-file evaluations: list and read in the
user's scope, and the same steps as the pages through the same services (errors carry their code)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.cases.models import Case
from sanxiang.core.errors import InvalidInput, NotFound
from sanxiang.org.models import Agency, User
from sanxiang.supervision.models import Clue, Evaluation, EvaluationItem, Finding, FollowUp
from sanxiang.supervision.services import clues as clue_services
from sanxiang.supervision.services import evaluation as evaluation_services
from sanxiang.supervision.services import findings as finding_services


class ClueSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    transferred_to = serializers.SlugRelatedField(slug_field="code", read_only=True)
    merged_into = serializers.SlugRelatedField(slug_field="number", read_only=True)
    cases = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    officers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    key_tasks = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Clue
        fields = [
            "id", "number", "agency", "channel", "status", "title", "content", "received_on",
            "hotline_order_no", "ack_number", "source_ref", "complainant_kind", "complainant_name",
            "complainant_phone", "cases", "agencies", "officers", "model_code", "owner", "step_due_on",
            "step_rule", "assessment", "decision_reason", "transferred_to", "transfer_count", "is_key",
            "merged_into", "result", "reply_text", "replied_at", "closed_at", "version", "key_tasks",
        ]  # fmt: skip


class FollowUpSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assignee_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    clue = serializers.SlugRelatedField(slug_field="number", read_only=True)
    finding = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "number", "agency", "kind", "title", "status", "clue", "finding", "evaluation", "owner",
            "assignee_agency", "due_on", "instruction", "response", "responded_at", "closing_note",
            "closed_at", "version",
        ]  # fmt: skip


class FindingSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supervising_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    clue = serializers.SlugRelatedField(slug_field="number", read_only=True)
    officer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    amendments = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id", "number", "kind", "agency", "supervising_agency", "officer", "case", "clue", "title",
            "description", "severity", "evidence", "rule_code", "rule_citation", "detector", "status",
            "found_on", "version", "amendments",
        ]  # fmt: skip

    def get_amendments(self, finding) -> list[dict]:
        return [
            {"seq": a.seq, "at": a.at, "actor": a.actor.username, "reason": a.reason, "changes": a.changes}
            for a in finding.amendments.select_related("actor")
        ]


class EvaluationItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationItem
        fields = ["rule_code", "title", "severity", "points", "message", "source", "detail"]


class EvaluationSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = EvaluationItemSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id", "case", "agency", "ruleset_version", "trigger", "run_at", "auto_score", "vetoed",
            "manual_score", "manual_comment", "rectification_required", "is_current", "items",
        ]  # fmt: skip


def _data(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


def _pick(model, user, field: str, value, *, restrict: bool = True):
    if value in (None, ""):
        return None
    qs = model.objects.restrict(user) if restrict else model.objects.all()
    obj = qs.filter(**{field: value}).first()
    if obj is None:
        raise InvalidInput("supervision.lookup", _("未找到“%(value)s”。") % {"value": value}, field=field)
    return obj


_CLUE_IN = inline_serializer(
    "ClueRegister",
    {
        "channel": serializers.CharField(),
        "title": serializers.CharField(),
        "content": serializers.CharField(),
        "received_on": serializers.DateField(required=False),
        "hotline_order_no": serializers.CharField(required=False),
        "complainant_name": serializers.CharField(required=False),
        "complainant_phone": serializers.CharField(required=False),
        "agencies": serializers.ListField(child=serializers.CharField(), required=False),
        "cases": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
_STEP = inline_serializer(
    "ClueStep",
    {
        "assessment": serializers.CharField(required=False),
        "decision": serializers.ChoiceField(["dismiss", "transfer", "handle", "escalate"], required=False),
        "reason": serializers.CharField(required=False),
        "transfer_to": serializers.CharField(required=False, help_text="agency code"),
        "result": serializers.CharField(required=False),
        "text": serializers.CharField(required=False),
        "into": serializers.CharField(required=False, help_text="clue number"),
        "owner": serializers.CharField(required=False, help_text="username"),
        "cases": serializers.ListField(child=serializers.CharField(), required=False),
        "key_window_end": serializers.DateField(
            required=False, help_text="escalate: the key task's window end"
        ),
        "listed": serializers.BooleanField(
            required=False, help_text="escalate: list the key task (挂牌督办)"
        ),
    },
)


def _date(value):
    import datetime as dt

    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("supervision.date", _("日期格式应为YYYY-MM-DD。")) from None


class ClueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """问题线索 — clues registered by the agencies in the user's scope."""

    serializer_class = ClueSerializer
    filterset_fields = ["status", "channel", "is_key", "model_code"]
    ordering_fields = ["received_on", "step_due_on", "id"]

    def get_queryset(self):
        return Clue.objects.restrict(self.request.user).prefetch_related(
            "cases", "agencies", "officers", "key_tasks"
        )

    @extend_schema(request=_CLUE_IN, responses=ClueSerializer)
    def create(self, request):
        data, user = _data(request), request.user
        clue = clue_services.register_clue(
            actor=user,
            channel=str(data.get("channel") or ""),
            title=str(data.get("title") or ""),
            content=str(data.get("content") or ""),
            received_on=_date(data.get("received_on")),
            hotline_order_no=str(data.get("hotline_order_no") or ""),
            complainant_name=str(data.get("complainant_name") or ""),
            complainant_phone=str(data.get("complainant_phone") or ""),
            agencies=[_pick(Agency, user, "code", c, restrict=False) for c in data.get("agencies") or []],
            cases=[_pick(Case, user, "number", n) for n in data.get("cases") or []],
        )
        return Response(ClueSerializer(clue).data, status=201)

    def _step(self, fn):
        clue = fn(self.get_object(), _data(self.request), self.request.user)
        return Response(ClueSerializer(Clue.objects.get(pk=clue.pk)).data)

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        return self._step(
            lambda clue, d, u: clue_services.assess(
                clue,
                actor=u,
                assessment=str(d.get("assessment") or ""),
                decision=str(d.get("decision") or ""),
                reason=str(d.get("reason") or ""),
                transfer_to=_pick(Agency, u, "code", d.get("transfer_to"), restrict=False),
                key_window_end=_date(d.get("key_window_end")),
                key_listed=d.get("listed") in (True, "true", "on", "1"),
            )
        )

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._step(
            lambda clue, d, u: clue_services.assign_owner(
                clue, actor=u, owner=_pick(User, u, "username", d.get("owner")) or _missing("owner")
            )
        )

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(
            lambda clue, d, u: clue_services.close_clue(clue, actor=u, result=str(d.get("result") or ""))
        )

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._step(
            lambda clue, d, u: clue_services.reply(clue, actor=u, text=str(d.get("text") or ""))
        )

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        def run(clue, d, u):
            into = _pick(Clue, u, "number", d.get("into")) or _missing("into")
            clue_services.merge(clue, into=into, actor=u, reason=str(d.get("reason") or ""))
            return clue

        return self._step(run)

    @extend_schema(request=_STEP, responses=ClueSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        return self._step(
            lambda clue, d, u: clue_services.link(
                clue, actor=u, cases=[_pick(Case, u, "number", n) for n in d.get("cases") or []]
            )
        )


def _missing(field: str):
    raise InvalidInput("supervision.missing", _("缺少必填项。"), field=field)


_FU_STEP = inline_serializer(
    "FollowUpStep",
    {
        "assignee_agency": serializers.CharField(required=False),
        "owner": serializers.CharField(required=False),
        "due_on": serializers.DateField(required=False),
        "response": serializers.CharField(required=False),
        "note": serializers.CharField(required=False),
    },
)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """跟进事项 — items the user's agency supervises or must act on."""

    serializer_class = FollowUpSerializer
    filterset_fields = ["status", "kind"]
    ordering_fields = ["due_on", "id"]

    def get_queryset(self):
        return FollowUp.objects.restrict(self.request.user).select_related(
            "agency", "assignee_agency", "owner"
        )

    def _step(self, fn):
        item = fn(self.get_object(), _data(self.request), self.request.user)
        return Response(FollowUpSerializer(item).data)

    @extend_schema(request=_FU_STEP, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._step(
            lambda item, d, u: clue_services.assign_follow_up(
                item,
                actor=u,
                owner=_pick(User, u, "username", d.get("owner"), restrict=False),
                assignee_agency=_pick(Agency, u, "code", d.get("assignee_agency"), restrict=False),
                due_on=_date(d.get("due_on")),
            )
        )

    @extend_schema(request=_FU_STEP, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._step(
            lambda item, d, u: clue_services.respond(item, actor=u, response=str(d.get("response") or ""))
        )

    @extend_schema(request=_FU_STEP, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(
            lambda item, d, u: clue_services.close_follow_up(item, actor=u, note=str(d.get("note") or ""))
        )


_FINDING_IN = inline_serializer(
    "FindingRecord",
    {
        "kind": serializers.CharField(),
        "agency": serializers.CharField(),
        "title": serializers.CharField(),
        "description": serializers.CharField(),
        "evidence": serializers.ListField(child=serializers.DictField()),
        "rule_code": serializers.CharField(),
        "rule_citation": serializers.CharField(required=False),
        "severity": serializers.CharField(required=False),
        "case": serializers.CharField(required=False),
        "clue": serializers.CharField(required=False),
    },
)
_AMEND = inline_serializer(
    "FindingAmend", {"reason": serializers.CharField(), "changes": serializers.DictField()}
)


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """监督问题 — never deleted; amended with a reason."""

    serializer_class = FindingSerializer
    filterset_fields = ["kind", "status", "severity", "detector"]
    ordering_fields = ["found_on", "id"]

    def get_queryset(self):
        return Finding.objects.restrict(self.request.user).select_related("agency", "case", "clue", "officer")

    @extend_schema(request=_FINDING_IN, responses=FindingSerializer)
    def create(self, request):
        d, u = _data(request), request.user
        agency = _pick(Agency, u, "code", d.get("agency")) or _missing("agency")
        finding = finding_services.create_finding(
            actor=u,
            kind=str(d.get("kind") or ""),
            agency=agency,
            title=str(d.get("title") or ""),
            description=str(d.get("description") or ""),
            evidence=d.get("evidence"),
            rule_code=str(d.get("rule_code") or ""),
            rule_citation=str(d.get("rule_citation") or ""),
            severity=str(d.get("severity") or "minor"),
            case=_pick(Case, u, "number", d.get("case")),
            clue=_pick(Clue, u, "number", d.get("clue")),
        )
        return Response(FindingSerializer(finding).data, status=201)

    @extend_schema(request=_AMEND, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        d = _data(request)
        finding = finding_services.amend_finding(
            self.get_object(),
            actor=request.user,
            reason=str(d.get("reason") or ""),
            changes=d.get("changes") or {},
        )
        return Response(FindingSerializer(finding).data)


_SCORE = inline_serializer(
    "EvaluationScore", {"score": serializers.DecimalField(5, 1), "comment": serializers.CharField()}
)
_RECTIFY = inline_serializer(
    "EvaluationRectify",
    {"instruction": serializers.CharField(), "due_on": serializers.DateField(required=False)},
)
_RUN = inline_serializer("EvaluationRun", {"case": serializers.CharField()})


class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """案卷评查 — automatic findings per case, manual scores, rectification."""

    serializer_class = EvaluationSerializer
    filterset_fields = ["is_current", "vetoed", "trigger"]
    ordering_fields = ["run_at", "auto_score", "id"]

    def get_queryset(self):
        return (
            Evaluation.objects.restrict(self.request.user)
            .select_related("case", "agency")
            .prefetch_related("items")
        )

    @extend_schema(request=_RUN, responses=EvaluationSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        case = _pick(Case, request.user, "number", _data(request).get("case"))
        if case is None:
            raise NotFound()
        evaluation = evaluation_services.run_evaluation(case, actor=request.user)
        return Response(EvaluationSerializer(evaluation).data, status=201)

    @extend_schema(request=_SCORE, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        d = _data(request)
        evaluation = evaluation_services.add_manual_score(
            self.get_object(),
            actor=request.user,
            score=d.get("score", ""),
            comment=str(d.get("comment") or ""),
        )
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=_RECTIFY, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        d = _data(request)
        item = evaluation_services.require_rectification(
            self.get_object(),
            actor=request.user,
            instruction=str(d.get("instruction") or ""),
            due_on=_date(d.get("due_on")),
        )
        return Response(FollowUpSerializer(item).data, status=201)


def register_clue_api(router) -> None:
    router.register("clues", ClueViewSet, basename="clue")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("findings", FindingViewSet, basename="finding")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
