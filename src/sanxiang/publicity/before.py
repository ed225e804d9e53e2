"""事前公开 (P2, PUB-01/02/13/14): an agency's public profile — subject and legal status, duties,
powers (its enforcement items with their legal bases and the article texts), random-inspection
list, service guides, remedies with their time limits, supervision and complaint channels, the
major-decision review catalog, published discretion benchmarks and service windows.

`legality_check` is the check an item list passes before it is published (合法性审核);
`publish_profile` writes the `PublicAgency` snapshot the portal shows.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.choices import Category
from sanxiang.catalog.models import Article, EnforcementItem
from sanxiang.core import clock
from sanxiang.org.models import Agency
from sanxiang.publicity import content as content_mod
from sanxiang.publicity.choices import PublicationStatus
from sanxiang.publicity.models import PublicAgency, Publication, ServiceWindow
from sanxiang.records import canonical

# Remedies (救济途径) and the rule parameters that give their time limits (REM-*).
REMEDIES = (
    ("REM-01.deadline", "申请行政复议", "自知道或者应当知道该行政行为之日起"),
    ("REM-02.direct", "直接提起行政诉讼", "自知道或者应当知道作出行政行为之日起"),
    ("REM-02.after_reconsideration", "对复议决定不服提起行政诉讼", "自收到复议决定书之日起"),
)
UNIT_LABELS = {"calendar_days": "日", "working_days": "个工作日", "months": "个月", "years": "年"}


def published_review_catalog(agency: Agency, on):
    """The major-decision catalog in force (L3). Its versions live in `catalog`, which publicity
    builds on; the review app is a sibling and is not imported (DESIGN.md layering)."""
    return catalog_services.review_catalog_in_force(agency, on)


def _items(agency: Agency):
    return (
        EnforcementItem.objects.filter(agency=agency)
        .select_related("field")
        .prefetch_related("legal_basis__law", "penalty_basis__law", "benchmarks__levels")
        .order_by("category", "code")
    )


def legality_check(agency: Agency) -> dict[str, list[str]]:
    """合法性审核 of an item list: errors block publication, warnings need a note."""
    today = clock.today()
    errors: list[str] = []
    warnings: list[str] = []
    items = list(_items(agency))
    if not items:
        errors.append(_("本机关尚无执法事项。"))
    for item in items:
        bases = list(item.legal_basis.all())
        penalty_bases = list(item.penalty_basis.all())
        if not bases:
            errors.append(_("事项%(code)s“%(name)s”没有设定依据。") % {"code": item.code, "name": item.name})
        if item.category == Category.PENALTY and not penalty_bases:
            errors.append(
                _("处罚事项%(code)s“%(name)s”没有处罚依据。") % {"code": item.code, "name": item.name}
            )
        for article in {*bases, *penalty_bases}:
            if article.repealed_on and article.repealed_on <= today:
                errors.append(
                    _("事项%(code)s的依据%(article)s已于%(day)s失效。")
                    % {
                        "code": item.code,
                        "article": article.citation,
                        "day": f"{article.repealed_on:%Y-%m-%d}",
                    }
                )
        if item.min_fine is not None and item.max_fine is not None and item.min_fine > item.max_fine:
            errors.append(_("事项%(code)s的罚款下限高于上限。") % {"code": item.code})
        if item.needs_update:
            warnings.append(
                _("事项%(code)s待更新：%(reason)s") % {"code": item.code, "reason": item.needs_update_reason}
            )
    return {"errors": errors, "warnings": warnings}


def _article(article: Article) -> dict[str, Any]:
    return {
        "citation": article.citation,
        "law": article.law.name,
        "label": article.label,
        "text": article.text,
        "effective_from": article.effective_from,
        "repealed_on": article.repealed_on,
    }


def _benchmarks(item: EnforcementItem, today) -> list[dict[str, Any]]:
    """Only published benchmarks are public — and only they may be applied (PUB-14)."""
    return [
        {
            "version": b.version,
            "effective_from": b.effective_from,
            "published_on": b.published_on,
            "source": b.source,
            "levels": [
                {
                    "level": lv.get_level_display(),
                    "conditions": lv.conditions,
                    "min_fine": lv.min_fine,
                    "max_fine": lv.max_fine,
                    "other": lv.other_penalties,
                }
                for lv in b.levels.all()
            ],
        }
        for b in item.benchmarks.all()
        if b.published_on and b.published_on <= today and not (b.effective_to and b.effective_to < today)
    ]


def _remedies(agency: Agency, today) -> list[dict[str, Any]]:
    result = []
    for code, label, start in REMEDIES:
        rule = rules.param(code, on=today, agency=agency)
        result.append(
            {
                "label": label,
                "limit": f"{start}{rule.value}{UNIT_LABELS.get(rule.unit, rule.unit)}内",
                "source": rule.source,
            }
        )
    return result


def _supervisors(agency: Agency) -> list[dict[str, str]]:
    """执法监督机构: the justice bureaus of the agency's division and the divisions above it."""
    codes = [c for c in agency.division.path.strip("/").split("/") if c]
    bureaus = Agency.objects.filter(is_justice_bureau=True, division__code__in=codes).select_related(
        "division"
    )
    return [
        {"name": b.name, "phone": b.phone, "address": b.address, "channel": b.complaint_channel}
        for b in sorted(bureaus, key=lambda b: -len(b.division.path))
    ]


def _windows(agency: Agency, today) -> list[dict[str, Any]]:
    windows = []
    for window in ServiceWindow.objects.filter(agency=agency).prefetch_related("staff__certificates"):
        staff = []
        for user in window.staff.all():
            numbers = [c.number for c in user.certificates.all() if c.status_on(today) == "active"]
            staff.append({"name": user.display_name, "certificates": numbers})
        windows.append(
            {
                "id": window.pk,
                "name": window.name,
                "location": window.location,
                "hours": window.hours,
                "duties": window.duties,
                "staff": staff,
                "sample_texts": [t.strip() for t in window.sample_texts.splitlines() if t.strip()],
                "progress_query": window.progress_query,
                "complaint_channel": window.complaint_channel or agency.complaint_channel,
            }
        )
    return windows


def profile_body(agency: Agency) -> dict[str, Any]:
    today = clock.today()
    items = list(_items(agency))
    articles: dict[str, dict[str, Any]] = {}
    item_rows = []
    for item in items:
        for article in {*item.legal_basis.all(), *item.penalty_basis.all()}:
            articles[str(article.pk)] = _article(article)
        item_rows.append(
            {
                "code": item.code,
                "name": item.name,
                "category": item.category,
                "category_label": str(Category(item.category).label),
                "field": item.field.name if item.field else "",
                "description": item.description,
                "legal_basis": [str(a.pk) for a in item.legal_basis.all()],
                "penalty_basis": [str(a.pk) for a in item.penalty_basis.all()],
                "min_fine": item.min_fine,
                "max_fine": item.max_fine,
                "random_inspection": item.random_inspection,
                "time_limit_note": item.time_limit_note,
                "benchmarks": _benchmarks(item, today),
            }
        )
    catalog = published_review_catalog(agency, today)
    categories = sorted({i.category for i in items})
    return {
        "agency": {
            "code": agency.code,
            "name": agency.name,
            "kind": agency.get_kind_display(),
            "division": agency.division.name,
            "parent": agency.parent.name if agency.parent_id else "",
            "entrusted_by": agency.entrusted_by.name if agency.entrusted_by_id else "",
            "credit_code": agency.credit_code,
            "legal_status": agency.legal_status,
            "duties": agency.duties,
            "address": agency.address,
            "phone": agency.phone,
            "complaint_channel": agency.complaint_channel,
            "fields": [f.name for f in agency.fields.all()],
        },
        "items": item_rows,
        "articles": articles,
        "categories": categories,
        "remedies": _remedies(agency, today),
        "supervisors": _supervisors(agency),
        "review_catalog": None
        if catalog is None
        else {
            "version": catalog.version,
            "effective_from": catalog.effective_from,
            "source": catalog.source,
            "note": catalog.note,
            "criteria": [
                {"code": c.code, "description": c.description, "source": c.source}
                for c in catalog.criteria.all()
            ],
        },
        "windows": _windows(agency, today),
    }


def publish_profile(pub: Publication, *, actor) -> Publication:
    """Write the agency's `PublicAgency` snapshot (called by `services.publish` in its transaction)."""
    from sanxiang.publicity import services

    agency = pub.agency
    body = _jsonable(profile_body(agency))
    digest = content_mod.body_hash(body)
    pub.published_version += 1
    pub.status, pub.published_by, pub.last_published_at = PublicationStatus.PUBLISHED, actor, clock.now()
    pub.first_published_on = pub.first_published_on or clock.today()
    services._save(
        pub, actor, "published_version", "status", "published_by", "last_published_at", "first_published_on"
    )
    entry = services._append(
        pub,
        "published" if pub.published_version == 1 else "updated",
        actor,
        {"version": pub.published_version, "body_hash": digest, "items": [i["code"] for i in body["items"]]},
    )
    PublicAgency.objects.update_or_create(
        code=agency.code,
        defaults={
            "name": agency.name,
            "division_name": agency.division.name,
            "division_path": agency.division.path,
            "version": pub.published_version,
            "published_at": entry.at,
            "body": {**body, "body_hash": digest},
            "entry_seq": entry.seq,
            "entry_hash": entry.hash,
        },
    )
    return pub


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(canonical.dumps(value))
