"""The dossier round trip: exported through every door, verified offline by the standalone
verifier, which names the first problem after any change and never crashes on a mangled archive."""

import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from sanxiang import dossier_verify
from sanxiang.records.models import Entry
from tests.cases.walk import PATHS, walk
from tests.factories import PASSWORD
from tests.records.helpers import bodycam_video, upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dossier(world, tmp_path):
    case = walk(world, world.case(), PATHS["penalty.general"][:6])
    upload(world, case, title="现场照片")
    bodycam_video(world, case, "inspection", title="检查录像")
    walk(world, world.case(), PATHS["penalty.general"][:2])  # another case: not in this dossier
    path = tmp_path / "dossier.zip"
    call_command(
        "export_dossier", case.number, "-o", str(path), "--user", world.officer.username, "--reason", "归档"
    )
    return case, path


def verdict(path) -> str:
    try:
        return dossier_verify.verify(str(path))
    except dossier_verify.Problem as problem:
        return f"FAILED: {problem}"


def rewrite(src: Path, dst: Path, change) -> Path:
    """Copy the archive, passing every member through `change(name, data) -> data | None`."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return dst


def test_round_trip(dossier):
    case, path = dossier
    result = verdict(path)
    assert result.startswith(f"OK: case {case.number}"), result
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        lines = archive.read("entries.jsonl").decode().splitlines()
    assert sum(n.startswith("files/") for n in names) == 2
    # every entry of the case, both streams; the export itself is among them (I7)
    assert len(lines) == Entry.objects.filter(case=case).count()
    assert any('"what":"export_dossier"' in line for line in lines)
    assert all(f'"case":"{case.number}"' in line for line in lines)


def test_offline_verifier_runs_alone(dossier, tmp_path):
    """Only the standard library and cryptography: run the file by itself in a bare interpreter."""
    case, path = dossier
    alone = tmp_path / "dossier_verify.py"
    alone.write_text((ROOT / "src/sanxiang/dossier_verify.py").read_text())
    done = subprocess.run(
        [sys.executable, "-I", str(alone), str(path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"OK: case {case.number}")
    bad = rewrite(path, tmp_path / "bad.zip", lambda n, d: d.replace("过期".encode(), "新鲜".encode()))
    done = subprocess.run(
        [sys.executable, "-I", str(alone), str(bad)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1 and "FAILED" in done.stderr


def test_one_changed_byte_in_a_file_is_named(dossier, tmp_path):
    _, path = dossier

    def flip(name, data):
        if name.startswith("files/") and name.endswith(".png"):
            data = bytearray(data)
            data[40] ^= 1
        return bytes(data)

    result = verdict(rewrite(path, tmp_path / "x.zip", flip))
    assert "files/" in result and "SHA-256 or size differs" in result


def test_an_altered_entry_is_named(dossier, tmp_path):
    _, path = dossier
    result = verdict(
        rewrite(path, tmp_path / "x.zip", lambda n, d: d.replace("12件".encode(), "2件".encode()))
    )
    assert result.startswith("FAILED") and "entries.jsonl" in result  # the manifest no longer matches


def test_a_consistently_altered_dossier_fails_on_the_signatures(dossier, tmp_path):
    """Even with the manifest's hashes recomputed, the manifest signature and proofs catch it."""
    _, path = dossier

    def forge(name, data):
        return data.replace("12件".encode(), "2件".encode())

    forged = rewrite(path, tmp_path / "x.zip", forge)
    with zipfile.ZipFile(forged) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    import hashlib

    for item in manifest["files"]:
        item["sha256"] = hashlib.sha256(members[item["path"]]).hexdigest()
        item["size"] = len(members[item["path"]])
    members["manifest.json"] = json.dumps(
        manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert "manifest.json: signature does not verify" in verdict(tmp_path / "y.zip")


def test_missing_reordered_and_extra_are_named(dossier, tmp_path):
    _, path = dossier
    missing = rewrite(
        path, tmp_path / "a.zip", lambda n, d: None if n.startswith("files/") and n.endswith(".mp4") else d
    )
    assert "missing from the archive" in verdict(missing)
    extra = rewrite(path, tmp_path / "b.zip", lambda n, d: d)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("files/evil.exe", b"MZ")
    assert "not listed in the manifest" in verdict(extra)


def test_entry_checks_name_the_entry(dossier, tmp_path):
    """The checks behind the manifest, exercised directly: reordered, missing, broken chain."""
    _, path = dossier
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        lines = archive.read("entries.jsonl").split(b"\n")[:-1]

    def check(changed: list[bytes]) -> str:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("entries.jsonl", b"".join(line + b"\n" for line in changed))
        buffer.seek(0)
        stated = dict(manifest, entries=len(changed))
        try:
            dossier_verify._entries(zipfile.ZipFile(buffer), stated, manifest["checkpoint"]["size"])
        except dossier_verify.Problem as problem:
            return str(problem)
        return "OK"

    assert check(lines) == "OK"
    swapped = [lines[0], lines[2], lines[1], *lines[3:]]
    assert "reordered" in check(swapped)
    # an entry of the access stream moved before earlier case entries: each stream still in order
    first_access = next(i for i, line in enumerate(lines) if b'"stream":"access:' in line)
    moved = [lines[first_access], *lines[:first_access], *lines[first_access + 1 :]]
    assert "out of order" in check(moved)
    body = json.loads(lines[1])
    body["payload"]["label"] = "伪造"
    forged = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert "chain broken" in check([lines[0], forged, *lines[2:]]) or "entries removed" in check(
        [lines[0], forged, *lines[2:]]
    )
    assert "canonical form" in check([lines[0], lines[1].replace(b'{"', b'{ "', 1), *lines[2:]])


def test_export_through_web_and_api_is_logged(dossier, world, client):
    case, _ = dossier
    before = Entry.objects.filter(kind="access.case", body__contains="export_dossier").count()
    assert client.login(username=world.officer.username, password=PASSWORD)
    response = client.get(f"/records/cases/{case.number}/dossier.zip")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    api = APIClient()
    api.force_authenticate(world.head)
    got = api.get(f"/api/records/dossiers/{case.number}/")
    assert got.status_code == 200
    api_data = b"".join(got.streaming_content)
    for blob in (data, api_data):
        target = Path(f"/tmp/{case.number}-{len(blob)}.zip")
        target.write_bytes(blob)
        assert verdict(target).startswith("OK"), verdict(target)
        target.unlink()
    assert Entry.objects.filter(kind="access.case", body__contains="export_dossier").count() == before + 2


def test_fuzzed_archives_never_crash_the_verifier(dossier, tmp_path):
    _, path = dossier
    original = path.read_bytes()
    rng = random.Random(3)
    outcomes = set()
    for i in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            action = rng.random()
            if action < 0.6:
                data[at] = rng.randrange(256)
            elif action < 0.8:
                del data[at : at + rng.randint(1, 64)]
            else:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        mangled = tmp_path / f"f{i}.zip"
        mangled.write_bytes(bytes(data))
        code = dossier_verify.main([str(mangled)])
        assert code in (0, 1)
        outcomes.add(code)
    assert 1 in outcomes
    # member-level mutations inside a valid ZIP container
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    for i in range(40):
        name = rng.choice(sorted(members))
        data = bytearray(members[name])
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        mangled = tmp_path / f"m{i}.zip"
        with zipfile.ZipFile(mangled, "w") as archive:
            for n, d in members.items():
                archive.writestr(n, bytes(data) if n == name else d)
        assert dossier_verify.main([str(mangled)]) == 1, name


def test_cli_module_and_trusted_key(dossier, tmp_path):
    from sanxiang.records import keys

    _, path = dossier
    trusted = tmp_path / "key.pem"
    trusted.write_text(keys.public_key_pem())
    assert dossier_verify.main([str(path), "--public-key", str(trusted)]) == 0
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate().public_key()
    trusted.write_bytes(
        other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert dossier_verify.main([str(path), "--public-key", str(trusted)]) == 1
    assert dossier_verify.main([str(tmp_path / "nothing.zip")]) == 1


def test_an_issued_document_is_in_the_dossier_and_verifies(world, tmp_path, settings, tmp_path_factory):
    """The document.issued entry names the document's content hash: the dossier carries that
    content (found by the end-to-end scenario, where the dossier of a decided case did not verify)."""
    from sanxiang.documents import services as documents
    from tests.documents.helpers import general_case

    settings.SANXIANG_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"
    case = general_case(world)
    document = documents.issue(case, "penalty_decision", actor=world.officer)
    path = tmp_path / "dossier.zip"
    call_command(
        "export_dossier", case.number, "-o", str(path), "--user", world.officer.username, "--reason", "归档"
    )
    assert "FAILED" not in verdict(path), verdict(path)
    with zipfile.ZipFile(path) as archive:
        assert f"files/{document.sha256}.json" in archive.namelist()
