"""Staff API of legal review: the same services as the screens. A refusal answers 409 (rule),
422 (input), 403 (role) or 404 (scope) with `{"code", "message"}` and changes nothing."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.signals import case_viewed
from sanxiang.catalog.models import ReviewCatalog
from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.org.models import Agency, User
from sanxiang.review import selectors, services
from sanxiang.review.choices import (
    AppointmentKind,
    Aspect,
    DiscussionOutcome,
    Finding,
    Flag,
    HeadDecision,
    Material,
    Outcome,
    State,
)
from sanxiang.review.models import Appointment, Contest, Review

# --- serializers -----------------------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    result = serializers.CharField()
    notes = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(read_only=True, slug_field="number")
    case_id = serializers.IntegerField(read_only=True)
    agency = serializers.CharField(source="case.agency.code", read_only=True)
    proposal_version = serializers.IntegerField(source="proposal.version", read_only=True)
    reviewer = serializers.SlugRelatedField(read_only=True, slug_field="username")
    submitted_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "case",
            "case_id",
            "agency",
            "round",
            "proposal_version",
            "fingerprint",
            "state",
            "outcome",
            "passed",
            "passed_by",
            "submitted_by",
            "submitted_at",
            "materials",
            "evidence_list",
            "missing",
            "refusal_reason",
            "accepted_on",
            "due_on",
            "due_provisional",
            "deadline_citation",
            "extensions",
            "reviewer",
            "assigned_at",
            "opinion",
            "concluded_on",
            "late_reason",
            "voided_at",
            "voided_reason",
            "overdue",
            "findings",
        ]

    def get_findings(self, review) -> list[dict]:
        return [{"aspect": f.aspect, "result": f.result, "notes": f.notes} for f in review.findings.all()]


class ContestSerializer(serializers.ModelSerializer):
    review = serializers.PrimaryKeyRelatedField(read_only=True)
    case = serializers.CharField(source="review.case.number", read_only=True)
    raised_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    decided_by = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = Contest
        fields = [
            "id",
            "review",
            "case",
            "raised_by",
            "raised_at",
            "reasons",
            "state",
            "decided_by",
            "decided_at",
            "decision",
            "decision_reasons",
        ]


class CatalogSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = ReviewCatalog
        fields = ["id", "agency", "version", "effective_from", "effective_to", "source", "note", "criteria"]

    def get_criteria(self, catalog) -> list[dict]:
        return [services.criterion_dict(c) for c in catalog.criteria.all()]


class AppointmentSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(read_only=True, slug_field="code")
    user = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = Appointment
        fields = ["id", "agency", "user", "kind", "basis", "starts_on", "ends_on"]


class FlagInput(serializers.Serializer):
    code = serializers.ChoiceField(choices=Flag.choices)
    reason = serializers.CharField(max_length=5000)


class DraftInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=40)
    summary = serializers.CharField(max_length=20000)
    basis_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class SubmitInput(serializers.Serializer):
    evidence_list = serializers.CharField(max_length=20000, allow_blank=True)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    draft = DraftInput(required=False, help_text="拟作出的决定（仅限无拟处理意见环节的程序）")


class DiscussionInput(serializers.Serializer):
    held_on = serializers.DateField()
    attendees = serializers.ListField(child=serializers.CharField(), help_text="usernames")
    other_attendees = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=20000)
    outcome = serializers.ChoiceField(choices=DiscussionOutcome.choices)
    contest = serializers.IntegerField(required=False)


class RefuseInput(serializers.Serializer):
    missing = serializers.ListField(child=serializers.ChoiceField(choices=Material.choices))
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class AssignInput(serializers.Serializer):
    reviewer = serializers.CharField(help_text="username")


class FindingInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=Finding.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _findings_field():
    return serializers.DictField(
        child=FindingInput(), required=False, help_text=f"keys: {', '.join(Aspect.values)}"
    )


class FindingsInput(serializers.Serializer):
    findings = _findings_field()


class ConcludeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    opinion = serializers.CharField(max_length=20000)
    findings = _findings_field()
    late_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class HeadDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=HeadDecision.choices)
    reasons = serializers.CharField(max_length=5000)


class CriterionInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    kind = serializers.CharField(max_length=30)
    description = serializers.CharField(max_length=300)
    party_kind = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    values = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    categories = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    requires_discussion = serializers.BooleanField(required=False, default=False)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CatalogInput(serializers.Serializer):
    effective_from = serializers.DateField()
    source = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    criteria = CriterionInput(many=True)


class AppointmentInput(serializers.Serializer):
    user = serializers.CharField(help_text="username")
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    basis = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


def _valid(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# --- reviews ---------------------------------------------------------------------------------


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rounds of legal review visible to the user (their agency's, or assigned to them)."""

    serializer_class = ReviewSerializer
    ordering_fields = ["due_on", "submitted_at"]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("mine", bool, description="only reviews assigned to me, by deadline"),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("case", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        query = selectors.reviews_visible_to(self.request.user).prefetch_related("findings")
        params = self.request.query_params
        if params.get("state"):
            query = query.filter(state=params["state"])
        if params.get("mine") in ("1", "true"):
            query = query.filter(reviewer=self.request.user)
        if params.get("overdue") in ("1", "true"):
            query = query.overdue()
        if parse_int(params.get("case")) is not None:
            query = query.filter(case_id=parse_int(params["case"]))
        return (
            query.order_by("due_on", "-submitted_at")
            if params.get("mine")
            else query.order_by("-submitted_at")
        )

    def get_object(self):
        try:
            return selectors.review_for(self.request.user, int(self.kwargs["pk"]))
        except ValueError:
            raise NotFound("review.not_found", _("法制审核不存在或无权查阅。")) from None

    def retrieve(self, request, *args, **kwargs):
        review = self.get_object()
        case_viewed.send(
            type(review.case), case=review.case, user=request.user, door="api", reason="法制审核"
        )
        return Response(ReviewSerializer(review).data)

    def _done(self, review) -> Response:
        return Response(ReviewSerializer(selectors.review_for(self.request.user, review.pk)).data)

    @extend_schema(request=None, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._done(services.accept(self.get_object(), actor=request.user))

    @extend_schema(request=RefuseInput, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        review = self.get_object()  # scope first: out of scope is 404 whatever the body
        data = _valid(RefuseInput, request)
        return self._done(services.refuse(review, actor=request.user, **data))

    @extend_schema(request=AssignInput, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        review = self.get_object()
        data = _valid(AssignInput, request)
        reviewer = User.objects.filter(username=data["reviewer"], is_active=True).first()
        if reviewer is None:
            raise InvalidInput("review.reviewer.unknown", _("未找到该审核人。"), field="reviewer")
        return self._done(services.assign(review, actor=request.user, reviewer=reviewer))

    @extend_schema(request=FindingsInput, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        data = _valid(FindingsInput, request)
        return self._done(
            services.record_findings(
                self.get_object(), actor=request.user, findings=data.get("findings") or {}
            )
        )

    @extend_schema(request=ConcludeInput, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        review = self.get_object()  # scope first
        data = _valid(ConcludeInput, request)
        return self._done(services.conclude(review, actor=request.user, **data))

    @extend_schema(request=ReasonInput, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        review = self.get_object()  # scope first
        data = _valid(ReasonInput, request)
        return self._done(services.extend(review, actor=request.user, reason=data["reason"]))

    @extend_schema(request=ReasonInput, responses={201: ContestSerializer})
    @action(detail=True, methods=["post"])
    def contest(self, request, pk=None):
        review = self.get_object()  # scope first
        data = _valid(ReasonInput, request)
        row = services.contest(review, actor=request.user, reasons=data["reason"])
        return Response(ContestSerializer(row).data, status=201)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["get"])
    def opinion(self, request, pk=None):
        """法制审核意见书 fields (the documents app renders the same dict)."""
        review = self.get_object()
        if not review.concluded_at:
            raise NotFound("review.opinion.not_found", _("尚未出具审核意见。"))
        return Response(selectors.opinion_fields(review))


# --- a case's review -------------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="case id")])
class ReviewCaseViewSet(viewsets.ViewSet):
    """A case's review status (major or not, why, rounds), and the case unit's acts on it."""

    def _case(self, request, pk):
        try:
            return case_selectors.case_for(request.user, pk=int(pk))
        except ValueError:
            raise NotFound("case.not_found", _("案件不存在或无权查阅。")) from None

    @extend_schema(responses={200: dict})
    def retrieve(self, request, pk=None):
        case = self._case(request, pk)
        status = selectors.status_of(case)
        body = status.as_dict()
        body["case"] = case.number
        body["flags"] = list(case.review_flags.values("code", "reason", "set_at", "set_by__username"))
        body["reviews"] = ReviewSerializer(case.reviews.order_by("-round"), many=True).data
        return Response(body)

    @extend_schema(request=FlagInput, responses={200: dict})
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        case = self._case(request, pk)
        services.add_flag(case, actor=request.user, **_valid(FlagInput, request))
        return self.retrieve(request, pk)

    @extend_schema(request=SubmitInput, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        case = self._case(request, pk)
        data = _valid(SubmitInput, request)
        review = services.submit(case, actor=request.user, **data)
        return Response(ReviewSerializer(review).data, status=201)

    @extend_schema(request=DiscussionInput, responses={200: dict})
    @action(detail=True, methods=["post"])
    def discussions(self, request, pk=None):
        case = self._case(request, pk)
        data = _valid(DiscussionInput, request)
        contest = selectors.contest_for(request.user, data.pop("contest")) if data.get("contest") else None
        usernames = data.pop("attendees")
        attendees = list(User.objects.filter(username__in=usernames))
        if len(attendees) != len(set(usernames)):
            raise InvalidInput("review.discussion.attendee", _("参加人员不存在。"), field="attendees")
        services.hold_discussion(case, actor=request.user, attendees=attendees, contest=contest, **data)
        return self.retrieve(request, pk)


# --- contests, catalogs, staffing ------------------------------------------------------------


class ContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ContestSerializer

    def get_queryset(self):
        return (
            Contest.objects.restrict(self.request.user).select_related("review__case").order_by("-raised_at")
        )

    @extend_schema(request=HeadDecisionInput, responses={200: ContestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        contest = selectors.contest_for(request.user, parse_int(pk, 0))
        data = _valid(HeadDecisionInput, request)
        return Response(ContestSerializer(services.decide_contest(contest, actor=request.user, **data)).data)


class CatalogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Versions of review catalogs in scope; POST publishes a new version for the user's agency."""

    serializer_class = CatalogSerializer

    def get_queryset(self):
        query = ReviewCatalog.objects.restrict(self.request.user).select_related("agency")
        if self.request.query_params.get("agency"):
            query = query.filter(agency__code=self.request.query_params["agency"])
        return query.prefetch_related("criteria").order_by("agency__code", "-version")

    @extend_schema(request=CatalogInput, responses={201: CatalogSerializer})
    def create(self, request):
        agency = request.user.agency
        if agency is None:
            raise NotFound()
        data = _valid(CatalogInput, request)
        catalog = services.publish_catalog_version(agency, actor=request.user, **data)
        return Response(CatalogSerializer(catalog).data, status=201)

    @extend_schema(
        parameters=[OpenApiParameter("agency", str, required=True), OpenApiParameter("on", str)],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def published(self, request):
        """The catalog in force on a date, as the portal publishes it."""
        agency = (
            Agency.objects.restrict(request.user).filter(code=request.query_params.get("agency", "")).first()
        )
        if agency is None:
            raise NotFound()
        on = clock.today()
        if request.query_params.get("on"):
            import datetime as dt

            try:
                on = dt.date.fromisoformat(request.query_params["on"])
            except ValueError:
                raise InvalidInput("review.catalog.on", _("日期格式应为YYYY-MM-DD。"), field="on") from None
        found = selectors.published_catalog(agency, on)
        if found is None:
            raise NotFound("review.catalog.none", _("该日期无有效的审核目录。"))
        return Response(found)


class AppointmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AppointmentSerializer
    queryset = Appointment.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        user = self.request.user
        if not getattr(user, "is_authenticated", False):
            return Appointment.objects.none()
        return Appointment.objects.filter(
            Q(agency__in=Agency.objects.restrict(user)) | Q(user=user)
        ).select_related("agency", "user")

    @extend_schema(request=AppointmentInput, responses={201: AppointmentSerializer})
    def create(self, request):
        agency = request.user.agency
        if agency is None:
            raise NotFound()
        data = _valid(AppointmentInput, request)
        user = User.objects.filter(username=data.pop("user"), is_active=True).first()
        if user is None:
            raise InvalidInput("review.appointment.unknown_user", _("未找到该人员。"), field="user")
        row = services.appoint(agency, actor=request.user, user=user, **data)
        return Response(AppointmentSerializer(row).data, status=201)


class StaffingView(APIView):
    """Reviewers vs. officers per agency in scope, flagged below REV-06.min_ratio."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response([s.as_dict() for s in selectors.staffing_in_scope(request.user)])


class OverviewView(APIView):
    """Reviews by agency and by state and outcome (supervisors: every agency in scope)."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        data = selectors.overview(request.user)
        rows = [
            {"agency": r["agency"].code, "counts": dict(r["counts"]), "staffing": r["staffing"].as_dict()}
            for r in data["rows"]
        ]
        return Response({"totals": dict(data["totals"]), "agencies": rows})


def register_api(router):
    router.register("review/reviews", ReviewViewSet, basename="review")
    router.register("review/cases", ReviewCaseViewSet, basename="review-case")
    router.register("review/contests", ContestViewSet, basename="review-contest")
    router.register("review/catalogs", CatalogViewSet, basename="review-catalog")
    router.register("review/appointments", AppointmentViewSet, basename="review-appointment")


def _extra_urls():
    from django.urls import path

    return [
        path("review/staffing/", StaffingView.as_view(), name="review-staffing"),
        path("review/overview/", OverviewView.as_view(), name="review-overview"),
    ]


extra_urls = _extra_urls()
