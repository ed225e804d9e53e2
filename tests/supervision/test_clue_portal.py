"""The portal's 问题反映 form: an acknowledgement number, a bad 12345 number refused with a clear
message and nothing half-saved, and the complainant's lookup of the reply."""

from __future__ import annotations

from sanxiang.records.models import Entry
from sanxiang.supervision.models import Clue
from sanxiang.supervision.services import clues as svc
from tests.supervision.helpers import Bureau

FORM = {
    "complainant_kind": "enterprise",
    "complainant_name": "某公司",
    "complainant_phone": "13900001234",
    "title": "一个月被检查五次",
    "content": "本月内被同一部门检查五次，其中两次无检查计划。",
}


def test_the_form_registers_a_clue_with_an_acknowledgement_number(world, client):
    bureau = Bureau(world)
    page = client.get("/portal/clues/")
    assert page.status_code == 200 and "执法问题反映" in page.content.decode()
    response = client.post(
        "/portal/clues/", {**FORM, "agency": world.agency.pk, "hotline_order_no": "20260310000123"}
    )
    assert response.status_code == 200
    clue = Clue.objects.get()
    assert clue.ack_number and clue.ack_number in response.content.decode()
    assert clue.agency == bureau.agency  # the justice bureau above the agency concerned
    assert list(clue.agencies.all()) == [world.agency]
    assert clue.channel == "enterprise_appeal" and clue.hotline_order_no == "20260310000123"
    assert Entry.objects.filter(stream=clue.stream, kind="clue.registered", actor__isnull=True).exists()


def test_a_bad_12345_number_is_refused_with_a_clear_message_and_nothing_is_saved(world, client):
    Bureau(world)
    response = client.post(
        "/portal/clues/", {**FORM, "agency": world.agency.pk, "hotline_order_no": "12-345"}
    )
    assert response.status_code == 422
    assert "12345工单号" in response.content.decode() and "格式不正确" in response.content.decode()
    assert not Clue.objects.exists()
    assert not Entry.objects.filter(kind="clue.registered").exists()


def test_missing_fields_and_bad_phone_are_refused(world, client):
    response = client.post("/portal/clues/", {**FORM, "complainant_phone": "123", "agency": world.agency.pk})
    assert response.status_code == 422 and "正确的手机号码" in response.content.decode()
    response = client.post("/portal/clues/", {**FORM, "agency": ""})
    assert response.status_code == 422
    assert not Clue.objects.exists()


def test_the_complainant_reads_the_reply_with_number_and_phone(world, client):
    bureau = Bureau(world)
    client.post("/portal/clues/", {**FORM, "agency": world.agency.pk})
    clue = Clue.objects.get()
    clue = svc.assess(clue, actor=bureau.supervisor, assessment="不属实", decision="dismiss", reason="已核实")
    svc.reply(clue, actor=bureau.supervisor, text="经核查，检查均有计划。")
    found = client.get("/portal/clues/status/", {"ack": clue.ack_number, "phone": "13900001234"})
    assert found.status_code == 200 and "经核查，检查均有计划。" in found.content.decode()
    wrong = client.get("/portal/clues/status/", {"ack": clue.ack_number, "phone": "13900009999"})
    assert wrong.status_code == 404 and "经核查" not in wrong.content.decode()


def test_clue_statistics_section_for_the_analysis_report(world):
    import datetime as dt

    from sanxiang.supervision.services.statistics import clue_statistics_section

    empty = clue_statistics_section(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert empty["rows"] == [] and empty["chart"] is None and "未收到" in empty["facts"][0]
    bureau = Bureau(world)
    bureau.clue()
    full = clue_statistics_section(dt.date(2026, 1, 1), dt.date(2026, 3, 31), agencies=[world.agency])
    assert full["rows"] == [["12345热线工单", 1]] and "1条" in full["facts"][0]
