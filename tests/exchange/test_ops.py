"""Production profile: readiness, metrics (and who may read them), the replica router, JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction

from sanxiang.exchange import dbrouter, delivery, outbox
from sanxiang.exchange.logjson import JsonFormatter
from sanxiang.exchange.transports import Reply
from tests.exchange.helpers import ScriptedTransport, ScriptedTransports, endpoint

pytestmark = pytest.mark.django_db


def test_readyz_names_what_is_missing(client, settings, tmp_path):
    settings.SANXIANG_KEY_DIR = tmp_path / "keys"
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["migrations"] == "ok" and checks["storage"] == "ok"
    assert checks["signing_key"].startswith("missing")
    from sanxiang.records import keys

    keys.ensure_signing_key()
    assert client.get("/readyz").json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "signing_key": "ok"},
    }


def test_readyz_reports_unwritable_storage(client, settings, tmp_path):
    from sanxiang.records import keys

    settings.SANXIANG_KEY_DIR = tmp_path / "keys"
    keys.ensure_signing_key()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked / "media"
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["storage"].startswith("error")


def test_metrics_need_the_token_or_an_allowed_address(client, settings, world):
    endpoint()
    with transaction.atomic():
        outbox.enqueue("case.decided", "case:M", {})
    delivery.deliver_all(
        transports=ScriptedTransports(ScriptedTransport(Reply(False, status=500))), owner="t"
    )
    client.get("/healthz")
    settings.SANXIANG_METRICS_ALLOW = []
    settings.SANXIANG_METRICS_TOKEN = "metrics-secret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-secret-token").content.decode()
    assert 'sanxiang_outbox_backlog{endpoint="省级平台"}' in body
    assert "sanxiang_exchange_failed_attempts_total" in body
    assert 'sanxiang_http_requests_total{method="GET",route="healthz",status="200"}' in body
    settings.SANXIANG_METRICS_TOKEN = ""
    settings.SANXIANG_METRICS_ALLOW = ["127.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


def test_reads_go_to_the_replica_only_inside_replica_reads(monkeypatch):
    from sanxiang.cases.models import Case

    router = dbrouter.ReplicaRouter()
    monkeypatch.setattr(dbrouter, "_replica_configured", lambda: True)
    assert router.db_for_read(Case) is None
    with dbrouter.replica_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) is None
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
    monkeypatch.setattr(dbrouter, "_replica_configured", lambda: False)
    with dbrouter.replica_reads():
        assert router.db_for_read(Case) is None  # no replica configured: everything on default


def test_portal_requests_and_only_they_read_from_the_replica(rf, monkeypatch):
    from sanxiang.cases.models import Case
    from sanxiang.exchange.middleware import ReplicaReadsMiddleware

    monkeypatch.setattr(dbrouter, "_replica_configured", lambda: True)
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(Case.objects.all().db))
    middleware(rf.get("/portal/decisions/"))
    middleware(rf.get("/cases/"))
    middleware(rf.get("/api/cases/"))
    assert seen == ["replica", "default", "default"]


def test_json_log_lines_carry_extra_fields():
    record = logging.LogRecord("sanxiang.exchange", logging.WARNING, __file__, 1, "投递失败", (), None)
    record.endpoint = "省级平台"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "投递失败" and line["endpoint"] == "省级平台" and line["level"] == "WARNING"


def test_other_api_lists_get_an_etag_too(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.head)
    first = client.get("/api/agencies/")
    assert first.has_header("ETag")
    assert client.get("/api/agencies/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
