"""Each time limit computed from its rule parameter (with its source), across holidays, make-up
workdays, extensions and suspensions; the tick marks overdue states and raises alerts once."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.cases import deadlines
from sanxiang.cases.models import AlertKind, DeadlineAlert
from sanxiang.cases.workflow import DeadlineSpec
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError
from sanxiang.documents import services as documents
from sanxiang.records import samples
from tests.cases.walk import PATHS, walk
from tests.documents.helpers import fire, general_case
from tests.records.helpers import prepare_act

pytestmark = pytest.mark.django_db

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def test_penalty_decision_90_days_rolls_past_national_day_extends_once_and_pauses(world):
    """PEN-19: 90 calendar days from filing; the last day (10-03) is a holiday → first working day
    after the Golden Week (TIME-06). PEN-20: one 30-day extension. TIME-09: hearing time excluded."""
    with clock.frozen(D(2026, 7, 5)):
        case = fire(world, world.case(), "file", "head", acted_on="2026-07-05")
    decision = case.deadlines.get(code="decision")
    assert (decision.amount, decision.unit, decision.due_on) == (90, "calendar_days", D(2026, 10, 8))
    assert decision.citation == "行政处罚法 Art. 60（PEN-19）"
    with clock.frozen(D(2026, 8, 11)):
        fire(
            world,
            case,
            "pause_clock",
            "head",
            acted_on="2026-08-01",
            pause_reason="hearing",
            summary="举行听证",
        )
        fire(world, case, "resume_clock", "head", acted_on="2026-08-11")
        decision.refresh_from_db()
        assert decision.paused_amount == 10 and decision.due_on == D(2026, 10, 13)
        assert decision.pauses == [
            {"from": "2026-08-01", "to": "2026-08-11", "reason": "听证：举行听证", "amount": 10}
        ]
        fire(world, case, "extend", "head", summary="案情复杂，经负责人批准延长")
        decision.refresh_from_db()
        assert decision.extensions == 1 and decision.due_on == D(2026, 11, 12)
        with pytest.raises(DomainError) as refused:
            fire(world, case, "extend", "head", summary="再次延长")
        assert refused.value.code == "case.deadline.extension_limit" and "PEN-20" in refused.value.message


def test_statement_and_hearing_windows_count_working_days_across_spring_festival(world):
    """SX-CASE-01 / HEAR-03: 5 working days from service of the notice — the make-up Saturday
    (02-14) counts, the Spring Festival week does not."""
    case = general_case(world, until="propose")
    fire(world, case, "notify", served_on="2026-02-12", hearing_right=True)
    statement = case.deadlines.get(code="statement")
    hearing = case.deadlines.get(code="hearing_request")
    assert statement.due_on == hearing.due_on == D(2026, 2, 26)
    assert statement.unit == hearing.unit == "working_days"
    assert "HEAR-03" in hearing.citation and "SX-CASE-01" in statement.citation
    fire(world, case, "request_hearing", requested_on="2026-02-26")
    hearing.refresh_from_db()
    assert hearing.status == "met"


def test_hearing_notice_must_precede_the_hearing_by_7_working_days(world):
    """HEAR-04, counted in working days."""
    case = general_case(world, until="propose")
    fire(world, case, "notify", served_on="2026-02-02", hearing_right=True)
    fire(world, case, "request_hearing", requested_on="2026-02-03")
    with pytest.raises(DomainError) as refused:
        fire(
            world, case, "schedule_hearing", notified_on="2026-02-10", hearing_on="2026-02-24", place="听证室"
        )
    assert refused.value.code == "case.hearing.notice_too_short" and "2026-02-26" in refused.value.message
    fire(world, case, "schedule_hearing", notified_on="2026-02-10", hearing_on="2026-02-26", place="听证室")


def test_service_within_7_working_days_then_payment_within_15_days(world):
    """PEN-21 from the decision; PEN-29 from the day service took effect."""
    case = general_case(world)
    service = case.deadlines.get(code="service")
    assert (service.due_on, service.unit) == (D(2026, 3, 19), "working_days") and "PEN-21" in service.citation
    case = walk(world, case, [("serve", "officer")])
    service.refresh_from_db()
    payment = case.deadlines.get(code="payment")
    assert service.status == "met"
    assert (payment.due_on, payment.unit) == (
        D(2026, 3, 25),
        "calendar_days",
    ) and "PEN-29" in payment.citation


def test_public_notice_is_deemed_served_after_30_days_and_starts_payment_then(world):
    """PEN-22: the date entered is the publication; service takes effect 30 days later."""
    case = general_case(world, until="propose")
    fire(world, case, "notify", served_on="2026-02-02", rights_waived=True)
    case = fire(world, case, "decide", "head", acted_on="2026-02-04")
    document = documents.issue(case, "penalty_decision", actor=world.officer, on=D(2026, 2, 4))
    photo = documents.Upload(io.BytesIO(samples.png("notice board")), "notice.png", "image/png", "photo")
    record = documents.record_service(
        document, actor=world.officer, method="public_notice", served_on=D(2026, 2, 5), proofs=[photo]
    )
    case.refresh_from_db()
    assert record.effective_on == case.served_on == D(2026, 3, 7)
    assert case.attributes["notice_published_on"] == "2026-02-05"
    assert case.deadlines.get(code="payment").due_on == D(2026, 3, 23)  # 03-22 is a Sunday


def test_seizure_30_plus_30_days_with_appraisal_excluded(world):
    """FORCE-07: 30 days, one extension of 30; the second extension is refused; testing time
    excluded. 05-09 is a make-up Saturday, a working day: no roll-forward."""
    case = walk(world, world.case("coercion.measure"), PATHS["coercion.measure"][:2])
    term = case.deadlines.get(code="term")
    assert (term.due_on, term.amount) == (D(2026, 4, 9), 30) and "FORCE-07" in term.citation
    fire(world, case, "extend", "head", summary="情况复杂")
    term.refresh_from_db()
    assert term.due_on == D(2026, 5, 9) and calendar.is_working_day(D(2026, 5, 9))
    with pytest.raises(DomainError) as refused:
        fire(world, case, "extend", "head", summary="再延长")
    assert refused.value.code == "case.deadline.extension_limit"
    with clock.frozen(D(2026, 3, 25)):
        fire(world, case, "pause_clock", "head", acted_on="2026-03-15", pause_reason="appraisal")
        fire(world, case, "resume_clock", "head", acted_on="2026-03-25")
    term.refresh_from_db()
    assert term.paused_amount == 10 and term.due_on == D(2026, 5, 19)


def test_emergency_measure_must_be_ratified_within_24_hours(world):
    """FORCE-04 counts hours: the clock runs from the moment of the act."""
    case = world.case("coercion.measure")
    data = {"officers": world.officers(), "measure": "detain", "items": "冻品3箱", "place": "冷库"}
    prepare_act(world, case, "execute_emergency", data)  # the body-camera video I4 requires
    case = fire(world, case, "execute_emergency", **data)
    ratification = case.deadlines.get(code="ratification")
    assert ratification.unit == "hours" and ratification.amount == 24
    assert ratification.due_at == clock.now() + dt.timedelta(hours=24)
    deadlines.tick(clock.now() + dt.timedelta(hours=23))
    ratification.refresh_from_db()
    assert ratification.status == "running"
    deadlines.tick(clock.now() + dt.timedelta(hours=25))
    ratification.refresh_from_db()
    assert ratification.status == "overdue"
    assert DeadlineAlert.objects.filter(deadline=ratification, kind=AlertKind.OVERDUE).count() == 1


def test_ratified_in_time_is_met(world):
    case = world.case("coercion.measure")
    data = {"officers": world.officers(), "measure": "detain", "items": "冻品3箱", "place": "冷库"}
    prepare_act(world, case, "execute_emergency", data)  # the body-camera video I4 requires
    case = fire(world, case, "execute_emergency", **data)
    fire(world, case, "ratify", "head")
    assert case.deadlines.get(code="ratification").status == "met"


def test_permit_20_plus_10_working_days_and_licence_issue_10(world):
    """LIC-03 (all licensing periods in working days, TIME-02), LIC-04 clock stop, LIC-06."""
    case = walk(world, world.case("permit"), PATHS["permit"][:1])
    decision = case.deadlines.get(code="decision")
    assert decision.due_on == D(2026, 4, 8) and "LIC-03" in decision.citation
    fire(world, case, "extend", "head", summary="需要专家评审")
    decision.refresh_from_db()
    assert decision.due_on == calendar.add_working_days(D(2026, 3, 10), 30) == D(2026, 4, 22)
    with clock.frozen(D(2026, 3, 20)):
        fire(world, case, "pause_clock", "head", acted_on="2026-03-13", pause_reason="expert_review")
        fire(world, case, "resume_clock", "head", acted_on="2026-03-20")
    decision.refresh_from_db()
    assert decision.paused_amount == 5 and decision.due_on == calendar.add_working_days(D(2026, 3, 10), 35)
    case = walk(world, case, PATHS["permit"][1:3])
    issue = case.deadlines.get(code="issue")
    assert issue.due_on == D(2026, 3, 24) and "LIC-06" in issue.citation


def test_evidence_preservation_decision_within_7_working_days(world):
    case = general_case(world, until="file")
    fire(world, case, "preserve_evidence", officers=world.officers(), items="样品3件")
    deadline = case.deadlines.get(code="preservation")
    assert deadline.due_on == D(2026, 3, 19) and "PEN-12" in deadline.citation


def test_tick_marks_overdue_and_raises_each_alert_once(world, settings, django_capture_on_commit_callbacks):
    settings.SANXIANG_DEADLINE_MAIL = True
    world.officer.email = "officer@example.invalid"
    world.officer.save(update_fields=["email"])
    case = general_case(world, until="file")
    fire(world, case, "preserve_evidence", officers=world.officers(), items="样品3件")  # due 03-19
    with clock.frozen(D(2026, 3, 17)), django_capture_on_commit_callbacks(execute=True):
        result = deadlines.tick()
    assert result["alerts_raised"] >= 1
    soon = DeadlineAlert.objects.get(case=case, kind=AlertKind.DUE_SOON)
    assert "先行登记保存" in soon.message and "PEN-12" in soon.message
    with clock.frozen(D(2026, 3, 18)):
        assert deadlines.tick()["alerts_raised"] == 0
    with clock.frozen(D(2026, 3, 20)):
        result = deadlines.tick()
    assert result["newly_overdue"] >= 1
    deadline = case.deadlines.get(code="preservation")
    assert deadline.status == "overdue" and deadline.overdue_since == D(2026, 3, 20)
    assert DeadlineAlert.objects.filter(case=case, kind=AlertKind.OVERDUE).count() == 1
    with clock.frozen(D(2026, 3, 23)):
        deadlines.tick()
    assert DeadlineAlert.objects.filter(case=case, kind=AlertKind.OVERDUE).count() == 1
    assert any("先行登记保存" in m.body for m in mail.outbox)
    deadlines.acknowledge(soon, actor=world.officer)
    soon.refresh_from_db()
    assert soon.acknowledged_by == world.officer


def test_tick_command_reports(world, capsys):
    from django.core.management import call_command

    call_command("tick")
    assert "cases.deadlines" in capsys.readouterr().out


def test_late_payment_surcharge_is_3_percent_a_day_capped_at_the_fine():
    """PEN-31: 3 % per day, never more than the fine; appeal days do not count."""
    fine = Decimal("1000")
    due = D(2026, 3, 25)
    assert deadlines.late_payment_surcharge(fine, due, D(2026, 3, 25)) == Decimal("0.00")
    assert deadlines.late_payment_surcharge(fine, due, D(2026, 4, 4)) == Decimal("300.00")
    assert deadlines.late_payment_surcharge(fine, due, D(2026, 4, 4), paused_days=4) == Decimal("180.00")
    assert deadlines.late_payment_surcharge(fine, due, D(2027, 1, 1)) == fine


def test_extension_in_another_unit_is_refused(world):
    case = walk(world, world.case("permit"), PATHS["permit"][:1])
    with pytest.raises(DomainError) as refused:
        deadlines.extend(case, "decision", "PEN-20.extension", clock.today())
    assert refused.value.code == "case.deadline.extension_unit"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(
    start=st.dates(min_value=D(2025, 1, 2), max_value=D(2026, 10, 1)),
    offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=30),
    unit=st.sampled_from(["working_days", "calendar_days"]),
)
def test_a_suspension_moves_the_due_date_by_exactly_its_length(permit_case, start, offset, length, unit):
    """TIME-09 as a property: due = period + paused time, however the pause falls (each example
    starts the clock afresh; starting a deadline cancels the previous one of the same code)."""
    case = permit_case
    spec = DeadlineSpec(
        "prop", "property", "LIC-03.single_agency" if unit == "working_days" else "PEN-19.deadline"
    )
    deadline = deadlines.start(case, spec, start)
    paused_on = start + dt.timedelta(days=offset)
    resumed_on = paused_on + dt.timedelta(days=length)
    with clock.frozen(resumed_on + dt.timedelta(days=1)):
        deadlines.pause(case, "prop", paused_on, reason="test")
        deadline = deadlines.resume(case, "prop", resumed_on)
    paused = calendar.working_days_between(paused_on, resumed_on) if unit == "working_days" else length
    assert deadline.paused_amount == paused
    assert deadline.due_on == calendar.due_date(start, deadline.amount + paused, unit).date


@pytest.fixture
def permit_case(world):
    return world.case("permit")
