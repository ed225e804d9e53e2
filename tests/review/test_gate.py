"""I1 through the service door: a major decision only after a passed review of exactly the current
proposal; every kind of change to the proposal voids the review."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Proposal
from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.records.models import Entry
from sanxiang.review import services
from sanxiang.review.models import Review
from tests.cases.walk import PATHS, walk
from tests.factories import article, person
from tests.records.helpers import prepare_act
from tests.review.helpers import FINDINGS_OK, ReviewWorld, make_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(db):
    return ReviewWorld()


def refused(fn, code):
    with pytest.raises(DomainError) as caught:
        fn()
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_major_case_is_classified_with_reasons_and_recorded(rw):
    case = rw.major_case(fine="60000")
    status = services.current_classification(case)
    assert status.required and status.matches[0]["code"] == "FINE-O"
    assert "60,000.00" in status.matches[0]["why"]
    assert Entry.objects.filter(case=case, kind="review.classified").count() == 1


def test_minor_case_is_not_gated_and_writes_no_review_entry(rw):
    case = rw.major_case(fine="49999.99")
    assert not services.current_classification(case).required
    case = rw.decide(case)
    assert case.stage == "decided"
    assert not Entry.objects.filter(case=case, kind__startswith="review.").exists()


def test_decision_refused_until_review_passes_then_allowed(rw):
    case = rw.major_case()
    error = refused(lambda: rw.decide(case), "review.gate.not_passed")
    assert "尚未送审" in error.message and "行政处罚法第58条" in error.message
    review = services.accept(rw.submit(case), actor=rw.chief)
    refused(lambda: rw.decide(case), "review.gate.not_passed")  # in review is not passed
    services.assign(review, actor=rw.chief, reviewer=rw.reviewer)
    refused(lambda: rw.decide(case), "review.gate.not_passed")
    rw_review = services.conclude(
        review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=FINDINGS_OK
    )
    assert rw_review.passed
    case = rw.decide(case)
    assert case.stage == "decided"
    kinds = list(Entry.objects.filter(case=case).order_by("stream_seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["case.transition", "review.responsibility"]
    responsibility = Entry.objects.get(case=case, kind="review.responsibility").payload
    assert responsibility["reviewer"]["reviewer"]["username"] == rw.reviewer.username
    assert responsibility["head"]["decided_by"]["username"] == rw.head.username
    assert responsibility["case_unit"]["submitted_by"]["username"] == rw.officer.username


@pytest.mark.parametrize(
    "outcome", [("amend", "problem"), ("disagree", "problem"), ("return", "compliant")], ids=str
)
def test_a_review_that_did_not_agree_does_not_pass(rw, outcome):
    case = rw.major_case()
    review = services.assign(
        services.accept(rw.submit(case), actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer
    )
    findings = {**FINDINGS_OK, "law": (outcome[1], "裁量不当。")}
    services.conclude(review, actor=rw.reviewer, outcome=outcome[0], opinion="意见。", findings=findings)
    refused(lambda: rw.decide(case), "review.gate.not_passed")


CHANGES = {
    "amount": {"fine_amount": "59999.99"},  # lower: a heavier one needs a new notice first
    "outcome": {"outcome": "no_penalty", "penalty_types": [], "fine_amount": None},
    "penalty_types": {"penalty_types": ["fine", "warning"]},
    "discretion_level": {"discretion_level": "heavier"},
    "reasons_evidence": {"reasons_evidence": "另有证据。"},
    "reasons_basis": {"reasons_basis": "另一理由。"},
    "reasons_discretion": {"reasons_discretion": "从重。"},
    "summary": {"summary": "修改后的说明。"},
    "basis_text": {"basis_text": "另附说明。"},
    "confiscation": {
        "penalty_types": ["fine", "confiscate_gains"],
        "fine_amount": "55000",
        "confiscation_amount": "1000",
    },
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_kind_of_proposal_change_voids_the_review(rw, change):
    case = rw.major_case()
    # flagged, so that the case stays major whatever the change (e.g. an outcome without a fine)
    services.add_flag(case, actor=rw.head, code="required_by_law", reason="法规规定。")
    rw.revise(case)  # v2: the baseline that is reviewed
    review = rw.pass_review(case)
    rw.revise(case, **CHANGES[change])
    review.refresh_from_db()
    assert review.state == "voided" and "第3版" in review.voided_reason
    assert Entry.objects.filter(case=case, kind="review.voided").exists()
    refused(lambda: rw.decide(case), "review.gate.not_passed")


def test_a_changed_legal_basis_voids_the_review(rw):
    case = rw.major_case()
    review = rw.pass_review(case)
    other = article("行政处罚法", 28)
    rw.revise(case, legal_basis=[str(a.pk) for a in case.item.penalty_basis.all()] + [str(other.pk)])
    review.refresh_from_db()
    assert review.state == "voided"
    refused(lambda: rw.decide(case), "review.gate.not_passed")


def test_even_an_identical_new_version_voids_and_needs_a_new_review(rw):
    case = rw.major_case()
    rw.revise(case)
    review = rw.pass_review(case)
    rw.revise(case)
    review.refresh_from_db()
    assert review.state == "voided"
    refused(lambda: rw.decide(case), "review.gate.not_passed")
    rw.pass_review(case)
    assert rw.decide(case).stage == "decided"


def test_a_party_swapped_or_edited_behind_the_services_back_is_caught(rw):
    """The import/raw-edit door: the gate recomputes the fingerprint from the stored rows."""
    case = rw.major_case()
    rw.pass_review(case)
    party = case.party
    type(party).objects.filter(pk=party.pk).update(name="另一家公司")
    refused(lambda: rw.decide(case), "review.gate.proposal_altered")
    type(party).objects.filter(pk=party.pk).update(name=party.name)
    other = person(rw.agency, name="王五")
    type(case).objects.filter(pk=case.pk).update(party=other)
    refused(lambda: rw.decide(case), "review.gate.proposal_altered")


def test_a_proposal_edited_in_place_is_caught(rw):
    case = rw.major_case()
    rw.pass_review(case)
    Proposal.objects.filter(case=case, superseded=False).update(fine_amount=Decimal("1"))
    refused(lambda: rw.decide(case), "review.gate.proposal_altered")


def test_a_review_edited_in_place_to_passed_for_another_fingerprint_does_not_count(rw):
    case = rw.major_case()
    review = services.assign(
        services.accept(rw.submit(case), actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer
    )
    Review.objects.filter(pk=review.pk).update(passed=True, state="concluded", fingerprint="0" * 64)
    refused(lambda: rw.decide(case), "review.gate.not_passed")


def test_the_reviewer_may_not_decide_the_case(rw):
    from sanxiang.core.roles import Role
    from sanxiang.org.services import role_group

    case = rw.major_case()
    rw.reviewer.groups.add(role_group(Role.HEAD))
    reviewer = type(rw.reviewer).objects.get(pk=rw.reviewer.pk)
    rw.pass_review(case, reviewer=reviewer)
    refused(lambda: rw.decide(case, actor=reviewer), "review.sod.reviewer_decides")
    assert rw.decide(case).stage == "decided"


def test_a_catalog_revision_in_force_on_the_decision_date_is_applied(rw):
    case = rw.major_case(fine="30000")  # below 50,000 for companies under v1
    assert not services.current_classification(case).required
    stricter = [
        {**c, "amount": Decimal("20000")} if c["code"] == "FINE-O" else c for c in rw.catalog_criteria()
    ]
    make_catalog(rw.agency, effective_from=dt.date(2026, 3, 11), criteria=stricter)
    assert rw.decide(case, actor=rw.head).stage == "decided"  # today v1 still applies


def test_a_stricter_catalog_already_in_force_at_decision_catches_an_older_classification(rw):
    case = rw.major_case(fine="30000")
    stricter = [
        {**c, "amount": Decimal("20000")} if c["code"] == "FINE-O" else c for c in rw.catalog_criteria()
    ]
    make_catalog(rw.agency, effective_from=dt.date(2026, 3, 11), criteria=stricter)
    with clock.frozen(dt.datetime(2026, 3, 11, 10)):
        refused(lambda: rw.decide(case), "review.gate.not_passed")


def test_hearing_makes_the_case_major_and_is_classified_on_the_hearing(rw):
    case = rw.case()
    basis = [str(a.pk) for a in case.item.penalty_basis.all()]
    case = rw.walk(case, [("file", "head"), ("inspect", "officer"), ("conclude_investigation", "officer")])
    from tests.cases.walk import PROPOSAL

    case = case_services.transition(
        case, "propose", actor=rw.officer, data={**PROPOSAL, "legal_basis": basis}
    )
    assert not services.current_classification(case).required
    today = clock.today().isoformat()
    case = case_services.transition(
        case, "notify", actor=rw.officer, data={"served_on": today, "hearing_right": True}
    )
    case = case_services.transition(case, "request_hearing", actor=rw.officer, data={"requested_on": today})
    case = case_services.transition(case, "hold_hearing", actor=rw.head2, data={"transcript": "听证笔录。"})
    classification = services.current_classification(case)
    assert classification.required and classification.trigger == "hearing"
    assert [m["code"] for m in classification.matches] == ["HEARING"]
    refused(lambda: rw.decide(case), "review.gate.not_passed")
    rw.pass_review(case)
    assert rw.decide(case).stage == "decided"


def test_simple_procedure_decision_matching_the_catalog_is_refused():
    rw = ReviewWorld(catalog=False)
    make_catalog(
        rw.agency,
        criteria=[
            {"code": "LOW", "kind": "fine_at_least", "description": "罚款100元以上", "amount": Decimal("100")}
        ],
    )
    case = rw.case("penalty.simple")
    data = {
        "officers": rw.officers(),
        "outcome": "penalty",
        "penalty_types": ["fine"],
        "fine_amount": "100",
        "legal_basis": [str(a.pk) for a in case.item.penalty_basis.all()],
        "summary": "占道经营。",
    }
    refused(
        lambda: case_services.transition(case, "decide_on_site", actor=rw.officer, data=data),
        "review.gate.simple_procedure",
    )
    data["fine_amount"] = "99.99"
    assert case_services.transition(case, "decide_on_site", actor=rw.officer, data=data).stage == "decided"


def test_every_procedure_still_walks_when_nothing_is_major(rw):
    for procedure, steps in PATHS.items():
        kwargs = {"item": rw.item} if procedure.startswith("penalty") else {}
        case = rw.case(procedure, **kwargs) if not kwargs else rw.case(procedure)
        walk(rw, case, steps)


def test_flag_by_head_makes_the_case_major_and_cannot_be_duplicated(rw):
    case = rw.major_case(fine="1000")
    assert not services.current_classification(case).required
    services.add_flag(case, actor=rw.head2, code="major_public_interest", reason="涉及食品安全公共利益。")
    classification = services.current_classification(case)
    assert classification.required and classification.trigger == "flag"
    assert classification.matches[0]["code"] == "FLAG"
    refused(
        lambda: services.add_flag(case, actor=rw.head, code="major_public_interest", reason="再次"),
        "review.flag.duplicate",
    )
    refused(lambda: rw.decide(case), "review.gate.not_passed")
    # a new proposal keeps the flag: a matched criterion is never removed
    rw.revise(case, fine_amount="500")
    assert services.current_classification(case).required


def test_flags_only_by_handler_or_head(rw):
    case = rw.major_case()
    with pytest.raises(DomainError) as caught:
        services.add_flag(case, actor=rw.reviewer, code="complex", reason="x")
    assert caught.value.code == "review.flag.forbidden"


def test_coercion_decision_on_major_property_is_reviewed_through_a_draft():
    rw = ReviewWorld()
    case = rw.case("coercion.measure")
    case = rw.walk(case, [("approve", "head")])
    data = {
        "officers": rw.officers(),
        "measure": "seal",
        "items": "仓库货物",
        "estimated_value": "150000",
        "place": "仓库",
    }
    prepare_act(rw, case, "execute", data)  # the seizure's video (I4)
    case = case_services.transition(case, "execute", actor=rw.officer, data=data)
    assert services.current_classification(case).matches[0]["code"] == "SEIZE"
    decide = {"outcome": "confiscate"}
    refused(
        lambda: case_services.transition(case, "decide", actor=rw.head, data=decide),
        "review.gate.no_proposal",
    )
    review = services.submit(
        case,
        actor=rw.officer,
        evidence_list="扣押清单",
        draft={"outcome": "confiscate", "summary": "依法没收。", "basis_text": "行政强制法第28条"},
    )
    review = services.assign(services.accept(review, actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer)
    services.conclude(review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=FINDINGS_OK)
    refused(
        lambda: case_services.transition(case, "decide", actor=rw.head, data={"outcome": "destroy"}),
        "review.gate.outcome_mismatch",
    )
    assert case_services.transition(case, "decide", actor=rw.head, data=decide).stage == "decided"
