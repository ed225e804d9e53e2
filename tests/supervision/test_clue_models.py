"""线索模型: each model with a case it must catch and one it must not; a hit registers one clue
(once, however often the models run) and opens its follow-up item."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.core import clock
from sanxiang.records import access, samples
from sanxiang.records.evidence import add_evidence
from sanxiang.review import services as review_services
from sanxiang.supervision.choices import ClueChannel
from sanxiang.supervision.models import Clue, FollowUp
from sanxiang.supervision.services.clue_models import MODELS, run_clue_models
from tests.cases.walk import PATHS, walk
from tests.publicity.helpers import decided_case, publication_of
from tests.review.helpers import ReviewWorld, make_catalog
from tests.supervision.helpers import Bureau, on

TODAY = dt.date(2026, 3, 10)


def hits(code, today=TODAY):
    return list(MODELS[code].detect(today))


def test_every_model_is_declared_with_a_source():
    assert set(MODELS) == {
        "CM-UNPUBLISHED",
        "CM-REVIEW-OVERDUE",
        "CM-UNDER-THRESHOLD",
        "CM-PAIR",
        "CM-LATE-EVIDENCE",
        "CM-NO-SERVICE",
        "CM-OFF-HOURS",
    }
    assert all(m.source and m.description for m in MODELS.values())


def test_decisions_not_published(world):
    case = decided_case(world)
    due = publication_of(case).due_on
    assert hits("CM-UNPUBLISHED", due) == []
    [hit] = hits("CM-UNPUBLISHED", due + dt.timedelta(days=1))
    assert hit.cases == [case]


def test_overdue_reviews(db):
    world = ReviewWorld()
    case = world.major_case()
    review = review_services.accept(world.submit(case), actor=world.chief)
    assert hits("CM-REVIEW-OVERDUE", review.due_on) == []
    assert len(hits("CM-REVIEW-OVERDUE", review.due_on + dt.timedelta(days=1))) == 1


def test_penalties_just_under_a_review_threshold(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:6])  # fine 8000, organisation
    assert case.fine_amount == Decimal("8000")
    make_catalog(
        world.agency,
        criteria=[
            {"code": "F", "kind": "fine_at_least", "description": "2万元以上", "amount": Decimal("20000")}
        ],
    )
    assert hits("CM-UNDER-THRESHOLD") == []
    make_catalog(world.agency, effective_from=dt.date(2026, 1, 1), criteria=[
        {"code": "F", "kind": "fine_at_least", "description": "8500元以上", "amount": Decimal("8500")}
    ])  # fmt: skip
    [hit] = hits("CM-UNDER-THRESHOLD")
    assert hit.cases == [case]


def test_repeated_party_officer_pairs(world):
    from tests.factories import company

    party = company(world.agency)
    world.case(party=party)
    world.case(party=party)
    assert hits("CM-PAIR") == []
    world.case(party=party)
    found = hits("CM-PAIR")
    assert len(found) == 2  # both handlers of the three cases
    assert all(len(h.cases) == 3 for h in found)


def _evidence(world, case):
    return add_evidence(
        case=case,
        source=io.BytesIO(samples.jpeg(f"{case.pk}-{clock.now()}")),
        actor=world.officer,
        title="补充照片",
        evidence_type="audiovisual",
        media_kind="photo",
        filename="p.jpg",
    )


def test_evidence_uploaded_after_the_decision_date(world):
    case = decided_case(world)
    item = _evidence(world, case)
    assert item.step in ("investigation", "decision", "start")
    assert hits("CM-LATE-EVIDENCE") == []
    Case.objects.filter(pk=case.pk).update(
        decided_on=timezone.localdate(item.uploaded_at) - dt.timedelta(days=3)
    )
    [hit] = hits("CM-LATE-EVIDENCE")
    assert hit.cases[0].pk == case.pk


def test_cases_closed_without_service(world):
    case = decided_case(world)
    Case.objects.filter(pk=case.pk).update(closed_on=TODAY, served_on=TODAY)
    assert hits("CM-NO-SERVICE") == []
    Case.objects.filter(pk=case.pk).update(served_on=None)
    assert [h.cases[0].pk for h in hits("CM-NO-SERVICE")] == [case.pk]


def test_off_hours_bulk_access(world):
    case = world.case()
    with clock.frozen(dt.datetime(2026, 3, 10, 10, 0)):  # a Tuesday morning: office hours
        for _ in range(20):
            access.log_access(world.officer, case, "web", "办案")
    assert hits("CM-OFF-HOURS") == []
    with clock.frozen(dt.datetime(2026, 3, 7, 22, 30)):  # a Saturday night
        for _ in range(19):
            access.log_access(world.partner, case, "web", "查看")
    assert hits("CM-OFF-HOURS") == []
    with clock.frozen(dt.datetime(2026, 3, 7, 23, 30)):
        access.log_access(world.partner, case, "web", "查看")
    [hit] = hits("CM-OFF-HOURS")
    assert hit.officers == [world.partner]


def test_a_hit_registers_one_clue_with_its_follow_up_at_the_justice_bureau(world):
    bureau = Bureau(world)
    case = decided_case(world)
    late = publication_of(case).due_on + dt.timedelta(days=1)
    with on(late):
        [clue] = run_clue_models(codes=["CM-UNPUBLISHED"])
        assert run_clue_models(codes=["CM-UNPUBLISHED"]) == []
    assert clue.channel == ClueChannel.MODEL and clue.agency == bureau.agency
    assert list(clue.cases.all()) == [case] and list(clue.agencies.all()) == [world.agency]
    assert FollowUp.objects.filter(clue=clue).count() == 1
    assert Clue.objects.count() == 1


@pytest.mark.parametrize("code", sorted(MODELS))
def test_each_model_runs_on_empty_data(db, code):
    assert run_clue_models(codes=[code]) == []
