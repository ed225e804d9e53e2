"""Per-client rate limits, one mechanism for every door: DRF's cache-backed throttle.

The open-data API uses it as a DRF throttle (`portal.api.OpenDataThrottle`); the portal's HTML pages
use the same class through `check()` (called by `RateLimitMiddleware`). Limits are settings
(`SANXIANG_RATE_LIMITS`, "<n>/<sec|min|hour|day>"); counters live in Django's cache (process-local
by default, Redis when SANXIANG_CACHE_URL is set — docs/deploy.md). A refused request gets 429 with a
Retry-After header: a Chinese page on the portal, `{"code": "rate_limited"}` on the API.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework.throttling import SimpleRateThrottle


class ScopedRateThrottle(SimpleRateThrottle):
    """Counts requests per client address under one named limit of SANXIANG_RATE_LIMITS."""

    scope = ""
    rate = None  # from settings; a subclass (or a test) may pin one

    def __init__(self, scope: str | None = None):
        if scope:
            self.scope = scope
        super().__init__()

    def get_rate(self):
        return settings.SANXIANG_RATE_LIMITS.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def check(request, scope: str) -> int | None:
    """Count this request under `scope`; None if allowed, else the seconds to wait (at least 1)."""
    throttle = ScopedRateThrottle(scope)
    if throttle.rate is None or throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def client_ip(request) -> str:
    """The address the limits count (see REST_FRAMEWORK["NUM_PROXIES"])."""
    return ScopedRateThrottle("portal").get_ident(request) or ""


def too_many_requests(request, retry_after: int):
    # rendered without the request: the limit runs before sessions and users are loaded
    response = HttpResponse(render_to_string("429.html", {"retry_after": retry_after}), status=429)
    response["Retry-After"] = str(retry_after)
    return response
