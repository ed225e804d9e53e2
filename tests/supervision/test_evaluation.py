"""案卷评查: each rule of the rule set with a case that fails it and one that passes it; the
automatic run on closing; manual scores beside the automatic ones; rectification to closure."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from sanxiang.cases.models import Case, Deadline
from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput
from sanxiang.documents import services as documents
from sanxiang.documents.models import Document, DocumentNumber
from sanxiang.records import samples
from sanxiang.records.evidence import add_evidence
from sanxiang.review.models import Classification
from sanxiang.supervision.choices import EvaluationTrigger, FollowUpStatus
from sanxiang.supervision.models import Evaluation, EvaluationRule, FollowUp
from sanxiang.supervision.services import clues as clue_services
from sanxiang.supervision.services import evaluation as svc
from sanxiang.supervision.services.evaluation_rules import CHECKS
from tests.cases.walk import PATHS, walk
from tests.documents.helpers import general_case
from tests.factories import PASSWORD
from tests.supervision.helpers import Bureau


def check(case, code, **params):
    rule = EvaluationRule.objects.get(code=code, version=svc.current_version())
    return CHECKS[rule.checker](Case.objects.get(pk=case.pk), {**rule.params, **params})


@pytest.fixture
def decided(world):
    """A complete decided file: party with address, facts with time and place, basis, decision."""
    case = general_case(world, act_date=dt.date(2026, 2, 20))
    documents.issue(case, "penalty_decision", actor=world.officer)
    return Case.objects.get(pk=case.pk)


def evidence(world, case, title="现场照片"):
    return add_evidence(
        case=case,
        source=io.BytesIO(samples.jpeg(title)),
        actor=world.officer,
        title=title,
        evidence_type="audiovisual",
        media_kind="photo",
        filename="p.jpg",
    )


def test_the_rule_set_is_versioned_data_and_every_rule_cites_a_source(db):
    rules = svc.rules_of()
    assert len(rules) == 11
    assert all(r.source and r.version == svc.current_version() for r in rules)
    assert {r.checker for r in rules} <= set(CHECKS)


def test_documents_present(world, decided):
    assert "penalty_decision" in check(world.case(), "EV-DOCS")[0]
    assert check(decided, "EV-DOCS", **{"penalty.general": ["penalty_decision"]}) is None


def test_numbering_consistent(decided):
    assert check(decided, "EV-NUMBER") is None
    DocumentNumber.objects.filter(case=decided).update(year=2020)
    assert "年度" in check(decided, "EV-NUMBER")[0]


def test_party_complete(world, decided):
    assert "住所" in check(world.case(), "EV-PARTY")[0]  # the factory company has no address
    assert check(decided, "EV-PARTY") is None


def test_facts_state_time_place_act(world, decided):
    message = check(world.case(), "EV-FACTS")[0]
    assert "时间" in message and "地点" in message
    assert check(decided, "EV-FACTS") is None


def test_evidence_present_and_listed(world, decided):
    assert "无证据" in check(decided, "EV-EVIDENCE")[0]
    evidence(world, decided)
    assert check(decided, "EV-EVIDENCE") is None


def test_legal_basis_cited(decided):
    assert check(decided, "EV-BASIS") is None
    decided.current_proposal.legal_basis.clear()
    assert "法律条文" in check(decided, "EV-BASIS")[0]


def test_penalty_within_discretion_or_reasons_given(decided):
    assert check(decided, "EV-DISCRETION") is None
    decided.item.max_fine = Decimal("1000")
    decided.item.save()
    assert check(decided, "EV-DISCRETION") is None  # outside, but reasons for the discretion are given
    decided.proposals.update(reasons_discretion="")
    assert "超出裁量幅度" in check(decided, "EV-DISCRETION")[0]


def test_payment_deadline_and_remedy_notice(decided):
    assert check(decided, "EV-REMEDY") is None
    doc = Document.objects.get(case=decided, code="penalty_decision")
    content = doc.content
    content["blocks"] = [b for b in content["blocks"] if b.get("heading") != "救济途径和期限"]
    Document.objects.filter(pk=doc.pk).update(content=content)
    assert "救济途径" in check(decided, "EV-REMEDY")[0]


def test_service_within_the_limit(decided):
    assert check(decided, "EV-SERVICE") is None
    Deadline.objects.filter(case=decided, code="service").update(status="overdue")
    assert "送达" in check(decided, "EV-SERVICE")[0]


def test_review_done_where_required(decided):
    assert check(decided, "EV-REVIEW") is None
    Classification.objects.create(
        case=decided,
        proposal=decided.current_proposal,
        evaluated_on=clock.today(),
        required=True,
        matches=[{"code": "fine"}],
        trigger="test",
        created_at=clock.now(),
    )
    assert "法制审核" in check(decided, "EV-REVIEW")[0]


def test_amounts_consistent_across_documents(decided):
    assert check(decided, "EV-AMOUNTS") is None
    Case.objects.filter(pk=decided.pk).update(fine_amount=Decimal("9000"))
    assert "不一致" in check(decided, "EV-AMOUNTS")[0]


def test_scoring_veto_makes_zero_and_other_failures_deduct(world, decided):
    evidence(world, decided)
    evaluation = svc.run_evaluation(decided)
    assert not evaluation.vetoed
    # the walk issues no filing approval or notice document (EV-DOCS, 10 points)
    assert evaluation.auto_score == Decimal("90")
    bare = svc.run_evaluation(world.case())
    assert bare.vetoed and bare.auto_score == 0


def test_every_closed_case_is_evaluated_and_the_incomplete_one_shows_findings(world):
    case = walk(world, world.case(), PATHS["penalty.general"])
    assert case.stage == "closed"
    evaluation = Evaluation.objects.get(case=case, is_current=True)
    assert evaluation.trigger == EvaluationTrigger.CLOSED and evaluation.vetoed
    codes = set(evaluation.items.values_list("rule_code", flat=True))
    assert {"EV-FACTS", "EV-PARTY", "EV-DOCS", "EV-EVIDENCE"} <= codes


def test_manual_score_and_rectification_tracked_to_closure(world, decided):
    bureau = Bureau(world)
    evaluation = svc.run_evaluation(decided, actor=bureau.supervisor)
    with pytest.raises(InvalidInput):
        svc.add_manual_score(evaluation, actor=bureau.supervisor, score="120", comment="x")
    with pytest.raises(InvalidInput):
        svc.add_manual_score(evaluation, actor=bureau.supervisor, score="80", comment="")
    evaluation = svc.add_manual_score(evaluation, actor=bureau.supervisor, score="75", comment="说理不充分。")
    assert evaluation.manual_score == Decimal("75.0") and evaluation.auto_score < 100
    item = svc.require_rectification(evaluation, actor=bureau.supervisor, instruction="补正文书。")
    assert item.assignee_agency == world.agency and item.agency == bureau.agency
    item = clue_services.respond(item, actor=world.head, response="已补正。")
    item = clue_services.close_follow_up(item, actor=bureau.supervisor, note="整改到位。")
    assert FollowUp.objects.get(pk=item.pk).status == FollowUpStatus.CLOSED


def test_api_and_case_page(world, decided, client):
    bureau = Bureau(world)
    api = APIClient()
    api.login(username=bureau.supervisor.username, password=PASSWORD)
    run = api.post("/api/evaluations/run/", {"case": decided.number}, format="json")
    assert run.status_code == 201, run.content
    pk = run.json()["id"]
    scored = api.post(f"/api/evaluations/{pk}/score/", {"score": "101", "comment": "x"}, format="json")
    assert scored.status_code == 422 and scored.json()["code"] == "supervision.evaluation.score"
    client.login(username=world.head.username, password=PASSWORD)  # the agency's head sees the section
    page = client.get(f"/cases/{decided.number}/")
    assert page.status_code == 200 and "案卷评查" in page.content.decode()
    client.logout()
    client.login(username=bureau.supervisor.username, password=PASSWORD)
    assert client.get(f"/supervision/evaluations/{pk}/").status_code == 200
    assert client.get("/supervision/evaluations/?show=all").status_code == 200
