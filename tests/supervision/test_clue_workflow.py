"""问题线索 workflow: every path with its due dates (working days, across the 2026 May Day
holidays), the 12345 number format, merging duplicates, links, the record of every act, scoping,
and the API door."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.records.models import Entry
from sanxiang.supervision.choices import ClueStatus, FollowUpStatus
from sanxiang.supervision.models import Clue, FollowUp
from sanxiang.supervision.services import clues as svc
from tests.factories import PASSWORD, staff
from tests.supervision.helpers import HOTLINE_NO, Bureau, on

# 2026: 1–5 May are holidays (劳动节), 9 May (Saturday) is a make-up workday.
APRIL_30 = dt.date(2026, 4, 30)


@pytest.fixture
def bureau(world):
    return Bureau(world)


def kinds(stream):
    return list(Entry.objects.filter(stream=stream).order_by("stream_seq").values_list("kind", flat=True))


def test_registration_sets_the_assessment_due_date_across_may_day(bureau):
    with on(APRIL_30):
        clue = bureau.clue(received_on=APRIL_30)
    # 5 working days after 30 April: 6, 7, 8, 9 (make-up Saturday), 11 May
    assert clue.step_due_on == dt.date(2026, 5, 11)
    assert clue.status == ClueStatus.REGISTERED
    assert "SX-SUP-01" in clue.step_rule
    assert kinds(clue.stream) == ["clue.registered"]


@pytest.mark.parametrize(
    ("decision", "status", "due"),
    [
        ("dismiss", ClueStatus.DISMISSED, dt.date(2026, 5, 11)),  # reply: 5 wd
        ("transfer", ClueStatus.TRANSFERRED, dt.date(2026, 5, 8)),  # 3 wd: 6, 7, 8
        ("handle", ClueStatus.HANDLING, dt.date(2026, 6, 1)),  # 20 wd
        ("escalate", ClueStatus.ESCALATED, dt.date(2026, 5, 18)),  # key: 10 wd: 6–9, 11–15, 18
    ],
)
def test_each_decision_path_with_its_due_date_across_holidays(bureau, decision, status, due):
    with on(APRIL_30):
        clue = bureau.clue(received_on=APRIL_30)
        clue = svc.assess(
            clue,
            actor=bureau.supervisor,
            assessment="经研判。",
            decision=decision,
            reason="理由。",
            transfer_to=bureau.world.agency if decision == "transfer" else None,
        )
    assert clue.status == status
    assert clue.step_due_on == due
    assert kinds(clue.stream) == ["clue.registered", f"clue.{decision}"]
    if decision in ("handle", "transfer"):
        item = FollowUp.objects.get(clue=clue)
        assert item.due_on == due
    else:
        assert not FollowUp.objects.filter(clue=clue).exists()
    assert clue.is_key is (decision == "escalate")


def test_handle_close_reply_path_and_reply_due(bureau):
    clue = bureau.clue()
    clue = svc.assess(clue, actor=bureau.supervisor, assessment="属实", decision="handle")
    with pytest.raises(DomainError) as refused:
        svc.reply(clue, actor=bureau.supervisor, text="已处理")
    assert refused.value.code == "supervision.clue.reply_state"
    clue = svc.close_clue(clue, actor=bureau.supervisor, result="已责令改正。")
    assert clue.status == ClueStatus.CLOSED
    assert clue.step_due_on is not None
    clue = svc.reply(clue, actor=bureau.supervisor, text="经核查，已责令改正。")
    assert clue.replied_at is not None and clue.step_due_on is None
    assert kinds(clue.stream) == ["clue.registered", "clue.handle", "clue.closed", "clue.replied"]


def test_dismiss_and_escalate_need_a_reason(bureau):
    clue = bureau.clue()
    for decision in ("dismiss", "escalate"):
        with pytest.raises(InvalidInput) as refused:
            svc.assess(clue, actor=bureau.supervisor, assessment="研判", decision=decision, reason="")
        assert refused.value.field == "reason"
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.REGISTERED


def test_transfers_are_counted_and_a_clue_may_be_transferred_again(bureau):
    clue = bureau.clue()
    clue = svc.assess(
        clue, actor=bureau.supervisor, assessment="a", decision="transfer", transfer_to=bureau.world.agency
    )
    clue = svc.assess(
        clue, actor=bureau.supervisor, assessment="b", decision="transfer", transfer_to=bureau.other_agency
    )
    assert clue.transfer_count == 2 and clue.transferred_to == bureau.other_agency
    with pytest.raises(InvalidInput):
        svc.assess(clue, actor=bureau.supervisor, assessment="c", decision="transfer", transfer_to=None)


@pytest.mark.parametrize("number", ["12345", "ABCDE2026031000012", "2026-03-10-0001", ""])
def test_bad_or_missing_hotline_numbers_are_refused_and_nothing_is_saved(bureau, number):
    with pytest.raises(InvalidInput) as refused:
        bureau.clue(hotline_order_no=number)
    assert refused.value.field == "hotline_order_no"
    assert "12345" in refused.value.message
    assert not Clue.objects.exists()
    assert not Entry.objects.filter(kind="clue.registered").exists()


def test_a_clue_needs_a_channel(bureau):
    with pytest.raises(InvalidInput) as refused:
        bureau.clue(channel="")
    assert refused.value.code == "supervision.clue.channel"


def test_duplicates_merge_keeps_both_records_and_moves_links(bureau, world):
    first = bureau.clue()
    second = bureau.clue(hotline_order_no=HOTLINE_NO, agencies=[bureau.other_agency])
    case = world.case()
    svc.link(second, actor=bureau.supervisor, cases=[case])
    assert list(svc.duplicates_of(second)) == [first]
    svc.merge(second, into=first, actor=bureau.supervisor, reason="同一工单重复登记")
    second.refresh_from_db()
    assert second.status == ClueStatus.MERGED and second.merged_into == first
    assert set(first.agencies.all()) == {world.agency, bureau.other_agency}
    assert list(first.cases.all()) == [case]
    assert kinds(second.stream)[-1] == "clue.merged"
    assert kinds(first.stream)[-1] == "clue.absorbed"
    with pytest.raises(DomainError):
        svc.merge(second, into=first, actor=bureau.supervisor, reason="again")
    with pytest.raises(InvalidInput):
        svc.merge(first, into=first, actor=bureau.supervisor, reason="self")


def test_follow_up_assign_respond_close_each_recorded(bureau, world):
    clue = svc.assess(bureau.clue(), actor=bureau.supervisor, assessment="属实", decision="handle")
    item = FollowUp.objects.get(clue=clue)
    assert item.status == FollowUpStatus.OPEN
    item = svc.assign_follow_up(item, actor=bureau.supervisor, assignee_agency=world.agency)
    with pytest.raises(DomainError):
        svc.close_follow_up(item, actor=bureau.supervisor, note="早了")
    stranger = staff(bureau.other_agency, Role.HEAD, certified=False)
    with pytest.raises(Forbidden):
        svc.respond(item, actor=stranger, response="不是我")
    item = svc.respond(item, actor=world.head, response="已整改完毕。")
    item = svc.close_follow_up(item, actor=bureau.supervisor, note="同意办结。")
    assert item.status == FollowUpStatus.CLOSED
    assert kinds(item.stream) == [
        "followup.opened",
        "followup.assigned",
        "followup.responded",
        "followup.closed",
    ]


def test_follow_up_due_date_in_the_past_is_refused(bureau, world):
    clue = svc.assess(bureau.clue(), actor=bureau.supervisor, assessment="属实", decision="handle")
    item = FollowUp.objects.get(clue=clue)
    with pytest.raises(InvalidInput) as refused:
        svc.assign_follow_up(
            item, actor=bureau.supervisor, assignee_agency=world.agency, due_on=dt.date(2026, 1, 1)
        )
    assert refused.value.field == "due_on"


def test_scoping_only_the_owning_supervisors_act_and_others_see_nothing(bureau, world):
    clue = bureau.clue()
    # an enforcement agency's officer cannot register or act on the bureau's clue
    with pytest.raises(Forbidden):
        svc.register_clue(actor=world.officer, channel="media", title="t", content="c")
    with pytest.raises(Forbidden):
        svc.assess(clue, actor=world.head, assessment="a", decision="handle")
    assert not Clue.objects.restrict(world.officer).exists()
    assert list(Clue.objects.restrict(bureau.supervisor)) == [clue]
    # an agency sees the follow-up items assigned to it, not the others
    clue = svc.assess(clue, actor=bureau.supervisor, assessment="a", decision="handle")
    item = FollowUp.objects.get(clue=clue)
    assert not FollowUp.objects.restrict(world.head).exists()
    svc.assign_follow_up(item, actor=bureau.supervisor, assignee_agency=world.agency)
    assert list(FollowUp.objects.restrict(world.head)) == [item]
    outsider = staff(bureau.other_agency, Role.HEAD, certified=False)
    assert not FollowUp.objects.restrict(outsider).exists()


def _api(user):
    client = APIClient()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_api_register_assess_and_refusals_carry_codes(bureau, world):
    client = _api(bureau.supervisor)
    bad = client.post(
        "/api/clues/",
        {"channel": "hotline", "title": "t", "content": "c", "hotline_order_no": "12-34"},
        format="json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "supervision.clue.hotline_format"
    assert not Clue.objects.exists()
    made = client.post(
        "/api/clues/",
        {
            "channel": "hotline",
            "title": "t",
            "content": "c",
            "hotline_order_no": HOTLINE_NO,
            "agencies": [world.agency.code],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    done = client.post(
        f"/api/clues/{pk}/assess/",
        {"assessment": "研判", "decision": "escalate", "reason": "社会关注"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["is_key"] is True
    # outside scope: 404, not 403
    assert _api(world.officer).get(f"/api/clues/{pk}/").status_code == 404
    follow = _api(world.officer).get("/api/follow-ups/")
    assert follow.status_code == 200 and follow.json()["count"] == 0


def test_staff_pages_render_and_act(bureau, world, client):
    clue = bureau.clue()
    client.login(username=bureau.supervisor.username, password=PASSWORD)
    assert client.get("/supervision/clues/").status_code == 200
    page = client.get(f"/supervision/clues/{clue.pk}/")
    assert page.status_code == 200 and clue.number in page.content.decode()
    response = client.post(
        f"/supervision/clues/{clue.pk}/assess/", {"assessment": "属实", "decision": "handle", "reason": ""}
    )
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.status == ClueStatus.HANDLING
    assert client.get("/supervision/follow-ups/").status_code == 200
    client.logout()
    client.login(username=world.officer.username, password=PASSWORD)
    assert client.get(f"/supervision/clues/{clue.pk}/").status_code == 404
