"""Submission, intake, assignment and opinion: separation of duties (I6), REV-02, advisers of other
agencies, the bad inputs of the issue — each refused with a reason and nothing half-saved."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.records.models import Entry
from sanxiang.review import services
from sanxiang.review.models import Review, ReviewFinding
from tests.factories import AgencyFactory, staff
from tests.review.helpers import FINDINGS_OK, ReviewWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(db):
    return ReviewWorld()


def refused(fn, code):
    entries, reviews, findings = Entry.objects.count(), Review.objects.count(), ReviewFinding.objects.count()
    with pytest.raises(DomainError) as caught:
        fn()
    assert caught.value.code == code, caught.value.message
    # nothing half-saved: no entry, no review, no finding
    assert (Entry.objects.count(), Review.objects.count(), ReviewFinding.objects.count()) == (
        entries,
        reviews,
        findings,
    )
    return caught.value


def accepted(rw, case):
    return services.accept(rw.submit(case), actor=rw.chief)


def test_every_act_appends_a_review_entry_in_its_transaction(rw):
    case = rw.major_case()
    review = accepted(rw, case)
    services.assign(review, actor=rw.chief, reviewer=rw.reviewer)
    services.record_findings(review, actor=rw.reviewer, findings={"subject": ("compliant", "")})
    services.conclude(review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=FINDINGS_OK)
    kinds = list(
        Entry.objects.filter(case=case, kind__startswith="review.")
        .order_by("stream_seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "review.classified",
        "review.submitted",
        "review.accepted",
        "review.assigned",
        "review.findings",
        "review.concluded",
    ]
    assert all(e.step == "decision" for e in Entry.objects.filter(case=case, kind__startswith="review."))


def test_submitting_twice_is_refused(rw):
    case = rw.major_case()
    rw.submit(case)
    refused(lambda: rw.submit(case), "review.submit.pending")


def test_submitting_a_passed_proposal_again_is_refused(rw):
    case = rw.major_case()
    rw.pass_review(case)
    refused(lambda: rw.submit(case), "review.submit.already_passed")


def test_only_a_handler_submits(rw):
    case = rw.major_case()
    refused(lambda: services.submit(case, actor=rw.head, evidence_list="x"), "review.not_handler")


def test_missing_materials_are_listed(rw):
    case = rw.major_case(reasons_discretion="")
    error = refused(
        lambda: services.submit(case, actor=rw.officer, evidence_list=""), "review.submit.incomplete"
    )
    assert set(error.details["missing"]) == {"evidence_list", "discretion_reasons"}
    assert "证据材料清单" in error.message and "裁量理由" in error.message


def test_hearing_record_is_required_where_a_hearing_was_held(rw):
    from sanxiang.cases import services as case_services

    case = rw.major_case()
    type(case).objects.filter(pk=case.pk).update(
        attributes={**case.attributes, "hearing_held_on": "2026-03-09"}
    )
    case.refresh_from_db()
    error = refused(lambda: rw.submit(case), "review.submit.incomplete")
    assert error.details["missing"] == ["hearing_record"]
    assert case_services  # the hearing path itself is walked in test_gate


def test_intake_refusal_lists_missing_items_and_allows_a_new_round(rw):
    case = rw.major_case()
    review = rw.submit(case)
    refused(lambda: services.refuse(review, actor=rw.chief, missing=[]), "review.refuse.missing_required")
    refused(
        lambda: services.refuse(review, actor=rw.officer, missing=["evidence_list"]), "review.not_review_body"
    )
    review = services.refuse(review, actor=rw.chief, missing=["evidence_list"], reason="清单缺页码。")
    assert review.state == "refused" and review.missing == ["evidence_list"]
    assert rw.submit(case).round == 2


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("officer", "review.sod.reviewer_is_handler"),  # the handler of the case (I6)
        ("head", "review.sod.reviewer_is_approver"),  # approved the filing of the case
        ("head2", "review.reviewer.role"),  # not a reviewer
    ],
)
def test_separation_of_duties_in_assignment(rw, who, code):
    from sanxiang.org.services import role_group

    user = getattr(rw, who)
    user.groups.add(role_group(Role.REVIEWER))
    if who == "head2":
        user.groups.remove(role_group(Role.REVIEWER))
    user = type(user).objects.get(pk=user.pk)
    user.legal_qualification = "A1"
    user.save(update_fields=["legal_qualification"])
    review = accepted(rw, rw.major_case())
    refused(lambda: services.assign(review, actor=rw.chief, reviewer=user), code)


def test_a_handler_cannot_accept_or_assign(rw):
    from sanxiang.org.services import role_group

    rw.officer.groups.add(role_group(Role.REVIEWER))
    officer = type(rw.officer).objects.get(pk=rw.officer.pk)
    case = rw.major_case()
    review = rw.submit(case)
    refused(lambda: services.accept(review, actor=officer), "review.sod.handler")


def test_first_time_reviewer_needs_legal_qualification(rw):
    novice = staff(rw.agency, Role.REVIEWER, certified=False)
    review = accepted(rw, rw.major_case())
    error = refused(
        lambda: services.assign(review, actor=rw.chief, reviewer=novice), "review.reviewer.qualification"
    )
    assert "第58条第2款" in error.message
    # someone who already reviewed penalty decisions may go on without it (Art. 58(2): "初次")
    experienced = staff(rw.agency, Role.REVIEWER, certified=False, legal_qualification="A9")
    rw.pass_review(rw.major_case(), reviewer=experienced)
    type(experienced).objects.filter(pk=experienced.pk).update(legal_qualification="")
    experienced.refresh_from_db()
    assert services.assign(review, actor=rw.chief, reviewer=experienced).reviewer == experienced


def test_a_reviewer_of_another_agency_needs_an_appointment_as_legal_adviser(rw):
    other = AgencyFactory()
    lawyer = staff(other, Role.REVIEWER, certified=False, legal_qualification="L1", is_legal_adviser=True)
    plain = staff(other, Role.REVIEWER, certified=False, legal_qualification="L2")
    review = accepted(rw, rw.major_case())
    refused(lambda: services.assign(review, actor=rw.chief, reviewer=lawyer), "review.reviewer.other_agency")
    with pytest.raises(DomainError) as caught:
        services.appoint(
            rw.agency,
            actor=rw.head,
            user=plain,
            kind="public_lawyer",
            basis="聘书",
            starts_on=dt.date(2026, 1, 1),
        )
    assert caught.value.code == "review.appointment.not_adviser"
    services.appoint(
        rw.agency,
        actor=rw.head,
        user=lawyer,
        kind="public_lawyer",
        basis="聘书2026-1",
        starts_on=dt.date(2026, 1, 1),
    )
    review = services.assign(review, actor=rw.chief, reviewer=lawyer)
    # the adviser sees exactly the reviews assigned to them
    assert list(Review.objects.restrict(lawyer)) == [review]
    services.conclude(review, actor=lawyer, outcome="agree", opinion="同意。", findings=FINDINGS_OK)


def test_an_expired_appointment_no_longer_counts(rw):
    other = AgencyFactory()
    lawyer = staff(other, Role.REVIEWER, certified=False, legal_qualification="L1", is_legal_adviser=True)
    services.appoint(
        rw.agency,
        actor=rw.head,
        user=lawyer,
        kind="legal_adviser",
        basis="聘书",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    review = accepted(rw, rw.major_case())
    refused(lambda: services.assign(review, actor=rw.chief, reviewer=lawyer), "review.reviewer.other_agency")


def test_only_the_assigned_reviewer_concludes(rw):
    review = services.assign(accepted(rw, rw.major_case()), actor=rw.chief, reviewer=rw.reviewer)
    refused(
        lambda: services.conclude(
            review, actor=rw.chief, outcome="agree", opinion="同意。", findings=FINDINGS_OK
        ),
        "review.not_reviewer",
    )


def test_an_opinion_without_findings_on_every_aspect_is_refused(rw):
    review = services.assign(accepted(rw, rw.major_case()), actor=rw.chief, reviewer=rw.reviewer)
    partial = {k: v for k, v in FINDINGS_OK.items() if k != "documents"}
    error = refused(
        lambda: services.conclude(
            review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=partial
        ),
        "review.opinion.findings_incomplete",
    )
    assert "法律文书" in error.message
    review.refresh_from_db()
    assert review.state == "assigned"


def test_agreeing_despite_a_problem_or_objecting_without_one_is_refused(rw):
    review = services.assign(accepted(rw, rw.major_case()), actor=rw.chief, reviewer=rw.reviewer)
    problem = {**FINDINGS_OK, "procedure": ("problem", "告知不完整。")}
    refused(
        lambda: services.conclude(
            review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=problem
        ),
        "review.opinion.inconsistent",
    )
    refused(
        lambda: services.conclude(
            review, actor=rw.reviewer, outcome="disagree", opinion="不同意。", findings=FINDINGS_OK
        ),
        "review.opinion.no_problem",
    )
    with pytest.raises(DomainError) as caught:
        services.conclude(
            review,
            actor=rw.reviewer,
            outcome="amend",
            opinion="修改。",
            findings={**FINDINGS_OK, "law": ("problem", "")},
        )
    assert caught.value.code == "review.finding.notes_required"


def test_a_review_voided_while_assigned_can_no_longer_be_concluded(rw):
    case = rw.major_case()
    review = services.assign(accepted(rw, case), actor=rw.chief, reviewer=rw.reviewer)
    rw.revise(case, fine_amount="59000")
    refused(
        lambda: services.conclude(
            review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=FINDINGS_OK
        ),
        "review.state",
    )
    assert rw.submit(case).proposal.version == 2


def test_opinion_fields_for_the_document(rw):
    from sanxiang.review.selectors import opinion_fields

    review = rw.pass_review(rw.major_case())
    doc = opinion_fields(review)
    assert doc["document"] == "法制审核意见书"
    assert doc["outcome"] == "agree" and doc["reviewer"] == rw.reviewer.display_name
    assert [f["aspect"] for f in doc["findings"]] == [
        "subject",
        "authority",
        "procedure",
        "facts",
        "law",
        "documents",
    ]
    assert doc["proposal"]["fine_amount"] == "60000.00"
    assert doc["major_because"][0]["code"] == "FINE-O"
