"""Review time limit (SX-REV-01): working days across holidays and make-up workdays, agency
override, one extension approved by the head, overdue reviews seen by the head and supervisors."""

import datetime as dt

import pytest

from sanxiang.catalog import rules
from sanxiang.catalog.services import set_rule_parameter
from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.review import panels, services
from sanxiang.review.models import Review
from tests.factories import staff
from tests.review.helpers import FINDINGS_OK, ReviewWorld

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accepted_on", "due_on"),
    [
        # Tue 2026-03-10: an ordinary week
        (dt.date(2026, 3, 10), dt.date(2026, 3, 17)),
        # National Day 2026 (10-01..10-07 off), Sat 10-10 a make-up workday
        (dt.date(2026, 9, 29), dt.date(2026, 10, 12)),
        # Spring Festival 2026 (02-15..02-23 off), Sat 02-14 a make-up workday
        (dt.date(2026, 2, 13), dt.date(2026, 2, 27)),
    ],
)
def test_due_date_counts_working_days_across_holidays(accepted_on, due_on):
    with clock.frozen(accepted_on):
        rw = ReviewWorld(catalog=False)
        from tests.review.helpers import make_catalog

        make_catalog(rw.agency, effective_from=dt.date(2020, 1, 1))
        review = services.accept(rw.submit(rw.major_case()), actor=rw.chief)
    assert (review.accepted_on, review.due_on) == (accepted_on, due_on)
    assert "SX-REV-01" in review.deadline_citation


def test_agency_override_of_the_period():
    rw = ReviewWorld()
    set_rule_parameter(
        "SX-REV-01.deadline",
        value={"value": 10},
        effective_from=None,
        source="市场监管系统（REV-08）",
        actor=None,
        agency=rw.agency,
    )
    rules.cache.invalidate()
    review = services.accept(rw.submit(rw.major_case()), actor=rw.chief)
    assert review.due_on == dt.date(2026, 3, 24)  # 10 working days after Tue 03-10


def test_extension_once_by_the_head_with_a_reason():
    rw = ReviewWorld()
    review = services.assign(
        services.accept(rw.submit(rw.major_case()), actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer
    )
    for actor, code in ((rw.reviewer, "review.not_head"), (rw.officer, "review.not_head")):
        with pytest.raises(DomainError) as caught:
            services.extend(review, actor=actor, reason="材料较多。")
        assert caught.value.code == code
    with pytest.raises(DomainError) as caught:
        services.extend(review, actor=rw.head2, reason=" ")
    assert caught.value.code == "review.input.required"
    review = services.extend(review, actor=rw.head2, reason="涉及多个法律关系，需要研究。")
    assert review.due_on == dt.date(2026, 3, 24) and review.extensions == 1
    with pytest.raises(DomainError) as caught:
        services.extend(review, actor=rw.head2, reason="再延长。")
    assert caught.value.code == "review.extension.limit"


def test_an_opinion_past_the_deadline_needs_an_explanation_and_overdue_is_visible():
    rw = ReviewWorld()
    review = services.assign(
        services.accept(rw.submit(rw.major_case()), actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer
    )
    supervisor_agency = rw.agency
    supervisor = staff(supervisor_agency, Role.SUPERVISOR, certified=False)
    with clock.frozen(dt.datetime(2026, 3, 18, 10)):
        assert Review.objects.overdue().count() == 1
        assert panels.head_panel(rw.head)["overdue_count"] == 1
        assert panels.supervisor_panel(supervisor)["overdue_count"] == 1
        assert panels.tick() == {"overdue_reviews": 1}
        with pytest.raises(DomainError) as caught:
            services.conclude(
                review, actor=rw.reviewer, outcome="agree", opinion="同意。", findings=FINDINGS_OK
            )
        assert caught.value.code == "review.opinion.overdue" and "2026-03-17" in caught.value.message
        review = services.conclude(
            review,
            actor=rw.reviewer,
            outcome="agree",
            opinion="同意。",
            findings=FINDINGS_OK,
            late_reason="等待鉴定意见。",
        )
        assert review.passed and review.late_reason
        assert Review.objects.overdue().count() == 0
