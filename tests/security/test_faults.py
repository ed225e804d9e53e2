"""Faults (issue 10, point 6; docs/security.md, "Faults"), on SQLite and on PostgreSQL:

* the database unreachable: staff pages, the API and the portal answer a clean 503 with
  Retry-After, a case cut off half-way leaves nothing, and the outbox worker resumes;
* the disk full during an evidence upload: no evidence, no record entry, no file left behind;
* a server process killed inside a transition, a document numbering and a publication: the record
  verifies, the case keeps its stage, no number is lost or doubled, nothing is half-published, and
  the same act then succeeds;
* two servers against one database firing the same transitions on the same cases: no lost update,
  no double decision.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection, connections
from django.test import Client
from rest_framework.test import APIClient

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case, CaseEvent, Party
from sanxiang.cases.signals import case_opened
from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.documents import numbering
from sanxiang.documents import services as documents
from sanxiang.documents.models import Document, DocumentNumber
from sanxiang.exchange import delivery
from sanxiang.exchange.models import Delivery, DeliveryStatus, OutboxMessage
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Publication, PublicDecision, PublicDecisionVersion
from sanxiang.records import samples
from sanxiang.records.evidence import add_evidence
from sanxiang.records.models import Blob, Entry, Evidence
from tests.cases.walk import PATHS, walk
from tests.conftest import FIXED_NOW
from tests.documents.helpers import general_case
from tests.exchange.helpers import ScriptedTransport, ScriptedTransports, decided_case, endpoint
from tests.factories import staff
from tests.publicity import helpers as publicity_helpers

pytestmark = pytest.mark.slow
# Tests whose database goes away, or whose second server must see the data, commit for real.
committed = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
UNTIL_NOTIFY = PATHS["penalty.general"][:5]  # file … notify: the next act is the decision


# --- the database unreachable ---------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_down(tmp_path: Path):
    """The database goes away: the open connection is dropped and every new one is refused (a
    closed port for PostgreSQL, a file in a folder that does not exist for SQLite)."""
    conn = connections["default"]
    saved = dict(conn.settings_dict)
    conn.close()
    if conn.vendor == "sqlite":
        conn.settings_dict["NAME"] = str(tmp_path / "gone" / "gone.sqlite3")
    else:
        conn.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved)


def clients(user):
    staff_client = Client(raise_request_exception=False)
    staff_client.force_login(user)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    return staff_client, api, Client(raise_request_exception=False)


@committed
def test_without_the_database_every_door_answers_503_with_retry_after_and_recovers(world, tmp_path, caplog):
    staff_client, api, public = clients(world.officer)
    assert staff_client.get("/cases/").status_code == 200
    with database_down(tmp_path), caplog.at_level(logging.ERROR, logger="django.request"):
        page = staff_client.get("/cases/")
        form = staff_client.post("/cases/new/", {"title": "x"})
        listed = api.get("/api/cases/")
        portal = public.get("/portal/")
    for response in (page, form, portal):
        body = response.content.decode()
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert "服务暂时不可用" in body and "Traceback" not in body and "OperationalError" not in body
    assert 'class="portal"' in portal.content.decode() and 'class="staff"' in page.content.decode()
    assert listed.status_code == 503 and listed["Retry-After"] == "30"
    assert listed.json() == {"code": "database_unavailable", "message": "数据库暂时无法连接，请稍后重试。"}
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert len(logged) == 4 and all(isinstance(r.exc_info[1], OperationalError) for r in logged)
    assert staff_client.get("/cases/").status_code == 200  # a fresh connection once it is back
    assert api.get("/api/cases/").status_code == 200


@pytest.mark.django_db
def test_an_error_that_is_not_the_database_still_answers_500(world, monkeypatch):
    staff_client, _api, _public = clients(world.officer)

    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr("sanxiang.core.views.panels_for", broken)
    response = staff_client.get("/")
    assert response.status_code == 500 and "Retry-After" not in response


def lose_connection_mid_transaction(sender, **kwargs):
    """The database connection dies after the case, its party, event and record entry were
    written, before the transaction commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    raise OperationalError("disk I/O error")


@committed
def test_a_case_cut_off_by_the_database_leaves_nothing_half_written(world):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world.officer)
    body = {
        "procedure": "penalty.general",
        "title": "无照经营",
        "item": world.item.code,
        "handlers": world.officers(),
        "party_data": {
            "kind": "organisation",
            "name": "某公司",
            "credit_code": "91350100M000100Y43",
            "legal_representative": "王五",
        },
    }
    before = (Party.objects.count(), Entry.objects.count())
    case_opened.connect(lose_connection_mid_transaction, dispatch_uid="fault")
    try:
        response = api.post("/api/cases/", body, format="json")
    finally:
        case_opened.disconnect(dispatch_uid="fault")
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    close_old_connections()  # what the end of the request does: the broken connection goes
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert (Party.objects.count(), Entry.objects.count()) == before
    assert sequences.current_value(f"case:{world.agency.pk}:{clock.today().year}") == 0
    again = api.post("/api/cases/", body, format="json")
    assert again.status_code == 201 and again.json()["number"].endswith("-00001")  # the number came back
    call_command("verify", stdout=io.StringIO())


@committed
def test_the_outbox_worker_survives_a_database_outage_and_delivers_afterwards(world, tmp_path, caplog):
    endpoint(url="http://127.0.0.1:9/inbox")
    decided_case(world)
    message = OutboxMessage.objects.get(topic="case.decided")
    outage = database_down(tmp_path)

    class CutAfterSend(ScriptedTransport):
        """The receiver got the message; the database goes before it is marked delivered."""

        def send(self, endpoint, envelopes):
            reply = super().send(endpoint, envelopes)
            if len(self.sent) == 1:
                outage.__enter__()
            return reply

    transport = CutAfterSend()
    pauses, results = [], []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 1:
            outage.__exit__(None, None, None)  # the database is back during the pause

    with caplog.at_level(logging.WARNING, logger="sanxiang.exchange"):
        delivery.run_worker(
            owner="worker-1",
            transports=ScriptedTransports(transport),
            interval=0.5,
            stopping=lambda: bool(results),
            sleep=sleep,
            on_result=results.append,
        )
    assert pauses[0] == 1.0  # interval · 2 after the first failed sweep
    assert any("database unavailable" in r.getMessage() for r in caplog.records)
    assert results[0].delivered == 1
    sent = [e["id"] for batch in transport.sent for e in batch]
    assert sent == [str(message.message_id)] * 2  # sent again: at least once, same id
    assert Delivery.objects.get(message=message).status == DeliveryStatus.DELIVERED


# --- the disk full during an evidence upload ------------------------------------------------


@pytest.fixture
def disk_fills_up(monkeypatch):
    """The evidence store's disk fills up part-way through writing a file: what was written stays
    on disk, as it would, and the write fails with ENOSPC."""
    real_save = FileSystemStorage._save

    class HalfWritten:
        def __init__(self, content):
            self.content = content

        def chunks(self, chunk_size=None):
            data = self.content.read()
            yield data[: len(data) // 2]
            raise OSError(errno.ENOSPC, "No space left on device")

    def save(storage, name, content):
        content.seek(0)
        return real_save(storage, name, HalfWritten(content))

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return lambda: monkeypatch.setattr(FileSystemStorage, "_save", real_save)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def evidence_upload(door: str, world, case, data: bytes):
    fields = {"title": "现场照片", "evidence_type": "physical", "media_kind": "photo"}
    upload = SimpleUploadedFile("scene.png", data, content_type="image/png")
    if door == "web":
        client = Client()
        client.force_login(world.officer)
        return client.post(f"/records/cases/{case.number}/evidence/new/", {**fields, "file": upload})
    api = APIClient()
    api.force_authenticate(world.officer)
    return api.post("/api/evidence/", {**fields, "case": case.number, "file": upload}, format="multipart")


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["web", "api"])
def test_a_full_disk_during_an_upload_records_no_evidence_and_leaves_no_file(
    door, world, settings, disk_fills_up
):
    case = world.case()
    entries = Entry.objects.count()
    data = samples.png(f"full-disk-{door}")
    refused = evidence_upload(door, world, case, data)
    if door == "web":
        assert refused.status_code == 422 and "证据存储空间已满" in refused.content.decode()
    else:
        assert refused.status_code == 507 and refused.json()["code"] == "evidence.storage_full"
        assert refused.json()["field"] == "file"
    assert not Evidence.objects.exists() and not Blob.objects.exists()
    assert Entry.objects.count() == entries and stored_files(settings) == []
    disk_fills_up()  # space freed: the same upload goes through, whole
    accepted = evidence_upload(door, world, case, data)
    assert accepted.status_code in (201, 302)
    assert [p.read_bytes() for p in stored_files(settings)] == [data]
    call_command("verify", stdout=io.StringIO())  # hashes every stored file too


@pytest.mark.django_db
def test_a_full_temporary_folder_is_refused_the_same_way(world, monkeypatch):
    class FullFile(io.BytesIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sanxiang.records.evidence.tempfile.TemporaryFile", FullFile)
    with pytest.raises(DomainError) as refused:
        add_evidence(
            case=world.case(),
            source=io.BytesIO(samples.png("tmp")),
            actor=world.officer,
            title="照片",
            evidence_type="physical",
            media_kind="photo",
        )
    assert refused.value.code == "evidence.storage_full" and refused.value.status == 507
    assert not Evidence.objects.exists() and not Blob.objects.exists()


@pytest.mark.django_db
def test_a_truncated_file_left_by_a_killed_upload_is_written_again_not_reused(world, settings):
    data = samples.png("killed-upload")
    digest = hashlib.sha256(data).hexdigest()
    orphan = Path(settings.MEDIA_ROOT) / "evidence" / digest[:2] / digest[2:4] / digest
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(data[:100])  # the process died mid-write: no Blob row, a short file
    item = add_evidence(
        case=world.case(),
        source=io.BytesIO(data),
        actor=world.officer,
        title="照片",
        evidence_type="physical",
        media_kind="photo",
    )
    assert item.blob.sha256 == digest and orphan.read_bytes() == data
    call_command("verify", stdout=io.StringIO())


# --- a server killed mid-act; two servers on one database ------------------------------------


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"


class Server:
    """A Sanxiang process on the test database (tests/security/fault_server.py)."""

    def __init__(self, tmp_path: Path):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SANXIANG_VAR_DIR": str(tmp_path),
            "SANXIANG_TEST_NOW": FIXED_NOW.isoformat(),
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.security.fault_server"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.backend = self.read()["backend"]

    def read(self, timeout: float = 120) -> dict:
        """The server's next line; a server silent for `timeout` s is killed, failing the test
        instead of hanging the suite."""
        watchdog = threading.Timer(timeout, self.process.kill)
        watchdog.start()
        try:
            line = self.process.stdout.readline()
        finally:
            watchdog.cancel()
        assert line, f"the server ended or hung (status {self.process.poll()})"
        return json.loads(line)

    def send(self, command: dict | str) -> None:
        self.process.stdin.write((command if isinstance(command, str) else json.dumps(command)) + "\n")
        self.process.stdin.flush()

    def call(self, command: dict) -> dict:
        self.send(command)
        return self.read()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def servers(tmp_path):
    started: list[Server] = []

    def start() -> Server:
        started.append(Server(tmp_path))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=30)


def killed_inside(server: Server, command: dict, pause: str) -> None:
    """Run `command` on `server`, stop it inside its transaction at `pause`, and SIGKILL it there."""
    server.send({**command, "pause": pause})
    assert server.read() == {"inside": True}
    server.kill()


def assert_record_intact() -> None:
    out = io.StringIO()
    call_command("verify", stdout=out)  # raises CommandError when anything is wrong
    assert "OK: the record is intact" in out.getvalue()


@committed
def test_a_server_killed_inside_a_transition_leaves_the_case_as_it_was(world, servers):
    case = walk(world, world.case(), UNTIL_NOTIFY)
    events, entries = case.events.count(), Entry.objects.count()
    decide = {"op": "transition", "case": case.pk, "name": "decide", "actor": world.head.pk}
    killed_inside(servers(), decide, "sanxiang.cases.services:_apply")
    case.refresh_from_db()
    assert case.stage == "notified" and case.version == 1 + len(UNTIL_NOTIFY)
    assert case.events.count() == events and Entry.objects.count() == entries
    assert not Publication.objects.filter(case=case).exists()  # the decision's draft went with it
    assert not OutboxMessage.objects.filter(topic="case.decided").exists()
    assert_record_intact()
    case = case_services.transition(case, "decide", actor=world.head)  # the lock is free again
    assert case.stage == "decided" and case.events.filter(transition="decide").count() == 1
    assert_record_intact()


@committed
def test_a_server_killed_while_numbering_a_document_loses_no_number(world, servers):
    first = documents.issue(general_case(world), "penalty_decision", actor=world.officer)
    case = general_case(world)
    issue = {"op": "issue", "case": case.pk, "template": "penalty_decision", "actor": world.officer.pk}
    killed_inside(servers(), issue, "sanxiang.documents.services:_freeze")
    series = DocumentNumber.objects.filter(agency=world.agency, code="penalty_decision")
    assert list(series.values_list("serial", flat=True)) == [1]
    key = numbering.sequence_key(world.agency, "penalty_decision", clock.today().year)
    assert sequences.current_value(key) == 1 and not Document.objects.filter(case=case).exists()
    assert_record_intact()
    second = documents.issue(case, "penalty_decision", actor=world.officer)
    assert (first.number.serial, second.number.serial) == (1, 2)  # no gap, no double
    assert second.number_text == first.number_text.replace("〔2026〕1号", "〔2026〕2号")
    assert_record_intact()


@committed
def test_a_server_killed_while_publishing_leaves_nothing_half_published(world, servers):
    case = publicity_helpers.decided_case(world)
    editor = publicity_helpers.editor(world)
    pub = publicity.check(publicity_helpers.publication_of(case), actor=editor, confidentiality_reviewed=True)
    entries = Entry.objects.count()
    publish = {"op": "publish", "publication": pub.pk, "actor": editor.pk}
    killed_inside(servers(), publish, "sanxiang.publicity.services:_write_snapshot")
    pub.refresh_from_db()
    assert pub.status == "checked" and pub.published_version == 0
    assert not PublicDecision.objects.exists() and not PublicDecisionVersion.objects.exists()
    assert Entry.objects.count() == entries
    assert not OutboxMessage.objects.filter(topic="publication.published").exists()
    assert_record_intact()
    pub = publicity.publish(pub, actor=editor)
    assert pub.published_version == 1 and PublicDecision.objects.get().version == 1
    assert_record_intact()


def wait_until_blocked(server: Server) -> None:
    """Until `server` waits for the lock the other server holds (PostgreSQL says so; SQLite's
    queued writer cannot be seen from outside, so it gets a moment to get there)."""
    if server.backend is None:
        time.sleep(0.5)
        return
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [server.backend])
            if cursor.fetchone()[0] == "Lock":
                return
        time.sleep(0.05)
    raise AssertionError("the second server never reached the lock")


@committed
def test_two_servers_deciding_one_case_at_once_make_one_decision(world, servers):
    case = walk(world, world.case(), UNTIL_NOTIFY)
    other_head = staff(world.agency, Role.HEAD, certified=False)
    first, second = servers(), servers()
    decide = {"op": "transition", "case": case.pk, "name": "decide"}
    first.send({**decide, "actor": world.head.pk, "pause": "sanxiang.cases.services:_apply"})
    assert first.read() == {"inside": True}  # decided, not yet committed
    second.send({**decide, "actor": other_head.pk})
    wait_until_blocked(second)
    first.send("go")
    assert first.read()["ok"] is True
    assert second.read() == {"refused": "case.transition.not_allowed"}
    case.refresh_from_db()
    assert case.stage == "decided" and case.version == 2 + len(UNTIL_NOTIFY)
    assert case.events.filter(transition="decide").count() == 1
    assert Publication.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.filter(topic="case.decided").count() == 1
    assert_record_intact()


@committed
def test_two_servers_racing_over_the_same_cases_lose_no_update(world, servers):
    cases = [general_case(world, until="notify") for _ in range(4)]
    heads = [world.head, staff(world.agency, Role.HEAD, certified=False)]
    officers = [world.officer, world.partner]
    editors = [publicity_helpers.editor(world), staff(world.agency, Role.PUBLICITY_EDITOR, certified=False)]
    running = [servers(), servers()]

    def race(actors, make) -> list[dict]:
        """Both servers run `make(case)` on every case, in the same order, at the same time."""
        for server, actor in zip(running, actors, strict=True):
            commands = [{**make(c), "actor": actor.pk} for c in cases]
            server.send({"op": "batch", "commands": commands})
        return [result for server in running for result in server.read()["results"]]

    def one_each(results: list[dict], code: str) -> None:
        assert sum("ok" in r for r in results) == len(cases)
        assert [r["refused"] for r in results if "refused" in r] == [code] * len(cases)

    transition = {"op": "transition"}
    reassigned = race(
        heads,
        lambda c: {**transition, "case": c.pk, "name": "assign", "data": {"officers": world.officers()}},
    )
    assert all(r.get("ok") for r in reassigned)  # acts that keep the stage: both count
    one_each(
        race(heads, lambda c: {**transition, "case": c.pk, "name": "decide"}), "case.transition.not_allowed"
    )
    issued = race(officers, lambda c: {"op": "issue", "case": c.pk, "template": "penalty_decision"})
    one_each(issued, "documents.already_issued")
    for case in cases:
        pub = publicity_helpers.publication_of(case)
        publicity.check(pub, actor=editors[0], confidentiality_reviewed=True)
    publications = {c.pk: publicity_helpers.publication_of(c).pk for c in cases}
    one_each(
        race(editors, lambda c: {"op": "publish", "publication": publications[c.pk]}), "publicity.status"
    )
    for case in cases:
        case.refresh_from_db()
        seqs = list(case.events.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        assert case.events.filter(transition="assign").count() == 2
        assert case.events.filter(transition="decide").count() == 1
        assert case.version == len(seqs)  # every act moved the version once: none overwritten
    serials = DocumentNumber.objects.filter(agency=world.agency, code="penalty_decision").values_list(
        "serial", flat=True
    )
    assert sorted(serials) == [1, 2, 3, 4]  # one number per case, none doubled, none skipped
    assert Document.objects.filter(case__in=cases).count() == len(cases)
    assert sorted(PublicDecision.objects.values_list("version", flat=True)) == [1] * len(cases)
    assert OutboxMessage.objects.filter(topic="case.decided").count() == len(cases)
    assert OutboxMessage.objects.filter(topic="publication.published").count() == len(cases)
    assert_record_intact()


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["web", "api"])
def test_a_full_disk_while_the_upload_is_spooled_answers_507_and_records_nothing(
    door, world, settings, monkeypatch
):
    """Before any view runs, Django writes a large upload to its temporary folder; a full disk
    there is refused as storage_full, not as a server error."""

    def full(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload is spooled to a temporary file
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", full)
    case, entries = world.case(), Entry.objects.count()
    fields = {"title": "现场照片", "evidence_type": "physical", "media_kind": "photo"}
    upload = SimpleUploadedFile("scene.png", samples.png("spooled"), content_type="image/png")
    if door == "web":
        client = Client(raise_request_exception=False)
        client.force_login(world.officer)
        refused = client.post(f"/records/cases/{case.number}/evidence/new/", {**fields, "file": upload})
        assert refused.status_code == 507 and "服务器存储空间已满" in refused.content.decode()
    else:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(world.officer)
        refused = api.post(
            "/api/evidence/", {**fields, "case": case.number, "file": upload}, format="multipart"
        )
        assert refused.status_code == 507 and refused.json()["code"] == "storage_full"
    assert not Evidence.objects.exists() and Entry.objects.count() == entries
