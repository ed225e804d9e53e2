"""I2: the database itself refuses to change or remove the record (triggers on SQLite and
PostgreSQL), and a correction is a new entry pointing at the one it corrects."""

import pytest
from django.db import DatabaseError, connection, transaction

from sanxiang.records import maintenance, services
from sanxiang.records.checkpoints import make_checkpoint
from sanxiang.records.models import Entry
from tests.records.helpers import raw, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_test_switch():
    """The SQLite test connection carries the flush switch (tests/conftest.py); take it away."""
    if connection.vendor == "sqlite":
        raw(f"DROP TABLE IF EXISTS temp.{maintenance.SWITCH}")
    yield
    maintenance.allow_deletes(connection)


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic():
            raw(sql, params)
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


STATEMENTS = [
    ("records_entry", "UPDATE records_entry SET body = 'x' WHERE seq = 1"),
    ("records_entry", "UPDATE records_entry SET kind = 'x'"),
    ("records_entry", "DELETE FROM records_entry WHERE seq = 1"),
    ("records_entry", "DELETE FROM records_entry"),
    ("records_blob", "UPDATE records_blob SET size = 1"),
    ("records_blob", "DELETE FROM records_blob"),
    ("records_evidence", "UPDATE records_evidence SET title = 'x'"),
    ("records_evidence", "DELETE FROM records_evidence"),
    ("records_node", "DELETE FROM records_node"),
    ("records_checkpoint", "UPDATE records_checkpoint SET root = 'x'"),
    ("records_checkpoint", "DELETE FROM records_checkpoint"),
    ("records_loghead", "DELETE FROM records_loghead"),
]


def test_raw_sql_cannot_change_or_remove_the_record(world, no_test_switch):
    case = world.case()
    upload(world, case)
    from sanxiang.records.bulk import Spec, bulk_append

    bulk_append(Spec(stream="filler", kind="test", payload={"i": i}) for i in range(20))
    make_checkpoint()
    before = list(Entry.objects.order_by("seq").values_list("seq", "body", "hash"))
    for table, sql in STATEMENTS:
        assert refused(sql), f"{connection.vendor}: {sql} was not refused"
    assert list(Entry.objects.order_by("seq").values_list("seq", "body", "hash")) == before
    # the head moves (appends update it in place) but is never removed
    with transaction.atomic():
        raw("UPDATE records_loghead SET updated_at = updated_at")


def test_orm_cannot_either(world, no_test_switch):
    case = world.case()
    entry = Entry.objects.filter(case=case).first()
    entry.kind = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(case=case).delete()


def test_all_triggers_installed_and_checked():
    assert maintenance.missing_triggers(connection) == []
    from sanxiang.records.checks import append_only_triggers

    assert append_only_triggers(databases=["default"]) == []


def test_a_correction_is_a_new_entry_pointing_at_the_old(world):
    case = world.case()
    wrong = Entry.objects.filter(case=case).first()
    with transaction.atomic():
        fix = services.append(
            kind="note.correction", case=case, actor=world.officer, corrects=wrong, payload={"text": "更正"}
        )
    assert fix.corrects == wrong and fix.stream_seq == wrong.stream_seq + 1
    assert list(wrong.corrections.all()) == [fix]
    assert f'"corrects":{wrong.seq}' in fix.body


def test_notes_and_corrections_through_every_door(world, client):
    from rest_framework.test import APIClient

    from sanxiang.core.errors import DomainError
    from tests.factories import PASSWORD, World

    case = world.case()
    opened = Entry.objects.get(case=case, kind="case.opened")
    note = services.add_note(case, actor=world.officer, text="当事人电话告知将补交材料")
    assert note.kind == "note" and note.payload == {"text": "当事人电话告知将补交材料"}
    api = APIClient()
    api.force_authenticate(world.officer)
    response = api.post(
        "/api/records/entries/",
        {"case": case.number, "text": "案由笔误，应为过期食品", "corrects": opened.seq},
        format="json",
    )
    assert response.status_code == 201 and response.json()["kind"] == "note.correction"
    assert response.json()["body"]["corrects"] == opened.seq
    assert Entry.objects.get(pk=opened.pk).body == opened.body  # the corrected entry is untouched
    assert client.login(username=world.officer.username, password=PASSWORD)
    client.post(f"/records/cases/{case.number}/notes/", {"text": "补充说明"})
    assert Entry.objects.filter(case=case, kind="note").count() == 2
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "更正" in page and "案由笔误" in page
    with pytest.raises(DomainError):
        services.add_note(case, actor=World().officer, text="越权")
    with pytest.raises(DomainError):
        services.add_note(case, actor=world.officer, text=" ")
