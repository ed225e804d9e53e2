"""Publication of decisions (P1, P4, I3) through the services: drafts on decision with PUB-05 due
dates on the working-day calendar, the check → publish steps, updates, withdrawals on
revocation (PUB-07), expiry, overdue alerts, and who may do what."""

import datetime as dt
import json

import pytest

from sanxiang.cases import services as case_services
from sanxiang.catalog import services as catalog_services
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.publicity import content, services, signals, tick
from sanxiang.publicity.models import Publication, PublicDecision, PublicDecisionVersion
from sanxiang.records.models import Entry
from tests.factories import World, company, staff
from tests.publicity.helpers import (
    decide_simple,
    decided_case,
    editor,
    on,
    publication_of,
    publish_case,
    resident,
)
from tests.records.helpers import prepare_act

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


def remedy(world, case, result, **extra):
    data = {
        "remedy_kind": "reconsideration",
        "remedy_result": result,
        "remedy_decided_on": clock.today().isoformat(),
        "remedy_document": "云复决〔2026〕3号",
        **extra,
    }
    return case_services.transition(case, "record_remedy", actor=world.officer, data=data)


# --- drafts and due dates --------------------------------------------------------------------


def test_penalty_decision_drafts_publication_due_in_7_working_days(world):
    case = decided_case(world)
    pub = publication_of(case)
    assert pub.status == "draft" and pub.kind == "decision"
    assert pub.decided_on == TODAY
    assert pub.due_on == dt.date(2026, 3, 19) == calendar.add_working_days(TODAY, 7)
    assert "PUB-05" in pub.due_rule and not pub.due_provisional
    assert pub.content["party_name"] == "王建国"  # the draft is internal; masking happens on publish
    assert Entry.objects.filter(stream=pub.stream, kind="publication.drafted").count() == 1


def test_other_decisions_are_due_in_20_working_days(world):
    case = world.case("coercion.measure", title="查封冷柜")
    case = case_services.transition(case, "approve", actor=world.head, data={"measure": "seal"})
    execute = {"officers": world.officers(), "measure": "seal", "items": "冷柜2台", "place": "测试路1号"}
    prepare_act(world, case, "execute", execute)  # the seizure's video (I4)
    case = case_services.transition(case, "execute", actor=world.officer, data=execute)
    case = case_services.transition(case, "decide", actor=world.head, data={"outcome": "confiscate"})
    pub = publication_of(case)
    assert pub.due_on == dt.date(2026, 4, 8)  # 20 working days, across Qingming (4–6 April)
    assert "other_enforcement_decisions" not in pub.due_rule  # the citation names the source
    assert pub.due_on == calendar.add_working_days(TODAY, 20)


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        # Spring Festival 2026: 15–23 Feb off; Sat 14 and Sat 28 Feb are make-up workdays
        (dt.date(2026, 2, 12), dt.date(2026, 2, 28)),
        (dt.date(2026, 2, 13), dt.date(2026, 3, 2)),
        # Mid-Autumn (25 Sep) and National Day 2026: 1–7 Oct off; Sat 10 Oct is a workday
        (dt.date(2026, 9, 24), dt.date(2026, 10, 12)),
        (dt.date(2026, 9, 30), dt.date(2026, 10, 15)),
    ],
)
def test_due_dates_across_spring_festival_and_national_day(db, decided, due):
    world = World()
    with on(decided):
        case = decide_simple(world)
    pub = publication_of(case)
    assert pub.decided_on == decided
    assert pub.due_on == due


def test_due_date_in_a_year_without_holiday_data_is_provisional(db):
    due, _ = services.publication_due(dt.date(2030, 6, 3), "penalty")
    assert due.provisional


def test_minors_are_never_published(world):
    minor = resident(world, name="李小华", birth=dt.date(2010, 1, 1))
    case = decide_simple(world, party=minor)
    pub = publication_of(case)
    assert pub.status == "withheld"
    assert "未成年人" in pub.withhold_reason
    with pytest.raises(DomainError):
        services.check(pub, actor=editor(world), confidentiality_reviewed=True)
    assert not PublicDecision.objects.exists()


def test_warning_only_penalties_follow_the_configurable_rule(world):
    case = decide_simple(world, penalty_types=["warning"], fine_amount="")
    assert publication_of(case).status == "draft"  # default: 118号 publishes them
    catalog_services.set_rule_parameter(
        "SX-PUB-02.publish_warning_only",
        value={"value": False},
        effective_from=None,
        source="市场监督管理行政处罚信息公示规定第8条（CRED-02）",
        actor=None,
        agency=world.agency,
    )
    other = decide_simple(world, penalty_types=["warning"], fine_amount="")
    pub = publication_of(other)
    assert pub.status == "withheld" and "警告" in pub.withhold_reason


# --- check and publish -----------------------------------------------------------------------


def test_check_requires_the_confidentiality_review(world):
    pub = publication_of(decided_case(world))
    with pytest.raises(InvalidInput) as refusal:
        services.check(pub, actor=editor(world))
    assert refusal.value.code == "publicity.check.confidentiality"
    pub.refresh_from_db()
    assert pub.status == "draft"


def test_only_the_agencys_publicity_editor_checks_and_publishes(world):
    pub = publication_of(decided_case(world))
    with pytest.raises(Forbidden):
        services.check(pub, actor=world.officer, confidentiality_reviewed=True)
    other = staff(World().agency, Role.PUBLICITY_EDITOR, certified=False)
    with pytest.raises(Forbidden):
        services.check(pub, actor=other, confidentiality_reviewed=True)
    pub = services.check(pub, actor=editor(world), confidentiality_reviewed=True)
    with pytest.raises(Forbidden):
        services.publish(pub, actor=other)
    assert not PublicDecision.objects.exists()


def test_publish_writes_masked_snapshot_and_its_record_entry(world):
    case = decided_case(world, facts="王建国在建设路18号3栋501室销售过期食品，联系电话13912345678。")
    pub = publish_case(world, case)
    snapshot = PublicDecision.objects.get(publication_ref=pub.pk)
    assert pub.status == "published" and pub.first_published_on == TODAY
    assert snapshot.party_name == "王某某" and snapshot.party_kind == "自然人"
    assert "王建国" not in snapshot.search_text and "13912345678" not in snapshot.facts
    assert "18号" not in snapshot.facts
    entry = Entry.objects.get(stream=pub.stream, kind="publication.published")
    payload = json.loads(entry.body)["payload"]
    assert payload["body_hash"] == snapshot.body_hash == content.body_hash(payload["body"])
    assert snapshot.entry_seq == entry.seq and snapshot.entry_hash == entry.hash
    assert "王建国" not in entry.body and case.party.id_number not in entry.body
    assert services.is_late(pub) is False


def test_organisations_keep_name_and_credit_code(world):
    party = company(world.agency, name="云溪鲜果贸易有限公司")
    case = decided_case(world, party=party)
    publish_case(world, case)
    snapshot = PublicDecision.objects.get()
    assert snapshot.party_name == "云溪鲜果贸易有限公司"
    assert snapshot.party_credit_code == party.credit_code
    assert snapshot.legal_representative == "李某某"  # SX-MASK-01.legal_representative = masked


def test_a_failure_while_publishing_changes_nothing(world, monkeypatch):
    pub = publication_of(decided_case(world))
    pub = services.check(pub, actor=editor(world), confidentiality_reviewed=True)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.PublicDecisionVersion.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.publish(pub, actor=editor(world))
    pub.refresh_from_db()
    assert pub.status == "checked" and pub.published_version == 0
    assert not PublicDecision.objects.exists()
    assert not Entry.objects.filter(stream=pub.stream, kind="publication.published").exists()


def test_late_publication_is_recorded_as_late(world):
    case = decided_case(world)
    with on(dt.date(2026, 3, 20)):
        pub = publish_case(world, case)
    assert services.is_late(pub) is True


# --- updates, withdrawals, remedies ----------------------------------------------------------


def test_update_of_a_published_decision_keeps_history(world):
    case = decided_case(world)
    pub = publish_case(world, case)
    pub = services.revise(pub, actor=editor(world), reason="当事人申请更正违法行为类型")
    assert PublicDecision.objects.get().status == "published"  # the public still sees v1
    pub = services.edit(pub, actor=editor(world), changes={"title": "销售超过保质期的食品"})
    pub = services.check(pub, actor=editor(world), confidentiality_reviewed=True)
    with pytest.raises(InvalidInput):
        services.publish(pub, actor=editor(world))  # an update needs its public note
    pub = services.publish(pub, actor=editor(world), note="更正违法行为类型")
    snapshot = PublicDecision.objects.get()
    assert snapshot.version == 2 and snapshot.title == "销售超过保质期的食品"
    assert snapshot.note == "更正违法行为类型" and snapshot.updated_on == TODAY
    assert list(snapshot.versions.values_list("event", flat=True)) == ["published", "updated"]


def test_withdraw_needs_a_public_reason_and_hides_the_content(world):
    pub = publish_case(world, decided_case(world))
    with pytest.raises(InvalidInput):
        services.withdraw(pub, actor=editor(world), reason=" ")
    services.withdraw(pub, actor=editor(world), reason="决定书送达有误，重新作出")
    snapshot = PublicDecision.objects.get()
    assert snapshot.status == "withdrawn" and snapshot.note == "决定书送达有误，重新作出"
    assert snapshot.note_on == TODAY


def test_revocation_withdraws_the_publication_in_the_same_transaction(world):
    case = decided_case(world)
    pub = publish_case(world, case)
    remedy(world, case, "revoked")
    pub.refresh_from_db()
    snapshot = PublicDecision.objects.get()
    assert pub.status == "withdrawn" and pub.withdrawn_on == TODAY
    assert snapshot.status == "withdrawn"
    assert "行政复议撤销" in snapshot.note and "云复决〔2026〕3号" in snapshot.note
    assert Entry.objects.filter(stream=pub.stream, kind="publication.withdrawn").exists()


def test_withdrawal_failure_rolls_back_the_remedy(world, monkeypatch):
    case = decided_case(world)
    publish_case(world, case)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_withdraw", broken)
    with pytest.raises(RuntimeError):
        remedy(world, case, "confirmed_void")
    case.refresh_from_db()
    assert not case.events.filter(transition="record_remedy").exists()
    assert PublicDecision.objects.get().status == "published"


def test_revocation_before_publication_withholds_the_draft(world):
    case = decided_case(world)
    remedy(world, case, "confirmed_illegal", remedy_kind="litigation")
    pub = publication_of(case)
    assert pub.status == "withheld" and "行政诉讼确认违法" in pub.withhold_reason


def test_change_notes_publicly_and_opens_an_update_due_in_3_working_days(world):
    case = decided_case(world)
    pub = publish_case(world, case)
    remedy(world, case, "changed")
    pub.refresh_from_db()
    assert pub.status == "draft" and pub.pending_action == "update"
    assert pub.action_due_on == calendar.add_working_days(TODAY, 3) == dt.date(2026, 3, 13)
    snapshot = PublicDecision.objects.get()
    assert snapshot.status == "published" and "变更" in snapshot.note and "2026-03-13" in snapshot.note
    with on(dt.date(2026, 3, 16)):
        newly = services.mark_overdue()
    assert [p.pk for p in newly] == [pub.pk]


def test_upheld_remedy_changes_nothing(world):
    case = decided_case(world)
    pub = publish_case(world, case)
    remedy(world, case, "upheld")
    pub.refresh_from_db()
    assert pub.status == "published" and not pub.pending_action


# --- periodic work ---------------------------------------------------------------------------


def test_tick_marks_overdue_drafts_and_sends_alerts(world):
    pub = publication_of(decided_case(world))
    received = []

    def listener(sender, publication, **kwargs):
        received.append(publication.pk)

    signals.publication_overdue.connect(listener)
    try:
        with on(dt.date(2026, 3, 19)):
            assert tick.run()["newly_overdue"] == 0
            assert tick.due_soon(clock.today()).filter(pk=pub.pk).exists()
        with on(dt.date(2026, 3, 20)):
            result = tick.run()
            assert tick.run()["newly_overdue"] == 0  # raised once
    finally:
        signals.publication_overdue.disconnect(listener)
    assert result["newly_overdue"] == 1 and received == [pub.pk]
    pub.refresh_from_db()
    assert pub.overdue_since == dt.date(2026, 3, 20)


def test_expired_publications_leave_the_listing(world):
    pub = publish_case(world, decided_case(world))
    assert pub.visible_until == dt.date(2029, 3, 10)  # SX-PUB-04.penalty: 3 years
    assert services.expire_due(dt.date(2029, 3, 10)) == 0
    assert services.expire_due(dt.date(2029, 3, 11)) == 1
    snapshot = PublicDecision.objects.get()
    assert snapshot.status == "expired"
    assert PublicDecisionVersion.objects.filter(event="expired").count() == 1


def test_warning_only_penalties_have_the_short_period(world):
    case = decide_simple(world, penalty_types=["warning"], fine_amount="")
    pub = publish_case(world, case)
    assert pub.visible_until == dt.date(2026, 6, 10)  # SX-PUB-04.penalty_light: 3 months


def test_annual_report_reminder_in_january(db):
    assert tick.annual_report_reminder(dt.date(2026, 1, 20)) == dt.date(2026, 1, 31)
    assert tick.annual_report_reminder(dt.date(2026, 2, 2)) is None
    assert tick.annual_report_reminder(dt.date(2026, 11, 2)) is None


def test_publication_is_one_per_case(world):
    case = decided_case(world)
    assert Publication.objects.filter(case=case).count() == 1


def test_a_second_decision_refreshes_the_draft(world):
    case = decided_case(world)
    pub = publication_of(case)
    again = services.draft_decision(case, actor=world.head)
    assert again.pk == pub.pk and Publication.objects.filter(case=case).count() == 1
    assert Entry.objects.filter(stream=pub.stream, kind="publication.redrafted").count() == 1
