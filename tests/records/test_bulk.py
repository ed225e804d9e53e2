"""The generator's bulk path (records/bulk.py) writes what single appends would: chains that
continue across single and bulk appends, on an empty log and on one that already has entries, and
a log `sanxiang verify` accepts (on PostgreSQL through COPY, on SQLite through INSERTs)."""

import itertools

import pytest
from django.db import transaction

from sanxiang.records import services
from sanxiang.records.bulk import Spec, bulk_append
from sanxiang.records.checkpoints import make_checkpoint
from sanxiang.records.models import GENESIS, Entry
from sanxiang.records.verify import verify

pytestmark = pytest.mark.django_db


def specs(streams: list[str], count: int, start: int = 0):
    return [
        Spec(stream=streams[i % len(streams)], kind="test.bulk", payload={"i": i})
        for i in range(start, count)
    ]


def chain_of(stream: str) -> list[tuple[int, str, str]]:
    return list(
        Entry.objects.filter(stream=stream)
        .order_by("stream_seq")
        .values_list("stream_seq", "prev_hash", "hash")
    )


def assert_continuous(stream: str) -> None:
    chain = chain_of(stream)
    assert [seq for seq, _, _ in chain] == list(range(1, len(chain) + 1))
    assert chain[0][1] == GENESIS
    assert all(later[1] == earlier[2] for earlier, later in itertools.pairwise(chain))


def test_a_bulk_build_on_an_empty_log_verifies():
    assert bulk_append(specs(["case:A", "case:B", "case:C"], 120)) == 120
    make_checkpoint()
    report = verify(files=False)
    assert report.ok and report.entries == 120, report.problems
    for stream in ("case:A", "case:B", "case:C"):
        assert_continuous(stream)


def test_bulk_continues_the_chains_of_single_appends_and_of_an_earlier_bulk():
    with transaction.atomic():
        for i in range(3):
            services.append(kind="test.single", stream="case:A", payload={"single": i})
    bulk_append(specs(["case:A", "case:B"], 40), batch=7)  # several batches, existing and new streams
    bulk_append(specs(["case:B", "case:C"], 60, start=40))  # on a log that is no longer empty
    with transaction.atomic():
        services.append(kind="test.single", stream="case:C", payload={"single": "after"})
    make_checkpoint()
    report = verify(files=False)
    assert report.ok and report.entries == 3 + 40 + 20 + 1, report.problems
    for stream in ("case:A", "case:B", "case:C"):
        assert_continuous(stream)
    assert len(chain_of("case:A")) == 3 + 20
