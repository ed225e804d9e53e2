"""Request-level plumbing of the production profile: metrics, conditional GET on the API, and
reads from a replica for the portal (docs/deploy.md)."""

from __future__ import annotations

import time

from django.conf import settings
from django.middleware.http import ConditionalGetMiddleware

from sanxiang.exchange import dbrouter, metrics


class MetricsMiddleware:
    """Count requests and time them, labelled by URL route (not the raw path: bounded labels)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route if match else "") or "unmatched"
        metrics.REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        metrics.LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETag + If-None-Match (304) for every GET under /api/. Endpoints that know their version set
    a strong ETag themselves (a case: `"<id>-<version>"`, also checked by If-Match on transitions);
    for the others the ETag is a hash of the body."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/") or request.path.startswith("/api/exchange/inbox"):
            return response
        return super().process_response(request, response)


class ReplicaReadsMiddleware:
    """Requests under SANXIANG_REPLICA_PATHS (the public portal by default) read from the replica
    when DATABASE_REPLICA_URL is set; everything else reads and writes the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(request.path.startswith(p) for p in getattr(settings, "SANXIANG_REPLICA_PATHS", [])):
            with dbrouter.replica_reads():
                return self.get_response(request)
        return self.get_response(request)
