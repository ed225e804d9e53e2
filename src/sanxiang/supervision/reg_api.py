"""Staff API of the supervision graph, tasks, instruments and the overdue board (issue 11): the same
services as the screens. A refusal answers 409 (rule), 422 (input), 403 (role, expired access) or
404 (outside the graph) with `{"code", "message"}` and changes nothing. Every read of one task or
instrument is logged (Art. 40)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import InvalidInput
from sanxiang.org.models import Agency, User
from sanxiang.supervision.models.instruments import Instrument
from sanxiang.supervision.models.tasks import SupervisionTask
from sanxiang.supervision.services import graph, selectors
from sanxiang.supervision.services import instruments as inst_svc
from sanxiang.supervision.services import tasks as task_svc
from sanxiang.supervision.services.common import log_read


class TaskSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    scope = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    source_clue = serializers.CharField(source="source_clue.number", read_only=True, default=None)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupervisionTask
        fields = [
            "id", "number", "kind", "title", "agency", "owner", "scope", "plan", "methods", "checklist",
            "window_start", "window_end", "due_on", "status", "listed", "source_clue", "outcome",
            "reported_at", "closed_at", "overdue",
        ]  # fmt: skip


class InstrumentSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    target = serializers.CharField(source="target.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    task = serializers.CharField(source="task.number", read_only=True, default=None)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "id", "number", "kind", "issuer", "target", "addressee", "relation", "task", "title", "facts",
            "requirements", "legal_basis", "time_limit", "time_limit_rule", "status", "owner", "due_on",
            "due_party", "issued_at", "served_at", "closed_at", "escalated_at", "overdue",
        ]  # fmt: skip


def _text(data, name: str) -> str:
    return str(data.get(name, "") or "")


def _date(data, name: str) -> dt.date | None:
    value = data.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("supervision.date", _("日期格式应为YYYY-MM-DD。"), field=name) from None


def _agency(code, field: str) -> Agency:
    agency = Agency.objects.filter(code=str(code or "")).first()
    if agency is None:
        raise InvalidInput(
            "supervision.lookup", _("未找到执法主体“%(code)s”。") % {"code": code}, field=field
        )
    return agency


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """监督任务. POST creates one (kind, title, scope[codes], window_start, window_end, due_on, …)."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        return selectors.tasks_visible_to(self.request.user).prefetch_related("scope").order_by("-pk")

    def get_object(self):
        task = selectors.task_for(self.request.user, self.kwargs["pk"])
        log_read(self.request.user, task, what="task")
        return task

    def create(self, request):
        d = request.data
        task = task_svc.create_task(
            actor=request.user,
            kind=_text(d, "kind"),
            title=_text(d, "title"),
            scope=[_agency(code, "scope") for code in d.get("scope", []) or []],
            window_start=_date(d, "window_start") or dt.date.min,
            window_end=_date(d, "window_end") or dt.date.min,
            due_on=_date(d, "due_on"),
            plan=_text(d, "plan"),
            methods=list(d.get("methods", []) or []),
            checklist=list(d.get("checklist", []) or []),
            listed=bool(d.get("listed")),
        )
        return Response(TaskSerializer(task).data, status=201)

    def _act(self, request, fn):
        task = selectors.task_for(request.user, self.kwargs["pk"])
        fn(task, request.data)
        return Response(TaskSerializer(SupervisionTask.objects.get(pk=task.pk)).data)

    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        def add(task, d):
            user = User.objects.filter(username=_text(d, "user")).first()
            if user is None:
                raise InvalidInput("supervision.lookup", _("未找到该人员。"), field="user")
            task_svc.add_member(
                task,
                actor=request.user,
                user=user,
                role=_text(d, "role") or "member",
                affiliation=_text(d, "affiliation"),
                access_until=_date(d, "access_until"),
            )

        return self._act(request, add)

    @action(detail=True, methods=["post"])
    def recusal(self, request, pk=None):
        return self._act(
            request,
            lambda t, d: task_svc.declare_recusal(
                t,
                user=request.user,
                has_conflict=bool(d.get("has_conflict")),
                statement=_text(d, "statement"),
            ),
        )

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        member = (
            task_svc.TaskMember.objects.filter(task_id=pk, user=request.user).select_related("task").first()
        )
        if member is None:
            raise selectors.NotFound()
        task_svc.acknowledge_confidentiality(member.task, user=request.user)
        return Response({"acknowledged": True})

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(request, lambda t, d: task_svc.start_task(t, actor=request.user))

    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self._act(
            request,
            lambda t, d: task_svc.check_item(
                t,
                actor=request.user,
                index=int(d.get("index", -1)),
                result=_text(d, "result"),
                note=_text(d, "note"),
            ),
        )

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(
            request, lambda t, d: task_svc.close_task(t, actor=request.user, outcome=_text(d, "outcome"))
        )

    @action(detail=True, methods=["post"], url_path="report-back")
    def report_back(self, request, pk=None):
        return self._act(request, lambda t, d: task_svc.report_back(t, actor=request.user))


class InstrumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """监督文书. POST issues one (kind, target[code], title, facts, requirements, legal_basis,
    time_limit); actions serve, object, reply, report, verify, close, escalate, obstruction."""

    serializer_class = InstrumentSerializer

    def get_queryset(self):
        return selectors.instruments_visible_to(self.request.user).order_by("-pk")

    def get_object(self):
        inst = selectors.instrument_for(self.request.user, self.kwargs["pk"])
        log_read(self.request.user, inst, what="instrument")
        return inst

    def create(self, request):
        d = request.data
        task = None
        if d.get("task"):
            task = selectors.tasks_visible_to(request.user).filter(number=_text(d, "task")).first()
            if task is None:
                raise InvalidInput("supervision.lookup", _("未找到该监督任务。"), field="task")
        inst = inst_svc.issue(
            actor=request.user,
            kind=_text(d, "kind"),
            target=_agency(d.get("target"), "target"),
            title=_text(d, "title"),
            facts=_text(d, "facts"),
            requirements=_text(d, "requirements"),
            legal_basis=_text(d, "legal_basis"),
            time_limit=_date(d, "time_limit"),
            task=task,
        )
        return Response(InstrumentSerializer(inst).data, status=201)

    def _act(self, request, fn):
        inst = selectors.instrument_for(request.user, self.kwargs["pk"])
        fn(inst, request.data)
        return Response(InstrumentSerializer(Instrument.objects.get(pk=inst.pk)).data)

    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        return self._act(
            request, lambda i, d: inst_svc.serve(i, actor=request.user, method=_text(d, "method"))
        )

    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        return self._act(
            request, lambda i, d: inst_svc.object_to(i, actor=request.user, text=_text(d, "text"))
        )

    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        def answer(inst, d):
            objection = inst.events.filter(pk=d.get("objection") or None, kind="objection").first()
            if objection is None:
                raise InvalidInput(
                    "supervision.instrument.objection", _("请选择本文书的异议。"), field="objection"
                )
            inst_svc.reply(inst, actor=request.user, objection=objection, text=_text(d, "text"))

        return self._act(request, answer)

    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._act(
            request, lambda i, d: inst_svc.submit_report(i, actor=request.user, text=_text(d, "text"))
        )

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._act(
            request,
            lambda i, d: inst_svc.verify(
                i,
                actor=request.user,
                accepted=bool(d.get("accepted")),
                note=_text(d, "note"),
                new_time_limit=_date(d, "new_time_limit"),
            ),
        )

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, lambda i, d: inst_svc.close(i, actor=request.user, note=_text(d, "note")))

    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._act(
            request, lambda i, d: inst_svc.escalate(i, actor=request.user, reason=_text(d, "reason"))
        )

    @action(detail=True, methods=["post"])
    def obstruction(self, request, pk=None):
        return self._act(
            request, lambda i, d: inst_svc.record_obstruction(i, actor=request.user, text=_text(d, "text"))
        )


class AlertsView(APIView):
    """督办预警: instruments escalated automatically for non-response (Art. 41) and overdue clue
    steps (Art. 39), raised by `sanxiang tick`; the owning organ's scope and the organ one level up.
    `?all=1` includes acknowledged ones."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        from sanxiang.supervision.services import escalation

        if not selectors.is_supervisor(request.user):
            return Response([])
        alerts = escalation.alerts_for(request.user, open_only=request.query_params.get("all") != "1")
        return Response(
            [
                {
                    "kind": a.kind,
                    "agency": a.agency.code,
                    "notified": a.notified.code if a.notified_id else None,
                    "instrument": a.instrument.number if a.instrument_id else None,
                    "clue": a.clue.number if a.clue_id else None,
                    "due_on": a.due_on,
                    "message": a.message,
                    "rule": a.rule,
                    "provisional": a.provisional,
                    "raised_at": a.raised_at,
                }
                for a in alerts[:500]
            ]
        )


class OversightView(APIView):
    """督办台 (Art. 39): overdue items of every supervision organ at or below the user's."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        bureau = request.query_params.get("bureau")
        rows = selectors.overdue_by_bureau(
            request.user, bureau_id=int(bureau) if (bureau or "").isdigit() else None
        )
        return Response(
            [
                {
                    "bureau": r.bureau.code,
                    "total": r.total,
                    "tasks": [
                        {"number": t.number, "due_on": t.due_on, "owner": t.owner.username} for t in r.tasks
                    ],
                    "instruments": [
                        {
                            "number": i.number,
                            "due_on": i.due_on,
                            "due_party": i.due_party,
                            "owner": i.owner.username,
                        }
                        for i in r.instruments
                    ],
                    "other": [
                        {"kind": x["kind"], "label": x["label"], "due_on": x["due_on"]} for x in r.extra
                    ],
                }
                for r in rows
            ]
        )


class GraphView(APIView):
    """The supervision graph as the user's agency sees it: relation and allowed instruments."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        if not selectors.is_supervisor(request.user):
            return Response([])
        own = request.user.agency
        return Response(
            [
                {
                    "agency": a.code,
                    "subject_type": a.subject_type,
                    "vertically_managed": a.vertically_managed,
                    "supervising_bureau": getattr(graph.supervising_bureau(a), "code", None),
                    "relation": graph.relation(own, a),
                    "allowed": sorted(graph.allowed_kinds(own, a)),
                }
                for a in graph.visible_agencies(own)
            ]
        )


class RegistersView(APIView):
    """POST: queue the subject and officer registers of the user's graph for the province."""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request):
        from sanxiang.supervision.services.registers import push_registers

        return Response(push_registers(actor=request.user))


def register_reg_api(router) -> None:
    router.register("supervision-tasks", TaskViewSet, basename="supervision-task")
    router.register("supervision-instruments", InstrumentViewSet, basename="supervision-instrument")


def _extra():
    from django.urls import path

    return [
        path("supervision-oversight/", OversightView.as_view(), name="supervision-oversight"),
        path("supervision-alerts/", AlertsView.as_view(), name="supervision-alerts"),
        path("supervision-graph/", GraphView.as_view(), name="supervision-graph"),
        path("supervision-registers/push/", RegistersView.as_view(), name="supervision-registers-push"),
    ]
