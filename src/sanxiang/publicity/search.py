"""Search over published decisions (the portal's only data source for decisions).

Chinese has no word boundaries, so the search is by substring: a party's masked name, a
violation, a decision number. Three or more characters use the engine's trigram index (SQLite
FTS5 `trigram`, PostgreSQL `pg_trgm`, see migration 0002); shorter queries fall back to a plain
`LIKE` scan, which stops as soon as a page of newest results is found. Counts are capped (no one
pages through 10⁶ results, and an exact count of a common term would cost a full index walk).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from sanxiang.publicity.choices import PublicStatus
from sanxiang.publicity.models import PublicDecision

MAX_QUERY = 60
COUNT_CAP = 500
PAGE_SIZE = 20
MAX_PAGE = COUNT_CAP // PAGE_SIZE
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(raw: str | None) -> str:
    """Normalise what a person typed: NFKC (full-width digits and letters), no control characters,
    collapsed spaces, at most MAX_QUERY characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY]


@dataclass
class Filters:
    q: str = ""
    agency: str = ""
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def matching(q: str, base: QuerySet[PublicDecision] | None = None) -> QuerySet[PublicDecision]:
    """Decisions whose search text contains `q` (already cleaned)."""
    query = base if base is not None else PublicDecision.objects.all()
    if not q:
        return query
    vendor = connection.vendor
    if vendor == "sqlite" and len(q) >= 3:
        # Driven by the FTS index in rowid order (= id, newest first): the first page of a term that
        # matches half the table costs the same as a rare one (no materialised match list, no sort).
        return query.extra(
            tables=["publicity_decision_fts"],
            where=[
                "publicity_decision_fts.rowid = publicity_publicdecision.id",
                "publicity_decision_fts MATCH %s",
            ],
            params=[_fts_phrase(q)],
            select={"fts_rowid": "publicity_decision_fts.rowid"},
            order_by=["-fts_rowid"],
        )
    if vendor == "postgresql":
        return query.extra(
            where=["publicity_publicdecision.search_text ILIKE %s"], params=[f"%{_like_escape(q)}%"]
        )
    return query.extra(
        where=["publicity_publicdecision.search_text LIKE %s ESCAPE '\\'"], params=[f"%{_like_escape(q)}%"]
    )


def listed() -> QuerySet[PublicDecision]:
    """What the public listing shows: published, not withdrawn or expired."""
    return PublicDecision.objects.filter(status=PublicStatus.PUBLISHED)


def search(filters: Filters, *, include_all: bool = False) -> QuerySet[PublicDecision]:
    query = PublicDecision.objects.all() if include_all else listed()
    if filters.agency:
        query = query.filter(agency_code=filters.agency)
    if filters.category:
        query = query.filter(category=filters.category)
    if filters.date_from:
        query = query.filter(decided_on__gte=filters.date_from)
    if filters.date_to:
        query = query.filter(decided_on__lte=filters.date_to)
    return matching(filters.q, query.order_by("-id"))  # the SQLite index path orders by its rowid


@dataclass
class Page:
    items: list[PublicDecision]
    number: int
    count: int
    capped: bool
    page_size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * self.page_size < self.count

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def page_number(raw: str | None) -> int:
    """Any page parameter becomes a page between 1 and MAX_PAGE (huge or junk numbers included)."""
    text = (raw or "").strip()
    if not re.fullmatch(r"[0-9]+", text):
        return 1
    return MAX_PAGE if len(text) > 6 else min(max(int(text), 1), MAX_PAGE)


# PostgreSQL: newest-first through the primary key is fastest for common terms and slowest for rare
# ones (it filters row after row), the trigram bitmap the other way round — and the planner cannot
# tell them apart. So the first plan gets a short time budget; past it, the bitmap plan answers.
PG_FIRST_PLAN_MS = 50


def _first_ids(query: QuerySet[PublicDecision]) -> list[int]:
    limit = COUNT_CAP + 1
    if connection.vendor != "postgresql" or "ILIKE" not in str(query.query):
        return list(query.values_list("id", flat=True)[:limit])
    from django.db import OperationalError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # SET LOCAL outlives the savepoint up to the outermost transaction: restore the timeout,
            # or every later statement of an enclosing transaction runs under 50 ms (found by the
            # API contract test on PostgreSQL once a later request did a lookup in the same test
            # transaction). A cancelled plan rolls the savepoint back, which restores it anyway.
            cursor.execute("SHOW statement_timeout")
            before = cursor.fetchone()[0]
            cursor.execute(f"SET LOCAL statement_timeout = {PG_FIRST_PLAN_MS}")
            ids = list(query.values_list("id", flat=True)[:limit])
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
            return ids
    except OperationalError:  # QueryCanceled: a rare term; let the trigram index find it
        by_bitmap = query.extra(
            select={"unordered_id": "publicity_publicdecision.id + 0"}, order_by=["-unordered_id"]
        )
        return list(by_bitmap.values_list("id", flat=True)[:limit])


def paginate(
    query: QuerySet[PublicDecision], number: int, page_size: int = PAGE_SIZE, fields: tuple[str, ...] = ()
) -> Page:
    ids = _first_ids(query)
    capped = len(ids) > COUNT_CAP
    count = min(len(ids), COUNT_CAP)
    last = max(1, -(-count // page_size))
    number = min(max(number, 1), last)
    window = ids[(number - 1) * page_size : number * page_size]
    rows_query = PublicDecision.objects.filter(id__in=window)
    rows = {d.id: d for d in (rows_query.only(*fields) if fields else rows_query)}
    return Page([rows[i] for i in window if i in rows], number, count, capped, page_size)
