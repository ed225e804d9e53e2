"""`sanxiang verify` passes on an intact record and names the first bad entry or file for each
way of tampering the issue lists (DESIGN.md I2)."""

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanxiang.records import conf
from sanxiang.records.checkpoints import make_checkpoint
from sanxiang.records.models import Checkpoint, Entry
from tests.cases.walk import PATHS, walk
from tests.records.helpers import raw, triggers_dropped, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:5])
    photo = upload(world, case, title="现场照片")
    other = walk(world, world.case("coercion.measure"), PATHS["coercion.measure"])
    make_checkpoint()
    return case, photo, other


def verify(*args) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", *args, stdout=out, stderr=err)
    except CommandError as failed:
        return f"FAILED {failed}\n{err.getvalue()}"
    return out.getvalue()


def test_intact_record_verifies(record):
    report = verify()
    assert "OK: the record is intact" in report
    assert f"checked {Entry.objects.count()} entries" in report and "2 files" in report


def test_a_changed_byte_of_a_stored_file_is_named(record):
    case, photo, _ = record
    path = conf.storage().path(photo.blob.storage_name)
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2] ^= 0x01
    Path(path).write_bytes(bytes(data))
    report = verify()
    assert report.startswith("FAILED")
    assert photo.blob.storage_name in report and case.number in report and "现场照片" in report


def test_a_missing_stored_file_is_named(record):
    _, photo, _ = record
    conf.storage().delete(photo.blob.storage_name)
    assert "stored file is missing" in verify()


def test_an_edited_entry_row_is_named(record):
    case, _, _ = record
    target = Entry.objects.get(case=case, body__contains="现场发现过期食品")
    with triggers_dropped():  # "found 12 expired items on site" becomes "found 2"
        raw(
            "UPDATE records_entry SET body = REPLACE(body, '过期食品12件', '过期食品2件') WHERE seq = %s",
            [target.seq],
        )
    assert Entry.objects.get(seq=target.seq).body != target.body
    report = verify()
    assert f"entry #{target.seq} (case {case.number}, case:{case.number} no. {target.stream_seq})" in report
    assert "body does not match its hash" in report


def test_a_rewrite_with_recomputed_hash_is_caught_by_the_signed_root(record):
    last = Entry.objects.order_by("-seq").first()  # the last entry of its stream: no successor to break
    body = last.body.replace('"kind":"', '"kind":"x')
    leaf = hashlib.sha256(b"\x00" + body.encode()).hexdigest()
    with triggers_dropped():
        raw(
            "UPDATE records_entry SET body = %s, hash = %s, kind = %s WHERE seq = %s",
            [body, leaf, "x" + last.kind, last.seq],
        )
    report = verify()
    assert report.startswith("FAILED") and f"#{last.seq}" in report
    assert "rewritten with a recomputed hash" in report


def test_a_deleted_entry_is_named(record):
    case, _, _ = record
    target = Entry.objects.filter(case=case).order_by("seq")[3]
    with triggers_dropped():
        raw("DELETE FROM records_entry WHERE seq = %s", [target.seq])
    assert f"entry #{target.seq} is missing" in verify()


def test_removed_trailing_entries_are_noticed(record):
    last = Entry.objects.order_by("-seq").first()
    with triggers_dropped():
        raw("DELETE FROM records_entry WHERE seq = %s", [last.seq])
    assert f"entry #{last.seq} is missing" in verify()


def test_swapped_entries_are_named(record):
    case, _, _ = record
    a, b = Entry.objects.filter(case=case).order_by("seq")[2:4]
    with triggers_dropped():
        raw("UPDATE records_entry SET seq = -1 WHERE seq = %s", [a.seq])
        raw("UPDATE records_entry SET seq = %s WHERE seq = %s", [a.seq, b.seq])
        raw("UPDATE records_entry SET seq = %s WHERE seq = -1", [b.seq])
    report = verify()
    assert report.startswith("FAILED") and f"entry #{a.seq}" in report


def test_a_column_that_disagrees_with_the_body_is_named(record):
    case, _, _ = record
    target = Entry.objects.filter(case=case).order_by("seq")[1]
    with triggers_dropped():
        raw("UPDATE records_entry SET step = 'archive' WHERE seq = %s", [target.seq])
    assert f"entry #{target.seq}" in verify() and "columns differ" in verify()


def test_deep_mode_compares_every_column(record):
    case, _, _ = record
    target = Entry.objects.filter(case=case).order_by("seq")[1]
    with triggers_dropped():
        raw("UPDATE records_entry SET kind = 'forged' WHERE seq = %s", [target.seq])
    assert "OK" in verify("--no-files")  # the hashed record itself is intact …
    report = verify("--deep", "--no-files")  # … but the queryable column lies
    assert f"entry #{target.seq}" in report and "'kind'" in report


def test_a_forged_checkpoint_is_named(record):
    point = Checkpoint.objects.get()
    forged = point.note.replace(point.note.split("\n")[1], str(point.size + 5), 1)
    with triggers_dropped():
        raw("UPDATE records_checkpoint SET note = %s WHERE number = %s", [forged, point.number])
    assert "signature does not verify" in verify()


def test_since_a_checkpoint_reads_only_what_followed(record, world):
    case, _, _ = record
    first = Checkpoint.objects.get()
    walk(world, case, [("decide", "head")])
    upload(world, case, title="送达照片")
    make_checkpoint()
    after = Entry.objects.filter(seq__gt=first.size).count()
    report = verify("--since", str(first.number))
    assert "OK" in report and f"checked {after} entries" in report and "1 files" in report
    # a later entry tampered: found incrementally
    newest = Entry.objects.order_by("-seq").first()
    with triggers_dropped():
        raw("UPDATE records_entry SET body = REPLACE(body, '送达', '伪造') WHERE seq = %s", [newest.seq])
    assert f"entry #{newest.seq}" in verify("--since", str(first.number))
    assert "no checkpoint #99" in verify("--since", "99")


def test_missing_triggers_are_reported(record):
    with triggers_dropped():
        assert "append-only triggers missing" in verify("--no-files")
