"""The world of the access-control matrix (tests/security/test_matrix.py).

The matrix needs a real object behind every URL kwarg — a case in a late stage with documents,
evidence, a review, a contest, a publication, a clue, a follow-up, a finding, an evaluation, an
instrument, a supervision task, outbox and received messages, an import run … The demo loader builds
all of these through the services, in every procedure and stage, so the matrix loads a small demo
(size 0.03, ~15 s) once per module and adds its actors with the factories.

Agency A is 云溪市市场监督管理局 (yx-scjg, a city agency). The actors:

- anonymous;
- one user of A per staff role (officer … invited_supervisor), the admin also `is_staff`/`is_superuser`
  as the demo's admin is;
- `other_agency`: a user of 云溪市城市管理局 (same division, another agency) holding every
  non-supervising role (officer, head, reviewer, publicity editor);
- `other_division`: a supervisor of 青石县司法局 (a county bureau whose subtree does not contain A);
- `justice_office`: a supervisor of a 司法所 (org.Agency.is_justice_office) in a township.
"""

from __future__ import annotations

import io

from django.contrib.auth.models import AnonymousUser

from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, Division, User
from tests.factories import AgencyFactory, staff

ROLE_ACTORS = [
    Role.OFFICER,
    Role.HEAD,
    Role.REVIEWER,
    Role.PUBLICITY_EDITOR,
    Role.SUPERVISOR,
    Role.ADMIN,
    Role.INVITED_SUPERVISOR,
]
ACTORS = ["anonymous", *[str(r) for r in ROLE_ACTORS], "other_agency", "other_division", "justice_office"]


def _first(qs, what):
    """The first object of `qs` (A's objects), else the first of its model (another agency's: the
    demo at this size may not give A one)."""
    obj = qs.order_by("pk").first() or qs.model._default_manager.order_by("pk").first()
    assert obj is not None, f"the matrix world has no {what}"
    return obj


class MatrixWorld:
    def __init__(self):
        from sanxiang.demo import loader

        loader.load(stdout=io.StringIO(), size=0.03)
        self.agency = Agency.objects.get(code="yx-scjg")
        self.users = {"anonymous": AnonymousUser()}
        for role in ROLE_ACTORS:
            extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
            self.users[str(role)] = staff(
                self.agency, role, username=f"mx-{role}", certified=role == Role.OFFICER, **extra
            )
        self.users["other_agency"] = staff(
            Agency.objects.get(code="yx-cg"),
            Role.OFFICER,
            Role.HEAD,
            Role.REVIEWER,
            Role.PUBLICITY_EDITOR,
            username="mx-other-agency",
        )
        self.users["other_division"] = staff(
            Agency.objects.get(code="qs-sfj"), Role.SUPERVISOR, username="mx-other-division", certified=False
        )
        office = AgencyFactory(
            division=Division.objects.get(code="439901001"),
            is_justice_office=True,
            name="湖滨街道司法所",
            short_name="湖滨所",
        )
        self.users["justice_office"] = staff(
            office, Role.SUPERVISOR, username="mx-justice-office", certified=False
        )
        self._objects()

    def _objects(self):
        from sanxiang.cases.models import Case, DeadlineAlert
        from sanxiang.documents.models import Document
        from sanxiang.exchange.models import Delivery, Endpoint, ImportRun, OutboxMessage, ReceivedMessage
        from sanxiang.publicity.models import Publication, ServiceWindow
        from sanxiang.records.models import AccessRequest, Checkpoint, Entry, Evidence
        from sanxiang.review.models import Contest, Review
        from sanxiang.supervision.models import (
            Clue,
            Evaluation,
            Finding,
            FollowUp,
            Instrument,
            SupervisionTask,
        )

        a = self.agency
        cases = Case.objects.filter(agency=a)
        # the case with the most documents and evidence: most doors open on it
        from django.db.models import Count

        self.case = (
            cases.annotate(n=Count("documents", distinct=True) + Count("evidence", distinct=True))
            .order_by("-n", "pk")
            .first()
        )
        self.document = (
            _first(Document.objects.filter(case=self.case), "document")
            if Document.objects.filter(case=self.case).exists()
            else _first(Document.objects.filter(case__agency=a), "document")
        )
        self.evidence = _first(Evidence.objects.filter(case__agency=a), "evidence")
        self.review = _first(Review.objects.filter(case__agency=a), "review")
        self.contest = _first(Contest.objects.all(), "contest")
        self.publication = _first(Publication.objects.filter(agency=a), "publication")
        self.window = _first(ServiceWindow.objects.filter(agency=a), "service window")
        self.clue = _first(Clue.objects.filter(agencies=a), "clue")
        self.follow_up = _first(FollowUp.objects.filter(agency=a), "follow-up")
        self.finding = _first(Finding.objects.filter(agency=a), "finding")
        self.evaluation = _first(Evaluation.objects.filter(agency=a), "evaluation")
        self.instrument = _first(Instrument.objects.all(), "instrument")
        self.task = _first(SupervisionTask.objects.all(), "supervision task")
        self.message = _first(OutboxMessage.objects.filter(agency=a), "outbox message")
        self.delivery = _first(Delivery.objects.filter(message__agency=a), "delivery")
        self.endpoint = _first(Endpoint.objects.all(), "endpoint")
        self.received = _first(ReceivedMessage.objects.all(), "received message")
        self.import_run = ImportRun.objects.order_by("pk").first()
        self.access_request = AccessRequest.objects.filter(case__agency=a).order_by("pk").first()
        self.alert = DeadlineAlert.objects.filter(agency=a).order_by("pk").first()
        self.entry = _first(Entry.objects.filter(agency=a), "record entry")
        self.checkpoint = _first(Checkpoint.objects.all(), "checkpoint")
        self.officer = self.users[str(Role.OFFICER)]
        self._reference()
        self.secrets = self._secrets()

    def _reference(self):
        from sanxiang.catalog.models import Article, EnforcementItem, ReviewCatalog, RuleParameter
        from sanxiang.org.models import Certificate
        from sanxiang.publicity.models import PublicAgency, PublicDecision, PublicReport

        a = self.agency
        moves = self.case.definition.available(self.case.stage)
        self.transition = moves[0].name if moves else "close"
        self.item = _first(EnforcementItem.objects.filter(agency=a), "item")
        self.article = _first(Article.objects.all(), "article")
        self.rule_parameter = _first(RuleParameter.objects.all(), "rule parameter")
        self.review_catalog = _first(ReviewCatalog.objects.filter(agency=a), "review catalog")
        self.certificate = _first(Certificate.objects.filter(holder__agency=a), "certificate")
        self.public_decision = _first(PublicDecision.objects.filter(agency_code=a.code), "public decision")
        from sanxiang.supervision.models import PolicyTask

        self.policy_task = _first(PolicyTask.objects.all(), "policy task")
        self.public_report = _first(PublicReport.objects.all(), "public report")
        items = PublicAgency.objects.get(code=a.code).body.get("items", [])
        self.public_item = items[0]["code"] if items else "none"

    def admin_object(self, model):
        """The object an admin change/history/delete page opens: A's own where the model is scoped."""
        lookup = getattr(model, "scope_agency_lookup", "-")
        qs = model._default_manager.all()
        if lookup is None:
            qs = qs.filter(pk=self.agency.pk)
        elif lookup != "-":
            qs = qs.filter(**{lookup: self.agency})
        return qs.order_by("pk").first() or model._default_manager.order_by("pk").first()

    def _secrets(self) -> list[str]:
        """Data of A's objects that must never appear in a 403/404 body."""
        case = self.case
        found = [case.number, case.title, case.party.name]
        if case.party.id_number:
            found.append(case.party.id_number)
        if case.party.credit_code:
            found.append(case.party.credit_code)
        found.append(self.clue.title)
        return [s for s in found if s and len(s) >= 4]


def extra_objects(w: MatrixWorld) -> None:
    """Objects the demo does not make: an access request and an import run."""
    from sanxiang.exchange import importers
    from sanxiang.records import access

    if w.access_request is None:
        w.access_request = access.request_access(
            User.objects.get(username="supervisor"), w.case, reason="矩阵测试：调阅申请"
        )
    if w.import_run is None:
        w.import_run = importers.run_import(
            "agencies", b"code,name\n", filename="matrix.csv", actor=w.users[str(Role.ADMIN)], dry_run=True
        )
