"""The offline dossier verifier fuzzed with mutated archives (issue 10, item 5): flipped bytes,
truncation, dropped and renamed members, a small zip bomb. It must never crash — it answers "OK"
only for the intact archive and otherwise raises its one documented `Problem`."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang import dossier_verify
from tests.cases.walk import PATHS, walk
from tests.records.helpers import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(world, tmp_path) -> bytes:
    case = walk(world, world.case(), PATHS["penalty.general"][:4])
    upload(world, case, title="现场照片")
    path = tmp_path / "dossier.zip"
    call_command(
        "export_dossier", case.number, "-o", str(path), "--user", world.officer.username, "--reason", "归档"
    )
    return path.read_bytes()


def verdict(data: bytes, tmp_path) -> str:
    path = tmp_path / "mutated.zip"
    path.write_bytes(data)
    try:
        return dossier_verify.verify(str(path))
    except dossier_verify.Problem as problem:
        return f"FAILED: {problem}"


def members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info.filename)) for info in archive.infolist()]


def rebuild(items) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in items:
            archive.writestr(name, body)
    return buffer.getvalue()


FUZZ = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_intact_dossier_passes(original, tmp_path):
    assert verdict(original, tmp_path).startswith("OK:")


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=8))
def test_flipped_bytes_are_reported_never_a_crash(original, tmp_path, flips):
    data = bytearray(original)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    result = verdict(bytes(data), tmp_path)
    assert result.startswith(("OK:", "FAILED:"))
    # a flip in the ZIP's slack (e.g. a timestamp) may leave every checked byte intact


@FUZZ
@given(cut=st.integers(0, 10**9))
def test_truncated_archives_are_reported(original, tmp_path, cut):
    result = verdict(original[: cut % len(original)], tmp_path)
    assert result.startswith("FAILED:")


@FUZZ
@given(data=st.data())
def test_dropped_renamed_and_altered_members_are_reported(original, tmp_path, data):
    items = [(info.filename, body) for info, body in members(original)]
    index = data.draw(st.integers(0, len(items) - 1))
    action = data.draw(st.sampled_from(["drop", "rename", "append", "truncate", "extra"]))
    name, body = items[index]
    if action == "drop":
        del items[index]
    elif action == "rename":
        items[index] = (name + data.draw(st.sampled_from([".bak", "/", "x", " "])), body)
    elif action == "append":
        items[index] = (name, body + data.draw(st.binary(min_size=1, max_size=20)))
    elif action == "truncate":
        items[index] = (name, body[: data.draw(st.integers(0, max(len(body) - 1, 0)))])
    else:
        items.append(("../evil.txt", b"x"))
    assert verdict(rebuild(items), tmp_path).startswith("FAILED:")


def test_a_small_zip_bomb_is_refused_without_inflating_it(original, tmp_path):
    items = [(info.filename, body) for info, body in members(original)]
    bomb = b"\0" * (64 * 1024 * 1024)  # 64 MiB of zeros, ~64 KiB compressed
    names = [name for name, _ in items]
    for target in ("entries.jsonl", "manifest.json", "checkpoint.txt", names[-1]):
        mutated = [(n, bomb if n == target else b) for n, b in items]
        assert verdict(rebuild(mutated), tmp_path).startswith("FAILED:")


@FUZZ
@given(junk=st.binary(max_size=2000))
def test_random_bytes_are_not_a_dossier(tmp_path, junk):
    assert verdict(junk, tmp_path).startswith("FAILED:")
