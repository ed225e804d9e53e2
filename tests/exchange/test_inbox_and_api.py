"""The inbox (signed, idempotent) and the exchange API and pages through every door."""

import uuid

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from sanxiang.core.roles import Role
from sanxiang.exchange import delivery, outbox, services, signing
from sanxiang.exchange.models import Delivery, DeliveryStatus, ReceivedMessage
from sanxiang.exchange.transports import Reply
from sanxiang.records import canonical
from tests.exchange.helpers import SECRET, ScriptedTransport, ScriptedTransports, admin, endpoint, source
from tests.factories import PASSWORD, AgencyFactory, staff

pytestmark = pytest.mark.django_db


def envelope(n=1, key="case:A", message_id=None):
    return {
        "v": 1,
        "id": str(message_id or uuid.uuid4()),
        "seq": n,
        "topic": "case.decided",
        "key": key,
        "key_seq": n,
        "at": "2026-03-10T02:00:00.000000Z",
        "source": "city",
        "payload": {"n": n},
    }


def post(client, body: bytes, *, name="city", secret=SECRET, **headers):
    signed = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signing.headers(name, secret, body).items()
    }
    return client.post(
        "/api/exchange/inbox/", data=body, content_type="application/json", **signed, **headers
    )


def test_inbox_stores_a_message_once_however_often_it_comes(client):
    source("city")
    body = canonical.encode(envelope())
    first = post(client, body)
    assert first.status_code == 200, first.content
    assert first.json() == {"accepted": 1, "duplicates": 0, "received": 1}
    again = post(client, body)
    assert again.json() == {"accepted": 0, "duplicates": 1, "received": 1}
    assert ReceivedMessage.objects.count() == 1


def test_inbox_batch_with_internal_duplicates(client):
    source("city")
    same = uuid.uuid4()
    body = canonical.encode(
        {"v": 1, "messages": [envelope(1, message_id=same), envelope(1, message_id=same), envelope(2)]}
    )
    assert post(client, body).json() == {"accepted": 2, "duplicates": 1, "received": 3}


@pytest.mark.parametrize(
    "change, code",
    [
        ({"name": "unknown"}, "exchange.inbox.unknown_source"),
        ({"secret": "wrong-secret-wrong"}, "exchange.inbox.signature"),
    ],
)
def test_inbox_refuses_unknown_sources_and_bad_signatures(client, change, code):
    source("city")
    response = post(client, canonical.encode(envelope()), **change)
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert not ReceivedMessage.objects.exists()


def test_inbox_refuses_a_tampered_body_and_a_stale_timestamp(client):
    source("city")
    body = canonical.encode(envelope())
    headers = signing.headers("city", SECRET, body)
    tampered = body.replace(b'"n":1', b'"n":2')
    response = client.post(
        "/api/exchange/inbox/",
        data=tampered,
        content_type="application/json",
        HTTP_X_SANXIANG_SOURCE="city",
        HTTP_X_SANXIANG_TIMESTAMP=headers[signing.TIMESTAMP_HEADER],
        HTTP_X_SANXIANG_SIGNATURE=headers[signing.SIGNATURE_HEADER],
    )
    assert response.json()["code"] == "exchange.inbox.signature"
    old = int(headers[signing.TIMESTAMP_HEADER]) - 3600
    response = client.post(
        "/api/exchange/inbox/",
        data=body,
        content_type="application/json",
        HTTP_X_SANXIANG_SOURCE="city",
        HTTP_X_SANXIANG_TIMESTAMP=str(old),
        HTTP_X_SANXIANG_SIGNATURE=signing.signature(SECRET, old, body),
    )
    assert response.json()["code"] == "exchange.inbox.timestamp"


@pytest.mark.parametrize(
    "body, code",
    [
        (b"not json", "exchange.inbox.json"),
        (b"[]", "exchange.inbox.shape"),
        (canonical.encode({"v": 2, "id": str(uuid.uuid4())}), "exchange.inbox.version"),
        (canonical.encode({**envelope(), "key_seq": 0}), "exchange.inbox.field"),
        (canonical.encode({"v": 1, "messages": []}), "exchange.inbox.batch"),
    ],
    ids=["json", "shape", "version", "field", "batch"],
)
def test_inbox_refuses_malformed_messages_with_a_code(client, body, code):
    source("city")
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_outbox_delivers_into_an_inbox_in_the_same_process(world, client):
    """The sender's bytes and headers as the real HTTP transport makes them, verified by the inbox."""
    source("sanxiang")
    endpoint()
    with transaction.atomic():
        outbox.enqueue("case.decided", "case:A", {"fine": "100.00"})

    class ThroughTestClient:
        def send(self, ep, envelopes):
            from sanxiang.exchange.transports import body_of

            body = body_of(ep, envelopes)
            response = post(client, body, name="sanxiang", secret=ep.secret)
            return Reply(response.status_code == 200, status=response.status_code)

        def close(self):
            pass

    result = delivery.deliver_all(transports=ScriptedTransports(ThroughTestClient()), owner="t")
    assert result.delivered >= 1
    received = ReceivedMessage.objects.get(key="case:A")
    assert received.payload == {"fine": "100.00"} and received.source == "sanxiang"


# --- API and pages ----------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _dead_letter(world):
    endpoint(max_attempts=1)
    with transaction.atomic():
        outbox.enqueue("case.decided", "case:A", {"n": 1}, agency=world.agency)
    delivery.deliver_all(
        transports=ScriptedTransports(ScriptedTransport(Reply(False, status=500, error="HTTP 500"))),
        owner="t",
    )
    return Delivery.objects.get(message__key="case:A")


def test_api_lists_messages_with_delivery_state_and_dead_letters(world):
    boss = admin(world)
    dead = _dead_letter(world)
    client = api(boss)
    listed = client.get("/api/exchange/messages/?status=dead").json()
    assert listed["count"] == 1
    assert listed["results"][0]["deliveries"][0]["status"] == "dead"
    detail = client.get(f"/api/exchange/messages/{dead.message_id}/").json()
    assert detail["payload"] == {"n": 1}
    queue = client.get("/api/exchange/deliveries/?status=dead").json()
    assert [d["id"] for d in queue["results"]] == [dead.pk]
    retried = client.post(f"/api/exchange/deliveries/{dead.pk}/retry/", {"reason": "恢复"}, format="json")
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    again = client.post(f"/api/exchange/deliveries/{dead.pk}/skip/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "exchange.skip.not_dead"
    replayed = client.post(
        f"/api/exchange/endpoints/{dead.endpoint_id}/replay/", {"from_seq": 1}, format="json"
    )
    assert replayed.status_code == 200 and replayed.json()["messages"] >= 1


def test_api_exchange_is_closed_to_other_roles_and_operations_to_supervisors(world):
    dead = _dead_letter(world)
    assert api(world.officer).get("/api/exchange/messages/").json()["count"] == 0
    assert api(world.officer).get(f"/api/exchange/messages/{dead.message_id}/").status_code == 404
    assert APIClient().get("/api/exchange/messages/").status_code in (401, 403)
    supervisor = staff(world.agency, Role.SUPERVISOR, certified=False)
    assert api(supervisor).get("/api/exchange/messages/?status=dead").json()["count"] == 1
    response = api(supervisor).post(f"/api/exchange/deliveries/{dead.pk}/retry/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "exchange.forbidden"
    other = staff(AgencyFactory(), Role.SUPERVISOR, certified=False)
    assert api(other).get("/api/exchange/messages/?status=dead").json()["count"] == 0
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD


def test_pages_show_state_and_retry_skip_and_replay_work(world, client):
    boss = admin(world)
    dead = _dead_letter(world)
    assert client.login(username=boss.username, password=PASSWORD)
    assert "死信" in client.get("/exchange/").content.decode()
    page = client.get("/exchange/dead/").content.decode()
    assert "case:A" in page and "HTTP 500" in page
    detail = client.get(f"/exchange/messages/{dead.message_id}/").content.decode()
    assert "死信" in detail and "HTTP 500" in detail
    assert "case:A" in client.get("/exchange/messages/?status=dead").content.decode()
    response = client.post(f"/exchange/deliveries/{dead.pk}/skip/", {"reason": ""})
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD  # a skip needs a reason
    client.post(f"/exchange/deliveries/{dead.pk}/skip/", {"reason": "省平台确认无需接收"})
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.SKIPPED
    response = client.post(f"/exchange/endpoints/{dead.endpoint_id}/replay/", {"from_seq": "x"})
    assert response.status_code == 422
    response = client.post(f"/exchange/endpoints/{dead.endpoint_id}/replay/", {"from_time": "2026-03-10"})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.PENDING


def test_pages_are_hidden_from_officers(world, client):
    assert client.login(username=world.officer.username, password=PASSWORD)
    assert client.get("/exchange/").status_code == 404
    assert client.get("/exchange/received/").status_code == 404


def test_received_log_page_and_api(world, client):
    source("city")
    post(client, canonical.encode(envelope(key="case:Z")))
    boss = admin(world)
    assert api(boss).get("/api/exchange/received/?key=case:Z").json()["count"] == 1
    assert client.login(username=boss.username, password=PASSWORD)
    assert "case:Z" in client.get("/exchange/received/").content.decode()
    row = ReceivedMessage.objects.get()
    assert client.get(f"/exchange/received/{row.pk}/").status_code == 200


def test_admin_pages_render(world, client):
    boss = staff(world.agency, Role.ADMIN, certified=False, is_staff=True, is_superuser=True)
    _dead_letter(world)
    assert client.login(username=boss.username, password=PASSWORD)
    for model in (
        "endpoint",
        "inboundsource",
        "outboxmessage",
        "delivery",
        "receivedmessage",
        "systemtoken",
        "importrun",
    ):
        assert client.get(f"/admin/exchange/{model}/").status_code == 200, model
    assert client.get("/admin/exchange/endpoint/add/").status_code == 200


def test_services_refuse_replay_without_admin(world):
    ep = endpoint()
    from sanxiang.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.replay(ep, actor=world.officer, from_seq=1)
