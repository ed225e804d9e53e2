"""Readiness and metrics endpoints (health `/healthz` is core's)."""

from __future__ import annotations

import ipaddress
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse

from sanxiang.exchange import metrics


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("select 1")
    return "ok"


def _check_migrations() -> str:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not pending else f"{len(pending)} migrations not applied"


def _check_storage() -> str:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
    return "ok"


def _check_signing_key() -> str:
    from sanxiang.records import keys

    return "ok" if (keys.key_dir() / keys.PRIVATE_NAME).exists() else "missing (run `sanxiang keys`)"


CHECKS = {
    "database": _check_database,
    "migrations": _check_migrations,
    "storage": _check_storage,
    "signing_key": _check_signing_key,
}


def readyz(request):
    """200 when this instance can serve: DB answers, migrations applied, storage writable,
    signing key present; 503 naming what is not."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            results[name] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in results.values())
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": results}, status=200 if ready else 503
    )


def _allowed(request) -> bool:
    token = getattr(settings, "SANXIANG_METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header == f"Bearer {token}":
        return True
    remote = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    for allowed in getattr(settings, "SANXIANG_METRICS_ALLOW", []):
        try:
            if address in ipaddress.ip_network(allowed.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics_view(request):
    """Prometheus text exposition; only with the bearer token or from an allowed address."""
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
