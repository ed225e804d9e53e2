"""State changes of the catalog: laws, items, benchmarks, review catalogs, rule parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext

from sanxiang.catalog import laws as law_texts
from sanxiang.catalog.choices import Confidence
from sanxiang.catalog.models import (
    Article,
    BenchmarkLevel,
    DiscretionBenchmark,
    EnforcementItem,
    Law,
    ReviewCatalog,
    ReviewCriterion,
    RuleParameter,
)
from sanxiang.core.errors import DomainError, InvalidInput

DATA_DIR = Path(__file__).resolve().parent / "data"
RULE_FILES = (DATA_DIR / "rules.yaml", DATA_DIR / "local-rules.yaml")
_RULE_META = {"description", "source", "confirmed", "confidence", "scope"}


# --- rule parameters -------------------------------------------------------------------------


def _flatten_rule(rule_id: str, body: dict[str, Any]) -> Iterable[dict[str, Any]]:
    confidence = body.get("confidence") or ("P" if body.get("confirmed") else "U")
    for key, raw in body.items():
        if key in _RULE_META:
            continue
        unit = raw.get("unit", "") if isinstance(raw, dict) else ""
        value = {k: v for k, v in raw.items() if k != "unit"} if isinstance(raw, dict) else raw
        yield {
            "code": f"{rule_id}.{key}",
            "rule_id": rule_id,
            "description": str(body.get("description", ""))[:300],
            "value": value,
            "unit": unit,
            "source": str(body.get("source", ""))[:300],
            "confidence": Confidence(confidence).value,
            "scope": body.get("scope", "national"),
        }


@transaction.atomic
def load_rule_parameters(files: Sequence[Path] = RULE_FILES) -> int:
    """Seed (or refresh) the rule parameters from the data files; admin-added rows are kept."""
    count = 0
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule_id, body in data.items():
            if rule_id == "meta" or not isinstance(body, dict):
                continue
            for row in _flatten_rule(rule_id, body):
                RuleParameter.objects.update_or_create(
                    code=row.pop("code"), agency=None, effective_from=None, seeded=True, defaults=row
                )
                count += 1
    return count


@transaction.atomic
def set_rule_parameter(
    code: str, *, value: Any, effective_from: dt.date | None, source: str, actor, agency=None, note: str = ""
) -> RuleParameter:
    """An admin's new value for a rule (from a date, or for one agency). The seed row stays."""
    base = RuleParameter.objects.filter(code=code, agency=None).order_by("effective_from").first()
    if base is None:
        raise InvalidInput(
            "rules.unknown_code", gettext("未知的法定参数“%(code)s”。") % {"code": code}, field="code"
        )
    if not source.strip():
        raise InvalidInput("rules.source_required", gettext("调整法定参数须注明依据。"), field="source")
    row, _ = RuleParameter.objects.update_or_create(
        code=code,
        agency=agency,
        effective_from=effective_from,
        defaults={
            "rule_id": base.rule_id,
            "description": base.description,
            "value": value,
            "unit": base.unit,
            "source": source.strip(),
            "confidence": Confidence.UNCONFIRMED if agency else base.confidence,
            "scope": base.scope,
            "seeded": False,
            "note": note,
            "changed_by": actor,
        },
    )
    return row


# --- laws and articles -----------------------------------------------------------------------


@transaction.atomic
def load_laws(paths: Iterable[Path] | None = None) -> list[Law]:
    """Load the law texts shipped with Sanxiang; loading twice changes nothing."""
    loaded = []
    for path in paths or law_texts.law_files():
        parsed = law_texts.parse_law(path)
        law, created = Law.objects.get_or_create(
            code=f"{parsed.name}-{parsed.version_date:%Y%m%d}",
            defaults={
                "name": parsed.name,
                "version_date": parsed.version_date,
                "effective_from": parsed.version_date,
                "source": f"catalog/data/laws/{path.name}",
            },
        )
        if created:
            Article.objects.bulk_create(
                Article(
                    law=law,
                    number=a.number,
                    label=a.label,
                    chapter=a.chapter,
                    text=a.text,
                    effective_from=law.effective_from,
                )
                for a in parsed.articles
            )
        loaded.append(law)
    return loaded


def article(law_name: str, number: int, on: dt.date | None = None) -> Article:
    """The version of article `number` of the law in force on `on` (default: the latest)."""
    qs = Article.objects.filter(law__name=law_name, number=number).select_related("law")
    if on:
        qs = qs.filter(effective_from__lte=on).exclude(repealed_on__lte=on)
    found = qs.order_by("-effective_from").first()
    if found is None:
        raise DomainError(
            "catalog.article.missing",
            gettext("未找到《%(law_name)s》第%(number)s条。") % {"law_name": law_name, "number": number},
        )
    return found


@transaction.atomic
def amend_article(old: Article, *, text: str | None, effective_from: dt.date, actor) -> Article | None:
    """Amend (new text) or repeal (text None) an article from a date; every item citing it is
    flagged for update, so the published item list is corrected (publicity P2)."""
    old = Article.objects.select_for_update().get(pk=old.pk)
    if old.repealed_on:
        raise DomainError("catalog.article.already_replaced", gettext("该条款已被修订或废止。"))
    new = None
    if text is not None:
        new = Article.objects.create(
            law=old.law,
            number=old.number,
            label=old.label,
            chapter=old.chapter,
            text=text,
            effective_from=effective_from,
        )
    old.repealed_on, old.superseded_by = effective_from, new
    old.save(update_fields=["repealed_on", "superseded_by"])
    reason = f"{old}已于{effective_from:%Y-%m-%d}{'修订' if new else '废止'}"
    items = EnforcementItem.objects.filter(legal_basis=old) | EnforcementItem.objects.filter(
        penalty_basis=old
    )
    for item in items.distinct():
        item.needs_update, item.needs_update_reason, item.updated_by = True, reason[:200], actor
        item.save(update_fields=["needs_update", "needs_update_reason", "updated_by", "updated_at"])
    return new


# --- items, benchmarks, review catalogs ------------------------------------------------------


@transaction.atomic
def create_item(
    *, actor, legal_basis: Sequence[Article] = (), penalty_basis: Sequence[Article] = (), **fields
) -> EnforcementItem:
    low, high = fields.get("min_fine"), fields.get("max_fine")
    if low is not None and high is not None and low > high:
        raise InvalidInput("catalog.item.fine_range", gettext("罚款下限不能高于上限。"), field="min_fine")
    item = EnforcementItem.objects.create(created_by=actor, updated_by=actor, **fields)
    item.legal_basis.set(legal_basis)
    item.penalty_basis.set(penalty_basis)
    return item


def _check_levels(levels: Sequence[dict[str, Any]]) -> None:
    for level in levels:
        low, high = level.get("min_fine"), level.get("max_fine")
        if low is not None and high is not None and low > high:
            raise InvalidInput(
                "catalog.benchmark.range", gettext("裁量阶次的罚款下限不能高于上限。"), field="levels"
            )


@transaction.atomic
def create_benchmark(
    *,
    item: EnforcementItem,
    effective_from: dt.date,
    source: str,
    levels: Sequence[dict[str, Any]],
    actor,
    published_on: dt.date | None = None,
) -> DiscretionBenchmark:
    _check_levels(levels)
    version = (item.benchmarks.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    previous = item.benchmarks.filter(effective_to__isnull=True, effective_from__lt=effective_from)
    previous.update(effective_to=effective_from - dt.timedelta(days=1))
    benchmark = DiscretionBenchmark.objects.create(
        item=item,
        version=version,
        effective_from=effective_from,
        published_on=published_on,
        source=source,
        created_by=actor,
        updated_by=actor,
    )
    BenchmarkLevel.objects.bulk_create(
        BenchmarkLevel(benchmark=benchmark, order=i, **level) for i, level in enumerate(levels)
    )
    return benchmark


def benchmark_in_force(item: EnforcementItem, on: dt.date) -> DiscretionBenchmark | None:
    """The published benchmark of the item in force on `on` (PUB-14: unpublished never applies)."""
    return (
        item.benchmarks.filter(effective_from__lte=on, published_on__isnull=False, published_on__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-effective_from")
        .first()
    )


@transaction.atomic
def create_review_catalog(
    *, agency, effective_from: dt.date, source: str, criteria: Sequence[dict[str, Any]], actor, note: str = ""
) -> ReviewCatalog:
    version = (agency.review_catalogs.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    agency.review_catalogs.filter(effective_to__isnull=True, effective_from__lt=effective_from).update(
        effective_to=effective_from - dt.timedelta(days=1)
    )
    catalog = ReviewCatalog.objects.create(
        agency=agency,
        version=version,
        effective_from=effective_from,
        source=source,
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    ReviewCriterion.objects.bulk_create(ReviewCriterion(catalog=catalog, **c) for c in criteria)
    return catalog


def review_catalog_in_force(agency, on: dt.date) -> ReviewCatalog | None:
    return (
        agency.review_catalogs.filter(effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-effective_from")
        .first()
    )
