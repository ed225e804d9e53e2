"""The demo hooks: the walker can decide a major case after the hook passed its review, and the
showcase leaves major cases mid-way for each screen."""

import pytest

from sanxiang.cases import services as case_services
from sanxiang.demo.hooks import DemoHooks
from sanxiang.review import demo
from sanxiang.review.models import Contest, Review
from tests.cases.walk import PATHS, inputs_for
from tests.review.helpers import ReviewWorld

pytestmark = pytest.mark.django_db


def test_walker_decides_a_major_case_after_the_hook():
    world = ReviewWorld(catalog=False)
    hooks = DemoHooks()
    demo.register(hooks)
    case = world.case()
    for name, who in PATHS["penalty.general"]:
        data = inputs_for(world, case, name)
        if name == "propose":
            data.update(fine_amount="150000", reasons_discretion="")
        case.refresh_from_db()
        data.update(hooks.run_before(case, name, None))
        case = case_services.transition(case, name, actor=getattr(world, who), data=data)
        hooks.run_after(case, name, None)
    assert case.stage == "closed"
    passed = Review.objects.get(case=case, passed=True)
    assert passed.proposal.version == 2  # the hook added the missing discretion reasons


def test_showcase_leaves_cases_mid_way_and_is_idempotent():
    world = ReviewWorld(catalog=False)
    demo._showcase(None)
    states = sorted(Review.objects.values_list("state", "outcome"))
    assert ("submitted", "") in states and ("concluded", "return") in states
    assert Contest.objects.filter(state="referred").count() == 1
    assert Review.objects.overdue().count() == 1
    demo._showcase(None)
    assert Review.objects.count() == len(states)
    assert world
