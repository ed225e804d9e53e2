"""Guards of the foundation: certificates and the two-officer rule (I5), simple-procedure limits,
limitation, minors, the notice and hearing windows — each refusing with a stable code."""

import datetime as dt

import pytest

from sanxiang.cases import services
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.org.services import change_certificate_status
from tests.cases.walk import PATHS, inputs_for, walk
from tests.factories import certify, company, person, staff

pytestmark = pytest.mark.django_db


def filed(world, **fields):
    case = world.case(**fields)
    return services.transition(case, "file", actor=world.head)


def test_on_site_act_needs_two_officers(world):
    case = filed(world)
    with pytest.raises(DomainError) as refused:
        services.transition(
            case, "inspect", actor=world.officer, data={"officers": [world.officer.username], "findings": "x"}
        )
    assert refused.value.code == "org.officers.too_few"


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_suspended_or_revoked_certificate_blocks(world, status):
    case = filed(world)
    change_certificate_status(world.partner.certificates.get(), status=status, reason="测试", actor=None)
    with pytest.raises(DomainError) as refused:
        services.transition(case, "inspect", actor=world.officer, data=inputs_for(world, case, "inspect"))
    assert refused.value.code == "org.officers.certificate_invalid"
    assert refused.value.details["officer"] == world.partner.username


def test_expired_certificate_blocks_on_the_act_date(world):
    from sanxiang.org.models import User

    expired = staff(world.agency, "officer", certified=False)
    certify(expired, valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2025, 12, 31))
    case = filed(world)
    data = {"officers": [world.officer.username, expired.username], "findings": "x"}
    with pytest.raises(DomainError) as refused:
        services.transition(case, "inspect", actor=world.officer, data=data)
    assert refused.value.code == "org.officers.certificate_invalid"
    # the same certificate was valid for an act dated before it expired
    data["acted_on"] = "2025-12-30"
    services.transition(case, "inspect", actor=world.officer, data=data)
    assert User.objects.get(pk=expired.pk)


def test_certificate_must_cover_the_items_field(world):
    from sanxiang.org.models import Field

    other_field = Field.objects.create(code="ecology", name="生态环境")
    wrong = staff(world.agency, "officer", certified=False)
    certify(wrong, fields=[other_field])
    case = filed(world)
    with pytest.raises(DomainError):
        services.transition(
            case,
            "inspect",
            actor=world.officer,
            data={"officers": [world.officer.username, wrong.username], "findings": "x"},
        )


def test_officer_of_another_agency_is_unknown_here(world):
    from tests.factories import World

    stranger = World().officer
    case = filed(world)
    with pytest.raises(InvalidInput) as refused:
        services.transition(
            case,
            "inspect",
            actor=world.officer,
            data={"officers": [world.officer.username, stranger.username], "findings": "x"},
        )
    assert refused.value.code == "case.input.officer_unknown"


@pytest.mark.parametrize(
    ("party_kind", "fine", "allowed"),
    [
        ("person", "200", True),
        ("person", "200.01", False),
        ("organisation", "3000", True),
        ("organisation", "3001", False),
    ],
)
def test_simple_procedure_thresholds_are_inclusive(world, party_kind, fine, allowed):
    party = person(world.agency) if party_kind == "person" else company(world.agency)
    case = world.case("penalty.simple", party=party)
    data = inputs_for(world, case, "decide_on_site") | {"fine_amount": fine}
    if allowed:
        services.transition(case, "decide_on_site", actor=world.officer, data=data)
    else:
        with pytest.raises(DomainError) as refused:
            services.transition(case, "decide_on_site", actor=world.officer, data=data)
        assert refused.value.code == "case.simple.fine_too_high"


def test_simple_procedure_only_warning_or_fine(world):
    case = world.case("penalty.simple")
    data = inputs_for(world, case, "decide_on_site") | {"penalty_types": ["fine", "warning"]}
    services.transition(case, "decide_on_site", actor=world.officer, data=data)
    case2 = world.case("penalty.simple")
    with pytest.raises(InvalidInput):
        services.transition(
            case2, "decide_on_site", actor=world.officer, data=data | {"penalty_types": ["revoke_licence"]}
        )


def test_limitation_period_blocks_filing(world):
    case = world.case(act_date=dt.date(2024, 3, 9))  # more than two years before 2026-03-10
    with pytest.raises(DomainError) as refused:
        services.transition(case, "file", actor=world.head)
    assert refused.value.code == "case.limitation.expired"
    services.transition(case, "file", actor=world.head, data={"serious_harm": True})  # five years


def test_minor_under_14_is_not_penalised(world):
    child = person(world.agency, birth=dt.date(2013, 1, 1), name="小明")
    case = walk(world, world.case(party=child, act_date=dt.date(2026, 3, 1)), PATHS["penalty.general"][:3])
    with pytest.raises(DomainError) as refused:
        services.transition(case, "propose", actor=world.officer, data=inputs_for(world, case, "propose"))
    assert refused.value.code == "case.party.minor_no_penalty"


def test_decision_waits_for_the_statement_window(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:4])
    services.transition(case, "notify", actor=world.officer, data={"served_on": "2026-03-10"})
    with pytest.raises(DomainError) as refused:
        services.transition(case, "decide", actor=world.head)
    assert refused.value.code == "case.notice.period_running"
    assert "2026-03-17" in refused.value.message  # 5 working days after Tue 03-10
    with clock.frozen(dt.date(2026, 3, 18)):
        services.transition(case, "decide", actor=world.head)


def test_hearing_requested_must_be_held_before_decision(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:4])
    services.transition(
        case, "notify", actor=world.officer, data={"served_on": "2026-03-09", "hearing_right": True}
    )
    services.transition(case, "request_hearing", actor=world.officer, data={"requested_on": "2026-03-10"})
    with pytest.raises(DomainError) as refused:
        services.transition(
            case,
            "schedule_hearing",
            actor=world.officer,
            data={"notified_on": "2026-03-10", "hearing_on": "2026-03-16", "place": "听证室"},
        )
    assert refused.value.code == "case.hearing.notice_too_short"
    services.transition(
        case,
        "schedule_hearing",
        actor=world.officer,
        data={"notified_on": "2026-03-10", "hearing_on": "2026-03-19", "place": "听证室"},
    )
    with clock.frozen(dt.date(2026, 3, 19)):
        services.transition(case, "hold_hearing", actor=world.head, data={"transcript": "当事人陈述意见。"})
        services.transition(case, "decide", actor=world.head)


def test_penalty_cannot_grow_after_notice(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:5])
    data = inputs_for(world, case, "propose") | {"fine_amount": "9000"}
    services.transition(case, "revise_proposal", actor=world.officer, data=data)
    with pytest.raises(DomainError) as refused:
        services.transition(case, "decide", actor=world.head)
    assert refused.value.code == "case.notice.heavier_than_notified"


def test_service_date_before_decision_is_refused(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:6])
    with pytest.raises(InvalidInput) as refused:
        services.transition(
            case, "serve", actor=world.officer, data={"served_on": "2026-03-01", "method": "direct"}
        )
    assert refused.value.code == "case.service.before_decision"


def test_seizure_term_extends_once(world):
    case = walk(world, world.case("coercion.measure"), PATHS["coercion.measure"][:2])
    term = case.deadlines.get(code="term")
    assert term.due_on == dt.date(2026, 4, 9)  # 30 calendar days after 03-10
    services.transition(case, "extend", actor=world.head, data={"summary": "案情复杂"})
    term.refresh_from_db()
    # 60 days → 05-09, a Saturday but a Labour Day make-up workday (调休): no roll-forward (TIME-06)
    assert term.due_on == dt.date(2026, 5, 9)
    with pytest.raises(DomainError) as refused:
        services.transition(case, "extend", actor=world.head, data={"summary": "再延"})
    assert refused.value.code == "case.deadline.extension_limit"


def test_clock_pause_moves_the_decision_deadline(world):
    case = filed(world)
    due = case.deadlines.get(code="decision").due_on
    services.transition(case, "pause_clock", actor=world.head, data={"pause_reason": "appraisal"})
    with clock.frozen(dt.date(2026, 3, 20)):
        services.transition(case, "resume_clock", actor=world.head)
    assert case.deadlines.get(code="decision").due_on >= due + dt.timedelta(days=10)


def test_permit_deadline_counts_working_days(world):
    case = world.case("permit")
    services.transition(case, "accept", actor=world.officer)
    deadline = case.deadlines.get(code="decision")
    assert deadline.unit == "working_days" and deadline.due_on == dt.date(2026, 4, 8)
    assert "行政许可法" in deadline.citation
