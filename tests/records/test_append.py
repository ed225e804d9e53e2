"""The record core: every workflow change appends a chained entry in the same transaction, and the
log's Merkle root matches an independent RFC 6962 computation."""

import hashlib

import pytest
from django.db import transaction

from sanxiang.cases import services
from sanxiang.core.errors import DomainError
from sanxiang.records.log import current_root
from sanxiang.records.models import GENESIS, Entry, LogHead
from sanxiang.records.services import case_stream
from tests.cases.walk import PATHS, walk

pytestmark = pytest.mark.django_db


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, written from the RFC independently of sanxiang.records.merkle."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def test_each_transition_appends_one_chained_entry(world):
    case = walk(world, world.case(), PATHS["penalty.general"])
    # the case's own stream; other streams (e.g. the case-file evaluation on closing) also name the case
    entries = list(Entry.objects.filter(stream=case_stream(case)).order_by("stream_seq"))
    assert [e.kind for e in entries] == ["case.opened"] + ["case.transition"] * len(PATHS["penalty.general"])
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous
        assert hashlib.sha256(b"\x00" + entry.body.encode()).hexdigest() == entry.hash
        previous = entry.hash


def test_merkle_root_matches_reference(world):
    for code in ("penalty.general", "permit", "inspection"):
        walk(world, world.case(code), PATHS[code][:2])
    bodies = [e.body.encode() for e in Entry.objects.order_by("seq")]
    size, root = current_root()
    assert size == len(bodies) == LogHead.objects.get().size
    assert root == reference_root(bodies)


def test_refused_transition_appends_nothing(world):
    case = world.case()
    before = Entry.objects.count()
    with pytest.raises(DomainError):
        services.transition(case, "decide", actor=world.head)
    assert Entry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused(world):
    from sanxiang.records.services import append

    case = world.case()
    assert transaction.get_autocommit()
    with pytest.raises(RuntimeError):
        append(kind="note", payload={}, case=case)


def test_evidence_is_stored_once_and_recorded(world):
    import io

    from sanxiang.records import samples
    from sanxiang.records.evidence import add_evidence
    from sanxiang.records.models import Blob

    case = world.case()
    content = samples.png("same")
    first = add_evidence(
        case=case,
        source=io.BytesIO(content),
        actor=world.officer,
        title="现场照片",
        evidence_type="physical",
        media_kind="photo",
    )
    second = add_evidence(
        case=case,
        source=io.BytesIO(content),
        actor=world.officer,
        title="同一照片",
        evidence_type="physical",
        media_kind="photo",
    )
    assert first.blob_id == second.blob_id and Blob.objects.count() == 1
    assert first.entry.kind == "evidence.added" and first.blob.media_type == "image/png"
    assert first.entry.payload["sha256"] == hashlib.sha256(content).hexdigest()
