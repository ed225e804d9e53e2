"""Whole-page caching of the public portal for visitors without a session.

Most portal traffic is the same few searches and detail pages read by many people, and rendering a
page costs far more than the query behind it. A page is cached per path, query string and language
under a *generation* number; any write to a public snapshot (decision, agency, officer, report)
bumps the generation, so a withdrawn decision or a revoked certificate is never served from the
cache of the process that wrote it. With a shared cache (Redis, docs/deploy.md) that holds for every
process; with the per-process memory cache of the demo, another process may serve a page for at most
`SANXIANG_PORTAL_CACHE_SECONDS`.

Only plain successful pages are stored: no session cookie on the request, no cookie set by the
response, status 200. Staff (who have a session) always get a fresh page.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "portal:generation"
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


def _fresh() -> int:
    """A generation no cached page can carry: when the counter is missing (never set, or evicted by
    the cache), restarting it at a small number could meet pages stored under that number."""
    return time.time_ns()


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh(), None)
        value = cache.get(GENERATION_KEY) or _fresh()
    return value


def bump(**_kwargs) -> None:
    """A public snapshot changed: every cached page is from an older generation now."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates what is cached
        cache.set(GENERATION_KEY, _fresh(), None)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "SANXIANG_PORTAL_CACHE_SECONDS", 0) > 0
    )


def _key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"portal:page:{generation()}:{language}:{digest}"


def cached_page(view):
    """Serve the page from the cache when it may be shared; store it when it is fresh and plain."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
            cache.set(key, (response.content, headers), settings.SANXIANG_PORTAL_CACHE_SECONDS)
        return response

    return wrapped
