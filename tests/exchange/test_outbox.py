"""The transactional outbox: written with the change or not at all, ordered per key, retried with
backoff, dead-lettered, and put right by retry, skip and replay (services and their guards)."""

import datetime as dt

import pytest
from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.exchange import delivery, outbox, services
from sanxiang.exchange.models import Delivery, DeliveryStatus, OutboxMessage
from sanxiang.exchange.transports import Reply
from sanxiang.org import services as org_services
from sanxiang.records.models import Entry
from tests.exchange.helpers import ScriptedTransport, ScriptedTransports, admin, decided_case, endpoint
from tests.factories import certify

pytestmark = pytest.mark.django_db


def run(transport, **kw):
    return delivery.deliver_all(transports=ScriptedTransports(transport), owner="test", **kw)


def later(seconds):
    return clock.frozen(clock.now() + dt.timedelta(seconds=seconds))


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_outside_a_transaction():
    with pytest.raises(RuntimeError):
        outbox.enqueue("x.y", "k", {})


def test_message_commits_with_the_change_or_not_at_all(world):
    endpoint()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.enqueue("publication.published", "case:X", {"n": 1})
        1 / 0
    assert not OutboxMessage.objects.filter(key="case:X").exists()
    with transaction.atomic():
        message = outbox.enqueue("publication.published", "case:X", {"amount": dt.date(2026, 3, 1)})
    assert message.payload == {"amount": "2026-03-01"}
    assert message.deliveries.get().status == DeliveryStatus.PENDING
    assert message.key_seq == 1  # the rolled-back message gave its number back


def test_floats_are_refused_like_in_the_record():
    with pytest.raises(TypeError), transaction.atomic():
        outbox.enqueue("x.y", "k", {"fine": 1.5})


def test_decision_enqueues_in_the_transition_transaction(world):
    ep = endpoint()
    case = decided_case(world)
    message = OutboxMessage.objects.get(topic="case.decided")
    assert message.key == f"case:{case.number}" and message.key_seq == 1
    assert message.agency == world.agency
    assert message.payload["case"]["number"] == case.number
    assert message.payload["event"]["transition"] == "decide"
    assert message.payload["party"]["credit_code"] == case.party.credit_code
    assert Delivery.objects.get(message=message).endpoint == ep


def test_natural_persons_id_numbers_leave_masked(world):
    from tests.factories import person

    case = world.case(party=person(world.agency))
    from tests.cases.walk import PATHS, walk

    steps = PATHS["penalty.general"]
    walk(world, case, steps[: [s[0] for s in steps].index("decide") + 1])
    party = OutboxMessage.objects.get(topic="case.decided").payload["party"]
    assert "id_number" not in party
    assert party["id_number_masked"].startswith(case.party.id_number[:6])
    assert "*" in party["id_number_masked"]


def test_certificate_changes_enqueue(world):
    cert = certify(world.officer)
    org_services.change_certificate_status(cert, status="suspended", reason="违纪调查", actor=None)
    topics = list(
        OutboxMessage.objects.filter(key=f"certificate:{cert.number}").values_list("key_seq", "payload")
    )
    assert [seq for seq, _ in topics] == [1, 2]
    assert topics[1][1]["change"] == "status:suspended"


def test_per_key_order_is_kept_through_failures(world):
    endpoint()
    with transaction.atomic():
        for n in range(3):
            outbox.enqueue("t", "case:A", {"n": n})
            outbox.enqueue("t", "case:B", {"n": n})
    transport = ScriptedTransport(Reply(False, status=503, error="down"), Reply(True, status=200))
    result = run(transport)
    # A/1 failed first: A/2 and A/3 were held back in this pass, B went through
    assert transport.keys_in_order[0] == ("case:A", 1)
    assert ("case:A", 2) not in transport.keys_in_order
    assert [k for k in transport.keys_in_order if k[0] == "case:B"] == [
        ("case:B", 1),
        ("case:B", 2),
        ("case:B", 3),
    ]
    assert result.delivered == 3 and result.failed == 1
    # still backing off: nothing of A goes out, even though A/2 is "due"
    transport.sent.clear()
    run(transport)
    assert transport.sent == []
    with later(60):
        run(transport)
    assert transport.keys_in_order == [("case:A", 1), ("case:A", 2), ("case:A", 3)]
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    ep = endpoint(backoff_base_seconds=10, backoff_max_seconds=100)
    for attempts, low, high in [(1, 5, 10), (2, 10, 20), (3, 20, 40), (8, 50, 100)]:
        for _ in range(20):
            seconds = delivery.backoff(ep, attempts).total_seconds()
            assert low <= seconds <= high


def test_dead_letter_after_max_attempts_blocks_its_key_until_retried(world):
    boss = admin(world)
    endpoint(max_attempts=2)
    with transaction.atomic():
        outbox.enqueue("t", "case:A", {"n": 1})
        outbox.enqueue("t", "case:A", {"n": 2})
    failing = ScriptedTransport(Reply(False, status=500, error="HTTP 500"))
    run(failing)
    with later(60):
        run(failing)
    first = Delivery.objects.get(message__key_seq=1)
    assert first.status == DeliveryStatus.DEAD and first.attempts == 2
    assert first.failures.count() == 2 and first.failures.first().status_code == 500
    ok = ScriptedTransport(Reply(True, status=200))
    with later(3600):
        run(ok)
    assert ok.sent == []  # n=2 waits behind the dead letter
    services.retry_delivery(first, actor=boss, reason="平台已恢复")
    with later(3600):
        run(ok)
    assert ok.keys_in_order == [("case:A", 1), ("case:A", 2)]
    assert Entry.objects.filter(kind="exchange.delivery.retried").exists()


def test_permanent_refusal_is_dead_at_once_and_can_be_skipped(world):
    boss = admin(world)
    endpoint(max_attempts=5)
    with transaction.atomic():
        outbox.enqueue("t", "case:A", {"n": 1})
        outbox.enqueue("t", "case:A", {"n": 2})
    run(ScriptedTransport(Reply(False, status=422, error="HTTP 422")))
    first = Delivery.objects.get(message__key_seq=1)
    assert first.status == DeliveryStatus.DEAD and first.attempts == 1
    with pytest.raises(InvalidInput):
        services.skip_delivery(first, actor=boss, reason=" ")
    services.skip_delivery(first, actor=boss, reason="省平台确认该条无需接收")
    ok = ScriptedTransport()
    run(ok)
    assert ok.keys_in_order == [("case:A", 2)]


def test_operator_actions_need_the_admin_role(world):
    endpoint()
    with transaction.atomic():
        outbox.enqueue("t", "case:A", {})
    d = Delivery.objects.get()
    with pytest.raises(Forbidden):
        services.retry_delivery(d, actor=world.head)
    with pytest.raises(DomainError):
        services.retry_delivery(d, actor=admin(world))  # not dead


def test_replay_from_a_sequence_or_time_reaches_a_new_endpoint_too(world):
    boss = admin(world)
    old = endpoint()
    with transaction.atomic():
        for n in range(4):
            outbox.enqueue("case.decided", f"case:{n % 2}", {"n": n})
    run(ScriptedTransport())
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 4
    third = OutboxMessage.objects.filter(topic="case.decided").order_by("id")[2]
    assert services.replay(old, actor=boss, from_seq=third.pk) == 2
    new = endpoint(name="新端点", topics=["case.*"])  # certificate messages are not its topic
    assert services.replay(new, actor=boss, from_time=clock.now() - dt.timedelta(hours=1)) == 4
    transport = ScriptedTransport()
    run(transport)
    assert len(transport.sent) == 6
    assert {e["topic"] for batch in transport.sent for e in batch} == {"case.decided"}
    with pytest.raises(InvalidInput):
        services.replay(new, actor=boss)
    assert Entry.objects.filter(kind="exchange.replayed").count() == 2


def test_batches_keep_key_order_and_are_acknowledged_whole(world):
    endpoint(batch_size=50)
    with transaction.atomic():
        for n in range(120):
            outbox.enqueue("t", f"case:{n % 7}", {"n": n})
    transport = ScriptedTransport()
    result = run(transport)
    assert result.delivered == 120 and result.requests == 3
    seen: dict[str, int] = {}
    for key, seq in transport.keys_in_order:
        assert seq == seen.get(key, 0) + 1
        seen[key] = seq


def test_topics_filter_which_endpoint_gets_what(world):
    endpoint(name="只要决定", topics=["case.*"])
    with transaction.atomic():
        outbox.enqueue("certificate.changed", "certificate:1", {})
        outbox.enqueue("case.decided", "case:1", {})
    assert Delivery.objects.count() == 1


def test_a_lease_keeps_a_second_worker_off_the_endpoint(world):
    ep = endpoint()
    assert delivery.acquire_lease(ep, "w1")
    assert not delivery.acquire_lease(ep, "w2")
    delivery.release_lease(ep, "w1")
    assert delivery.acquire_lease(ep, "w2")


def test_a_long_blocked_case_does_not_starve_the_others(world):
    endpoint(max_attempts=1)
    with transaction.atomic():
        for n in range(8):
            outbox.enqueue("t", "case:LONG", {"n": n})
        outbox.enqueue("t", "case:OTHER", {})
    run(ScriptedTransport(Reply(False, status=500)), limit=1)  # LONG/1 becomes a dead letter
    transport = ScriptedTransport()
    run(transport, limit=3)  # only 3 candidates per pass: LONG/2..4 must not take the places
    assert transport.keys_in_order == [("case:OTHER", 1)]
