"""Disagreement (协调机制): the case unit contests, the head decides or refers the matter to
collective discussion (PEN-17); the chain of opinions stays in the record."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.records.models import Entry
from sanxiang.review import services
from tests.review.helpers import FINDINGS_OK, ReviewWorld

pytestmark = pytest.mark.django_db

PROBLEM = {**FINDINGS_OK, "law": ("problem", "裁量过重。")}


@pytest.fixture
def rw(db):
    return ReviewWorld()


def disagreed(rw, case, outcome="disagree"):
    review = services.assign(
        services.accept(rw.submit(case), actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer
    )
    return services.conclude(
        review, actor=rw.reviewer, outcome=outcome, opinion="建议减轻。", findings=PROBLEM
    )


def test_contest_referred_to_collective_discussion_then_decided(rw):
    case = rw.major_case()
    review = disagreed(rw, case)
    contest = services.contest(review, actor=rw.officer, reasons="当事人拒不改正，不符合减轻条件。")
    with pytest.raises(DomainError) as caught:
        services.contest(review, actor=rw.partner, reasons="再提一次")
    assert caught.value.code == "review.contest.duplicate"
    with pytest.raises(DomainError) as caught:
        rw.decide(case)
    assert caught.value.code == "review.gate.not_passed"
    contest = services.decide_contest(contest, actor=rw.head2, decision="refer", reasons="提交集体讨论。")
    assert contest.state == "referred"
    with pytest.raises(DomainError) as caught:
        services.hold_discussion(
            case,
            actor=rw.head2,
            held_on=dt.date(2026, 3, 10),
            attendees=[rw.head3],
            minutes="讨论。",
            outcome="approve",
            contest=contest,
        )
    assert caught.value.code == "review.discussion.quorum"
    services.hold_discussion(
        case,
        actor=rw.head2,
        held_on=dt.date(2026, 3, 10),
        attendees=[rw.head3, rw.head],
        minutes="经讨论，维持拟处理意见。",
        outcome="approve",
        contest=contest,
    )
    review.refresh_from_db()
    assert review.passed and review.passed_by == "discussion"
    case = rw.decide(case)
    assert case.stage == "decided"
    chain = list(Entry.objects.filter(case=case, kind__startswith="review.").values_list("kind", flat=True))
    assert chain[-5:] == [
        "review.concluded",
        "review.contested",
        "review.head_decision",
        "review.discussion",
        "review.responsibility",
    ]


def test_discussion_rejecting_the_proposal_keeps_the_gate_closed(rw):
    case = rw.major_case()
    contest = services.contest(disagreed(rw, case), actor=rw.officer, reasons="理由。")
    contest = services.decide_contest(contest, actor=rw.head2, decision="refer", reasons="讨论。")
    services.hold_discussion(
        case,
        actor=rw.head2,
        held_on=dt.date(2026, 3, 10),
        attendees=[rw.head3, rw.head],
        minutes="不同意。",
        outcome="reject",
        contest=contest,
    )
    with pytest.raises(DomainError) as caught:
        rw.decide(case)
    assert caught.value.code == "review.gate.not_passed"


@pytest.mark.parametrize(("decision", "passes"), [("uphold", False), ("overrule", True)])
def test_the_head_decides_alone(rw, decision, passes):
    case = rw.major_case()
    review = disagreed(rw, case, outcome="amend")
    contest = services.contest(review, actor=rw.officer, reasons="理由。")
    with pytest.raises(DomainError) as caught:
        services.decide_contest(contest, actor=rw.officer, decision=decision, reasons="x")
    assert caught.value.code == "review.not_head"
    services.decide_contest(contest, actor=rw.head2, decision=decision, reasons="负责人意见。")
    review.refresh_from_db()
    assert review.passed is passes
    if passes:
        assert rw.decide(case).stage == "decided"


def test_agreeing_or_returned_opinions_cannot_be_contested(rw):
    case = rw.major_case()
    review = rw.pass_review(case)
    with pytest.raises(DomainError) as caught:
        services.contest(review, actor=rw.officer, reasons="x")
    assert caught.value.code == "review.contest.state"


def test_a_new_proposal_voids_a_pending_contest(rw):
    case = rw.major_case()
    contest = services.contest(disagreed(rw, case), actor=rw.officer, reasons="理由。")
    rw.revise(case, fine_amount="55000")
    contest.refresh_from_db()
    assert contest.state == "voided"


def test_complex_case_needs_collective_discussion_of_the_current_proposal(rw):
    case = rw.major_case()
    services.add_flag(case, actor=rw.officer, code="complex", reason="涉及多个法律关系。")
    rw.pass_review(case)
    with pytest.raises(DomainError) as caught:
        rw.decide(case)
    assert caught.value.code == "review.gate.discussion_required"
    services.hold_discussion(
        case,
        actor=rw.head2,
        held_on=dt.date(2026, 3, 10),
        attendees=[rw.head3, rw.head],
        minutes="同意。",
        outcome="approve",
    )
    assert rw.decide(case).stage == "decided"


def test_a_criterion_requiring_discussion(rw):
    case = rw.major_case(penalty_types=["fine", "order_suspension"])
    assert services.current_classification(case).discussion_required
    rw.pass_review(case)
    with pytest.raises(DomainError) as caught:
        rw.decide(case)
    assert caught.value.code == "review.gate.discussion_required"
