"""Inclusion and consistency proofs from the stored log, checked against an independent small
implementation of RFC 6962 written here from the RFC text (it shares nothing with records.merkle),
and verified with both the platform's and the offline verifier's RFC 9162 algorithms."""

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang import dossier_verify
from sanxiang.records import log, merkle
from sanxiang.records.bulk import Spec, bulk_append
from sanxiang.records.models import Entry, Node

pytestmark = pytest.mark.django_db


def H(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1: MTH over entry bodies."""
    n = len(leaves)
    if n == 0:
        return H(b"")
    if n == 1:
        return H(b"\x00" + leaves[0])
    k = 1 << ((n - 1).bit_length() - 1)
    return H(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n])."""
    n = len(leaves)
    if n <= 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    """RFC 6962 §2.1.2 SUBPROOF(m, D[n], b)."""
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, leaves[:k], b), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


SIZE = 300  # reaches stored nodes of height 4 and 8


@pytest.fixture
def bodies(db):
    bulk_append(Spec(stream=f"s{i % 7}", kind="test", payload={"i": i}) for i in range(SIZE))
    return [e.body.encode() for e in Entry.objects.order_by("seq")]


def test_stored_nodes_are_the_subtree_roots(bodies):
    for node in Node.objects.all():
        lo = node.index << node.height
        assert node.height % merkle.STRIDE == 0
        assert bytes.fromhex(node.hash) == mth(bodies[lo : lo + (1 << node.height)])
    assert Node.objects.filter(height=8).count() == 1


def test_root_matches_reference(bodies):
    assert log.current_root() == (SIZE, mth(bodies))
    for size in (1, 2, 3, 16, 17, 255, 256, 257, SIZE):
        assert log.root_at(size) == mth(bodies[:size])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_inclusion_proofs_match_reference(bodies, data):
    size = data.draw(st.integers(1, SIZE))
    seq = data.draw(st.integers(1, size))
    proof = log.inclusion_proof(seq, size)
    assert proof == path(seq - 1, bodies[:size])
    leaf = H(b"\x00" + bodies[seq - 1])
    root = mth(bodies[:size])
    assert merkle.verify_inclusion(leaf, seq - 1, size, proof, root)
    assert dossier_verify.verify_inclusion(leaf, seq - 1, size, proof, root)
    if proof:
        bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
        assert not merkle.verify_inclusion(leaf, seq - 1, size, bad, root)
        assert not dossier_verify.verify_inclusion(leaf, seq - 1, size, bad, root)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_consistency_proofs_match_reference(bodies, data):
    new = data.draw(st.integers(1, SIZE))
    old = data.draw(st.integers(1, new))
    proof = log.consistency_proof(old, new)
    assert proof == (subproof(old, bodies[:new], True) if old < new else [])
    old_root, new_root = mth(bodies[:old]), mth(bodies[:new])
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)
    if old < new:
        assert not merkle.verify_consistency(old, new, old_root, H(b"x"), proof)


def test_batch_inclusion_proofs_equal_single_ones(bodies):
    seqs = [1, 2, 17, 100, 256, 299]
    assert log.inclusion_proofs(seqs, 299) == {s: log.inclusion_proof(s, 299) for s in seqs}


def test_proof_needs_few_queries(bodies, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        log.inclusion_proof(123, SIZE)


def test_public_and_api_proofs(bodies, client):
    from rest_framework.test import APIClient

    from sanxiang.records.checkpoints import make_checkpoint
    from tests.factories import AgencyFactory, staff

    first = make_checkpoint()
    bulk_append(Spec(stream="later", kind="test", payload={"i": i}) for i in range(20))
    second = make_checkpoint()
    everything = [e.body.encode() for e in Entry.objects.order_by("seq")]
    got = client.get(f"/portal/transparency/proof/inclusion/?seq=42&size={second.size}").json()
    assert [bytes.fromhex(h) for h in got["path"]] == path(41, everything)
    assert got["root_hash"] == second.root and got["leaf_hash"] == Entry.objects.get(seq=42).hash
    latest = client.get("/portal/transparency/proof/inclusion/?seq=42").json()
    assert latest["tree_size"] == second.size
    got = client.get(
        f"/portal/transparency/proof/consistency/?first={first.size}&second={second.size}"
    ).json()
    proof = [bytes.fromhex(h) for h in got["proof"]]
    assert proof == subproof(first.size, everything, True)
    assert merkle.verify_consistency(
        first.size, second.size, bytes.fromhex(first.root), bytes.fromhex(second.root), proof
    )
    # only published sizes, and clean errors
    assert client.get("/portal/transparency/proof/inclusion/?seq=1&size=7").status_code == 422
    assert client.get("/portal/transparency/proof/consistency/?first=x&second=1").json()["code"]
    user = staff(AgencyFactory())
    api = APIClient()
    api.force_authenticate(user)
    got = api.get(f"/api/records/checkpoints/consistency/?first=5&second={second.size}").json()
    assert [bytes.fromhex(h) for h in got["proof"]] == subproof(5, everything, True)


def test_transparency_page_is_public(bodies, client):
    from sanxiang.records.checkpoints import make_checkpoint

    point = make_checkpoint()
    page = client.get("/portal/transparency/")
    assert page.status_code == 200
    assert point.root in page.content.decode()
    assert b"BEGIN PUBLIC KEY" in client.get("/portal/transparency/public-key.pem").content
    listing = client.get("/portal/transparency/checkpoints.json").json()
    assert listing["checkpoints"][0]["tree_size"] == SIZE
    assert client.get("/portal/transparency/checkpoints/latest.txt").content.decode() == point.note
