"""What every public response goes through: the masking safety net (`masking.scrub`) on the body,
and plain input parsing that never raises (bad input answers cleanly, never 500)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.http import HttpResponse, StreamingHttpResponse

from sanxiang.publicity import masking

_TEXT_TYPES = ("text/", "application/json", "application/atom+xml", "application/xml", "text/csv")
SLUG = re.compile(r"^[A-Za-z0-9_-]{1,30}$")


def guard_response(response):
    """Apply `masking.scrub` to a text response body (HTML, JSON, CSV, Atom)."""
    if isinstance(response, StreamingHttpResponse) or not isinstance(response, HttpResponse):
        return response
    content_type = response.get("Content-Type", "")
    if not any(t in content_type for t in _TEXT_TYPES):
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    charset = response.charset or "utf-8"
    text = response.content.decode(charset, errors="replace")
    scrubbed = masking.scrub(text)
    if scrubbed != text:
        response.content = scrubbed.encode(charset)
    return response


def public(view):
    """Decorator for every portal view and open-data endpoint."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return guard_response(view(request, *args, **kwargs))

    return wrapped


def parse_date(raw: str | None) -> tuple[dt.date | None, bool]:
    """(date, ok): empty → (None, True); malformed or out of range → (None, False)."""
    text = (raw or "").strip()
    if not text:
        return None, True
    try:
        value = dt.date.fromisoformat(text[:10]) if len(text) <= 10 else None
    except ValueError:
        value = None
    if value is None or not 1990 <= value.year <= 2100:
        return None, False
    return value, True


def parse_id(raw: str) -> int | None:
    text = (raw or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,12}", text) else None


def slug(raw: str | None) -> str:
    text = (raw or "").strip()
    return text if SLUG.match(text) else ""
