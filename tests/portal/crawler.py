"""Walk every public URL reachable from the portal's home page (links in HTML, the open-data API,
the feed) and check each answer: no server error, no ID number or phone number pattern."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

from sanxiang.publicity import masking

HREF = re.compile(r'(?:href|src)="([^"]+)"')
PUBLIC_PREFIXES = ("/portal/", "/api/open/")
SKIP = ("/portal/transparency/",)  # another app's page (the record log), crawled by its own tests


def agency_contacts() -> set[str]:
    """The agencies' own published office and complaint numbers (agency, supervising body, service
    window channels) — the only phone numbers allowed on the portal."""
    import json

    from sanxiang.publicity.models import PublicAgency

    found: set[str] = set()
    for body in PublicAgency.objects.values_list("body", flat=True):
        official = [
            body.get("agency", {}),
            body.get("supervisors", []),
            [{k: w.get(k) for k in ("complaint_channel", "progress_query")} for w in body.get("windows", [])],
        ]
        found.update(masking.leaks(json.dumps(official, ensure_ascii=False)))
    return found


def crawl(client, start=("/portal/", "/api/open/decisions", "/api/open/decisions.csv"), limit=3000):
    """Return {url: status}; raise AssertionError at the first leak or server error."""
    allowed = agency_contacts()
    seen: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code >= 300:
            continue
        body = response.content.decode("utf-8", errors="replace")
        leaks = [leak for leak in masking.leaks(body) if leak not in allowed]
        assert not leaks, (url, leaks[:3])
        content_type = response.get("Content-Type", "")
        if "json" in content_type:
            links = re.findall(r'"id":\s*(\d+)', body)
            queue.extend(f"/api/open/decisions/{i}" for i in links)
            queue.extend(f"/portal/decisions/{i}/" for i in links)
            continue
        if "html" not in content_type and "xml" not in content_type:
            continue
        for href in HREF.findall(body):
            target, _ = urldefrag(urljoin(url, href.replace("&amp;", "&")))
            parsed = urlparse(target)
            if parsed.netloc and parsed.netloc != "testserver":
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path.startswith(PUBLIC_PREFIXES) and not path.startswith(SKIP) and path not in seen:
                queue.append(path)
    return seen
