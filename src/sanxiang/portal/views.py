"""The public portal (行政执法公示平台). Every view reads only the public snapshots written by the
publicity services (`PublicDecision`, `PublicAgency`, `PublicOfficer`, `PublicReport`) and the
procedure definitions themselves — never an internal model (DESIGN.md I3) — and every response
passes the masking safety net (`public`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.cases.workflow import registry
from sanxiang.catalog.choices import Category
from sanxiang.core import clock
from sanxiang.org.models import CertificateStatus
from sanxiang.portal import flowchart
from sanxiang.portal.pagecache import cached_page
from sanxiang.portal.public import parse_date, parse_id, public, slug
from sanxiang.publicity import search
from sanxiang.publicity.choices import PublicStatus
from sanxiang.publicity.models import PublicAgency, PublicDecision, PublicOfficer, PublicReport

CATEGORY_CHOICES = [(c.value, c.label) for c in Category if c != Category.OTHER]
CERT_BADGES = {
    "active": "ok",
    "expired": "bad",
    "suspended": "warn",
    "revoked": "bad",
    "not_yet_valid": "warn",
}


def filters_from(params) -> search.Filters:
    """Search filters from a query string; anything malformed is dropped and reported, never raised."""
    f = search.Filters(q=search.clean_query(params.get("q")))
    f.agency = slug(params.get("agency"))
    category = (params.get("category") or "").strip()
    f.category = category if category in Category.values else ""
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        value, ok = parse_date(params.get(name))
        setattr(f, attr, value)
        if not ok:
            f.errors[name] = _("日期格式应为 YYYY-MM-DD，已忽略。")
    return f


LIST_FIELDS = (
    "id",
    "agency_name",
    "category",
    "decision_number",
    "party_name",
    "title",
    "outcome",
    "decided_on",
    "version",
)


def _rows(decisions) -> list[PublicDecision]:
    """Listing rows with their category label resolved once per page, not once per row."""
    labels = {c.value: str(c.label) for c in Category}
    for d in decisions:
        d.category_text = labels.get(d.category, d.category)
    return list(decisions)


def _row_context() -> dict:
    return {
        "decision_base": reverse("portal:decision", args=["0"])[:-2],
        "updated_label": _("已更新"),
    }


def _agency_choices():
    choices = cache.get("portal:agency-choices")
    if choices is None:
        choices = list(PublicAgency.objects.values_list("code", "name"))
        cache.set("portal:agency-choices", choices, 60)
    return choices


def _agencies_directory():
    directory = cache.get("portal:directory")
    if directory is None:
        directory = {}
        for agency in PublicAgency.objects.only("code", "name", "division_name", "division_path"):
            directory.setdefault(agency.division_name, []).append({"code": agency.code, "name": agency.name})
        directory = sorted(directory.items())
        cache.set("portal:directory", directory, 60)
    return directory


@cached_page
@public
@require_GET
def home(request):
    latest = _rows(search.listed().only(*LIST_FIELDS).order_by("-id")[:10])
    return render(
        request,
        "portal/home.html",
        {
            "latest": latest,
            "directory": _agencies_directory(),
            "categories": CATEGORY_CHOICES,
            **_row_context(),
        },
    )


@cached_page
@public
@require_GET
def decisions(request):
    f = filters_from(request.GET)
    page = search.paginate(search.search(f), search.page_number(request.GET.get("page")), fields=LIST_FIELDS)
    page.items = _rows(page.items)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/decisions.html",
        {
            "f": f,
            "page": page,
            "query": query.urlencode(),
            "categories": CATEGORY_CHOICES,
            "agencies": _agency_choices(),
            "short_query": 0 < len(f.q) < 3,
            **_row_context(),
        },
    )


@cached_page
@public
@require_GET
def decision_detail(request, pk):
    number = parse_id(pk)
    decision = PublicDecision.objects.filter(pk=number).first() if number is not None else None
    if decision is None:
        raise Http404
    return render(
        request,
        "portal/decision_detail.html",
        {
            "d": decision,
            "shown": decision.status == PublicStatus.PUBLISHED,
            "versions": decision.versions.order_by("at", "pk"),
        },
    )


class DecisionFeed(Feed):
    """Atom feed of the latest published decisions (masked snapshots only)."""

    feed_type = Atom1Feed

    def title(self):
        return _("行政执法决定公示")

    def subtitle(self):
        return _("最新公示的行政执法决定")

    def link(self):
        return reverse("portal:decisions")

    def items(self):
        return search.listed().order_by("-id")[:50]

    def item_title(self, item):
        return f"{item.agency_name}：{item.party_name} {item.title}"

    def item_description(self, item):
        return f"{item.decision_number} {item.outcome}（{item.decided_on:%Y-%m-%d}）"

    def item_link(self, item):
        return reverse("portal:decision", args=[item.pk])

    def item_pubdate(self, item):
        from datetime import datetime, time

        from django.utils import timezone

        return timezone.make_aware(datetime.combine(item.published_on, time(9, 0)))

    def item_updateddate(self, item):
        return self.item_pubdate(item)


decision_feed = public(DecisionFeed())


# --- before enforcement (事前公开) -------------------------------------------------------------


def _agency_or_404(code: str) -> PublicAgency:
    agency = PublicAgency.objects.filter(code=slug(code)).first() if slug(code) else None
    if agency is None:
        raise Http404
    return agency


@cached_page
@public
@require_GET
def agencies(request):
    return render(request, "portal/agencies.html", {"directory": _agencies_directory()})


@cached_page
@public
@require_GET
def agency_detail(request, code):
    agency = _agency_or_404(code)
    body = agency.body
    items = body.get("items", [])
    categories = set(body.get("categories", []))
    procedures = [p for p in registry.procedures() if p.category in categories]
    today = clock.today()
    officers = [
        o
        for o in PublicOfficer.objects.filter(agency_code=agency.code, status="active")
        if o.status_on(today) == "active"
    ]
    return render(
        request,
        "portal/agency_detail.html",
        {
            "agency": agency,
            "body": body,
            "info": body.get("agency", {}),
            "items": items,
            "random_items": [i for i in items if i.get("random_inspection")],
            "guides": [i for i in items if i.get("category") in (Category.PERMIT, Category.CONFIRMATION)],
            "procedures": procedures,
            "officers": officers,
        },
    )


@cached_page
@public
@require_GET
def item_detail(request, code, item):
    agency = _agency_or_404(code)
    found = next((i for i in agency.body.get("items", []) if i.get("code") == item), None)
    if found is None:
        raise Http404
    articles = agency.body.get("articles", {})
    return render(
        request,
        "portal/item_detail.html",
        {
            "agency": agency,
            "item": found,
            "legal_basis": [articles[a] for a in found.get("legal_basis", []) if a in articles],
            "penalty_basis": [articles[a] for a in found.get("penalty_basis", []) if a in articles],
        },
    )


@cached_page
@public
@require_GET
def procedures(request):
    return render(request, "portal/procedures.html", {"procedures": registry.procedures()})


@cached_page
@public
@require_GET
def procedure_detail(request, code):
    try:
        procedure = registry.procedure(code)
    except KeyError:
        raise Http404 from None
    return render(
        request,
        "portal/procedure_detail.html",
        {"procedure": procedure, "svg": flowchart.svg(procedure), "acts": flowchart.acts_by_stage(procedure)},
    )


@public
@require_GET
def board(request, code, pk):
    """岗位信息公示牌 — printable board of one service window (P3)."""
    agency = _agency_or_404(code)
    number = parse_id(pk)
    window = next((w for w in agency.body.get("windows", []) if w.get("id") == number), None)
    if window is None:
        raise Http404
    return render(
        request,
        "portal/board.html",
        {"agency": agency, "info": agency.body.get("agency", {}), "window": window},
    )


# --- during enforcement (事中公示): certificate verification ----------------------------------


def _officer(number: str) -> PublicOfficer | None:
    number = (number or "").strip()
    if not number or len(number) > 40 or not number.isprintable():
        return None  # control characters (NUL…) never reach the database
    return PublicOfficer.objects.filter(number=number).first()


@public
@require_GET
def verify(request, number=None):
    if number is None:
        number = (request.GET.get("number") or "").strip()[:40]
        if not number:
            return render(request, "portal/verify.html", {"asked": False})
    officer = _officer(number)
    status = officer.status_on(clock.today()) if officer else None
    response = render(
        request,
        "portal/verify.html",
        {
            "asked": True,
            "number": number,
            "officer": officer,
            "status": status,
            "status_label": CertificateStatus(status).label if status else "",
            "badge": CERT_BADGES.get(status or "", ""),
        },
    )
    if officer is None:
        response.status_code = 404
    return response


def verify_url(request, number: str) -> str:
    base = getattr(settings, "SANXIANG_PORTAL_URL", "") or request.build_absolute_uri("/")[:-1]
    return base.rstrip("/") + reverse("portal:verify", args=[number])


@require_GET
def qr(request, number):
    """The QR code of a certificate (SVG, drawn locally with segno) leading to its verification."""
    import io

    import segno

    officer = _officer(number)
    if officer is None:
        raise Http404
    out = io.BytesIO()
    segno.make(verify_url(request, officer.number), error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False
    )
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@public
@require_GET
def card(request, number):
    officer = _officer(number)
    if officer is None:
        raise Http404
    return render(
        request, "portal/card.html", {"officer": officer, "url": verify_url(request, officer.number)}
    )


@require_GET
def photo(request, number):
    officer = _officer(number)
    if officer is None or not officer.photo or not default_storage.exists(officer.photo):
        raise Http404
    return FileResponse(default_storage.open(officer.photo, "rb"), content_type="image/jpeg")


# --- annual reports and open data ------------------------------------------------------------


@cached_page
@public
@require_GET
def reports(request):
    return render(
        request,
        "portal/reports.html",
        {"reports": PublicReport.objects.only("year", "scope_code", "scope_name", "published_at")},
    )


@cached_page
@public
@require_GET
def report_detail(request, year, scope):
    from sanxiang.publicity import annual

    number = parse_id(year)
    report = PublicReport.objects.filter(year=number, scope_code=slug(scope)).first() if number else None
    if report is None:
        raise Http404
    return render(
        request,
        "portal/report.html",
        {"report": report, "report_html": annual.render_html(report.body, standalone=False)},
    )


@cached_page
@public
@require_GET
def open_data(request):
    return render(request, "portal/open_data.html", {})
