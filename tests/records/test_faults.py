"""Faults: officers appending to one case at once (threads, processes) leave one valid chain; a
process killed in the middle of an append leaves no partial entry and a record that verifies."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from sanxiang.records import services
from sanxiang.records.models import GENESIS, Entry
from sanxiang.records.verify import verify

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
django.setup()
from django.db import transaction
from sanxiang.records import services
count, mode, stream = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for i in range(count):
    with transaction.atomic():
        services.append(kind="test.note", stream=stream, payload={"i": i, "pid": os.getpid()})
if mode == "hang":
    with transaction.atomic():
        services.append(kind="test.note", stream=stream, payload={"i": "partial"})
        print("inside", flush=True)
        time.sleep(120)
print("done", flush=True)
"""


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    return (
        f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def child(tmp_path, *args) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SANXIANG_VAR_DIR": str(tmp_path),
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *map(str, args)], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )


def assert_one_chain(stream: str, expected: int) -> None:
    entries = list(Entry.objects.filter(stream=stream).order_by("stream_seq"))
    assert [e.stream_seq for e in entries] == list(range(1, expected + 1))
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous
        previous = entry.hash
    seqs = sorted(Entry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_threads_appending_to_one_case_make_one_chain(world):
    case = world.case()
    start = Entry.objects.filter(case=case).count()
    errors = []

    def officer(user, n):
        try:
            for i in range(n):
                with transaction.atomic():
                    services.append(kind="note", case=case, actor=user, payload={"by": user.username, "i": i})
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer, args=(u, 12)) for u in (world.officer, world.partner) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert_one_chain(services.case_stream(case), start + 72)
    assert verify(files=False).ok


def test_processes_appending_to_one_stream_make_one_chain(tmp_path, db):
    procs = [child(tmp_path, 15, "finish", "shared") for _ in range(3)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    assert_one_chain("shared", 45)
    assert verify(files=False).ok


def test_a_process_killed_mid_append_leaves_no_trace(tmp_path, db):
    proc = child(tmp_path, 5, "hang", "killed")
    line = proc.stdout.readline()
    assert line.strip() == "inside", line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert Entry.objects.filter(stream="killed").count() == 5
    assert not Entry.objects.filter(body__contains='"partial"').exists()
    report = verify(files=False)
    assert report.ok, report.problems
    with transaction.atomic():  # the log head is free again
        entry = services.append(kind="test.note", stream="killed", payload={"i": "after"})
    assert entry.stream_seq == 6 and entry.seq == 6


def test_parallel_verification_agrees_and_names_the_same_entry(db):
    """Worker processes over aligned chunks (here 16 entries each) find what one pass finds."""
    from sanxiang.records.bulk import Spec, bulk_append
    from sanxiang.records.checkpoints import make_checkpoint
    from tests.records.helpers import raw, triggers_dropped

    bulk_append(Spec(stream=f"case:P-{i % 7}", kind="test", payload={"i": i}) for i in range(150))
    make_checkpoint()
    bulk_append(Spec(stream=f"case:P-{i % 5}", kind="test", payload={"i": i}) for i in range(70))
    second = make_checkpoint()
    bulk_append(Spec(stream="case:P-1", kind="test", payload={"i": "tail"}) for _ in range(3))
    single = verify(files=False, jobs=1, chunk_height=4)
    parallel = verify(files=False, jobs=2, chunk_height=4)
    assert single.ok and parallel.ok and single.entries == parallel.entries == 223
    assert single.streams == parallel.streams == 7
    since = verify(files=False, jobs=2, chunk_height=4, since=1)
    assert since.ok and since.entries == 73
    with triggers_dropped():
        raw("UPDATE records_entry SET body = REPLACE(body, '\"i\":100', '\"i\":101') WHERE seq = 101")
    for report in (verify(files=False, jobs=1, chunk_height=4), verify(files=False, jobs=2, chunk_height=4)):
        assert str(report.problems[0]).startswith("entry #101 (case P-2, case:P-2 no. 15)")
    with triggers_dropped():
        raw("DELETE FROM records_entry WHERE seq = 200")
    report = verify(files=False, jobs=2, chunk_height=4, since=1)
    assert "entry #200 is missing" in str(report.problems[0])
    assert second.size == 220
