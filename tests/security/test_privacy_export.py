"""The data-subject export (docs/privacy.md): who may, what it holds, and that it is logged."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from sanxiang.core.errors import Forbidden
from sanxiang.core.roles import Role
from sanxiang.records.models import Entry
from sanxiang.supervision.services import privacy
from tests.factories import PASSWORD, AgencyFactory, person, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(world):
    party = person(world.agency, name="王小明")
    case = world.case(party=party)
    return party, case


def test_a_supervisor_in_scope_exports_and_it_is_logged(world, subject):
    party, case = subject
    bureau = AgencyFactory(division=world.agency.division, is_justice_bureau=True)
    boss = staff(bureau, Role.SUPERVISOR, certified=False)
    data = privacy.export(boss, id_number=party.id_number, reason="依申请答复 2026-01", door="test")
    assert [p["name"] for p in data["parties"]] == ["王小明"]
    assert [c["number"] for c in data["cases"]] == [case.number]
    summary = Entry.objects.get(stream=privacy.STREAM)
    assert party.id_number not in summary.body  # only the keyed hash is kept
    assert privacy.identifier_digest(party.id_number) in summary.body
    assert Entry.objects.filter(kind="access.case", case=case, body__contains="privacy_export").exists()


def test_others_may_not_and_out_of_scope_finds_nothing(world, subject):
    party, _case = subject
    with pytest.raises(Forbidden):
        privacy.export(world.officer, id_number=party.id_number, reason="好奇看看", door="test")
    elsewhere = staff(AgencyFactory(), Role.SUPERVISOR, certified=False)  # another division
    data = privacy.export(elsewhere, id_number=party.id_number, reason="依申请答复", door="test")
    assert data["parties"] == [] and data["cases"] == []


def test_the_cli_and_the_page(world, subject, tmp_path, client):
    party, case = subject
    admin = staff(world.agency, Role.ADMIN, certified=False)
    out = tmp_path / "export.json"
    args = ["--id-number", party.id_number, "--reason", "依申请答复", "-o", str(out)]
    call_command("privacy", "export", "--user", admin.username, *args)
    assert json.loads(out.read_text())["cases"][0]["number"] == case.number
    with pytest.raises(CommandError):
        call_command("privacy", "export", "--user", world.officer.username, *args)
    assert client.login(username=world.officer.username, password=PASSWORD)
    assert client.get("/supervision/privacy/export/").status_code == 404
    assert client.login(username=admin.username, password=PASSWORD)
    assert client.get("/supervision/privacy/export/").status_code == 200
    response = client.post(
        "/supervision/privacy/export/", {"id_number": party.id_number, "reason": "依申请答复"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["parties"][0]["name"] == "王小明"
    refused = client.post("/supervision/privacy/export/", {"id_number": "123", "reason": "依申请答复"})
    assert refused.status_code == 200 and "身份证号码" in refused.content.decode()
