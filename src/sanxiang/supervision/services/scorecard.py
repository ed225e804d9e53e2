"""三项制度考评 (O2, policy task 22): the compliance scorecard per agency and period.

Every indicator is computed from the data of the apps it reads (publicity, review, records, org,
cases, documents) with one grouped query per indicator for all agencies at once, so the annual
scorecard of a whole city costs the same number of queries as one agency's. Each value carries its
numerator and denominator; a denominator of zero is "无数据" (`value is None`), never 0% or 100%.

    cards = compute(agencies, date_from, date_to)      # ranked, best first
    cards[0].total, cards[0].indicators[0].display

Weights, targets and which indicators count are `ScorecardIndicator` rows (data, editable);
the reviewer staffing target is the rule parameter REV-06 (I8).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role

DATA = Path(__file__).resolve().parent.parent / "data" / "scorecard.yaml"
NO_DATA = N_("无数据")  # translated where shown: _(NO_DATA)
CORRECTED = ("changed", "revoked", "confirmed_illegal", "confirmed_void")
CHUNK = 500  # ids per IN (…) — well under SQLite's parameter limit


# --- configuration (data) ----------------------------------------------------------------------


def seed_indicators(**_kwargs) -> int:
    """Create the indicators of data/scorecard.yaml that do not exist yet (post_migrate); an
    administrator's later changes to weights and targets are never overwritten."""
    from sanxiang.supervision.models import ScorecardIndicator

    created = 0
    for order, raw in enumerate(yaml.safe_load(DATA.read_text(encoding="utf-8"))):
        _obj, made = ScorecardIndicator.objects.get_or_create(
            code=raw["code"],
            defaults={
                "name": raw["name"],
                "definition": " ".join(str(raw["definition"]).split()),
                "source": raw.get("source", ""),
                "weight": Decimal(str(raw["weight"])),
                "target": Decimal(str(raw["target"])),
                "direction": raw.get("direction", "higher"),
                "order": (order + 1) * 10,
            },
        )
        created += made
    return created


def indicators():
    from sanxiang.supervision.models import ScorecardIndicator

    if not ScorecardIndicator.objects.exists():
        seed_indicators()
    return list(ScorecardIndicator.objects.all())


def may_configure(user) -> bool:
    """The justice bureau's supervisors (the assessing body) and administrators set the weights."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ADMIN) or user.is_superuser:
        return True
    agency = getattr(user, "agency", None)
    return user.has_role(Role.SUPERVISOR) and agency is not None and agency.is_justice_bureau


@transaction.atomic
def configure_indicator(indicator, *, actor, weight, target, enabled: bool):
    if not may_configure(actor):
        raise Forbidden(
            "supervision.scorecard.forbidden", _("只有司法行政部门的执法监督人员或管理员可以设置考评指标。")
        )
    try:
        weight, target = Decimal(str(weight)), Decimal(str(target))
    except ArithmeticError:
        raise InvalidInput("supervision.scorecard.number", _("权重和目标值须为数字。")) from None
    if weight < 0 or weight > 1000:
        raise InvalidInput("supervision.scorecard.weight", _("权重须在0～1000之间。"), field="weight")
    if target < 0 or target > 1:
        raise InvalidInput("supervision.scorecard.target", _("目标值为比率，须在0～1之间。"), field="target")
    indicator.weight, indicator.target, indicator.enabled = weight, target, bool(enabled)
    indicator.updated_by = actor
    indicator.save()
    return indicator


# --- results -----------------------------------------------------------------------------------


@dataclass
class IndicatorValue:
    code: str
    name: str
    definition: str
    source: str
    weight: float
    target: float
    direction: str
    numerator: int = 0
    denominator: int = 0
    note: str = ""
    forced: float | None = None  # a value that is not a share of counts (the staffing ratio)

    @property
    def value(self) -> float | None:
        if self.forced is not None:
            return self.forced
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def display(self) -> str:
        return _(NO_DATA) if self.value is None else f"{self.value * 100:.1f}%"

    @property
    def target_display(self) -> str:
        sign = "≤" if self.direction == "lower" else "≥"
        return f"{sign}{self.target * 100:g}%"

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.direction == "lower":
            return self.value <= self.target + 1e-9
        return self.value >= self.target - 1e-9

    @property
    def score(self) -> float | None:
        """Points earned: full weight when the target is met, proportionally less otherwise."""
        v = self.value
        if v is None:
            return None
        if self.direction == "lower":
            if v <= self.target:
                return self.weight
            return self.weight * max(0.0, (1 - v) / (1 - self.target)) if self.target < 1 else 0.0
        if self.target <= 0:
            return self.weight
        return self.weight * min(1.0, v / self.target)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "value": None if self.value is None else round(self.value, 4),
            "display": self.display,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "target": self.target,
            "direction": self.direction,
            "met": self.met,
            "weight": self.weight,
            "score": None if self.score is None else round(self.score, 2),
            "definition": self.definition,
            "source": self.source,
            "note": self.note,
        }


@dataclass
class AgencyCard:
    agency: Any
    indicators: list[IndicatorValue] = field(default_factory=list)
    rank: int | None = None

    @property
    def total(self) -> float | None:
        """Score out of 100 over the indicators that have data (those without are left out of the
        denominator too, so a small agency is not penalised for what it never did)."""
        scored = [i for i in self.indicators if i.score is not None]
        weights = sum(i.weight for i in scored)
        if not weights:
            return None
        return sum(i.score for i in scored) / weights * 100

    @property
    def total_display(self) -> str:
        return _(NO_DATA) if self.total is None else f"{self.total:.1f}"

    def get(self, code: str) -> IndicatorValue | None:
        return next((i for i in self.indicators if i.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency.code,
            "agency_name": self.agency.name,
            "rank": self.rank,
            "total": None if self.total is None else round(self.total, 2),
            "indicators": {i.code: i.as_dict() for i in self.indicators},
        }


# --- computation -------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _per_agency(rows, *keys: str) -> dict[int, dict[str, int]]:
    return {r["agency_id"]: {k: r[k] or 0 for k in keys} for r in rows}


def publication_on_time(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    from sanxiang.publicity.choices import PublicationKind, PublicationStatus
    from sanxiang.publicity.models import Publication

    rows = (
        Publication.objects.filter(
            agency_id__in=agency_ids,
            kind=PublicationKind.DECISION,
            decided_on__gte=date_from,
            decided_on__lte=date_to,
        )
        .exclude(status=PublicationStatus.WITHHELD)
        .values("agency_id")
        .annotate(
            on_time=Count(
                "pk",
                filter=Q(first_published_on__isnull=False)
                & (Q(due_on__isnull=True) | Q(first_published_on__lte=F("due_on"))),
            ),
            published=Count("pk", filter=Q(first_published_on__isnull=False)),
            overdue=Count("pk", filter=Q(first_published_on__isnull=True, due_on__lt=today)),
        )
    )
    return {r["agency_id"]: (r["on_time"], r["published"] + r["overdue"]) for r in rows}


def major_reviewed(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    from sanxiang.cases.models import Case
    from sanxiang.review.models import Classification, Review

    # the major cases as a set (`id IN (…)`): both engines start from the classifications (a
    # fraction of the cases) instead of testing every case decided in the period (SQLite ran
    # that as one subquery per case: 1.1 s for a year at 10^6 cases, now 1 ms)
    major = Classification.objects.filter(required=True).values("case_id")
    reviewed = Review.objects.filter(
        case=OuterRef("pk"), passed=True, concluded_on__lte=OuterRef("decided_on")
    )
    rows = (
        Case.objects.order_by()
        .filter(pk__in=major, agency_id__in=agency_ids, decided_on__gte=date_from, decided_on__lte=date_to)
        .values("agency_id")
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(Exists(reviewed))))
    )
    return {r["agency_id"]: (r["ok"], r["total"]) for r in rows}


def staffing(agency_ids, day) -> dict[int, dict[str, int]]:
    """Enforcement officers and legal reviewers (own reviewers plus appointed advisers) per agency."""
    from sanxiang.org.models import User
    from sanxiang.review.models import Appointment

    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"officers": 0, "reviewers": set()})
    for agency_id, n in (
        User.objects.filter(agency_id__in=agency_ids, is_active=True, groups__name=Role.OFFICER)
        .values("agency_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("agency_id", "n")
    ):
        out[agency_id]["officers"] = n
    for agency_id, user_id in User.objects.filter(
        agency_id__in=agency_ids, is_active=True, groups__name=Role.REVIEWER
    ).values_list("agency_id", "pk"):
        out[agency_id]["reviewers"].add(user_id)
    for agency_id, user_id in (
        Appointment.objects.filter(agency_id__in=agency_ids, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("agency_id", "user_id")
    ):
        out[agency_id]["reviewers"].add(user_id)
    return {k: {"officers": v["officers"], "reviewers": len(v["reviewers"])} for k, v in out.items()}


def required_av_transitions() -> dict[str, dict[str, str]]:
    from sanxiang.records import coverage_stats

    return coverage_stats.required_av_transitions()


def av_events(agency_ids, date_from, date_to) -> list[tuple[int, int, int, bool]]:
    """(agency_id, case_id, event_id, covered) for each fired act that had to be recorded on video."""
    from sanxiang.records import coverage_stats

    return coverage_stats.required_events(agency_ids, date_from, date_to)


def av_coverage(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    from sanxiang.records import coverage_stats

    return coverage_stats.per_agency(agency_ids, date_from, date_to)


def certified_officers(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    from sanxiang.org.models import Certificate, CertificateStatus, User

    day = min(date_to, today)

    valid = Certificate.objects.filter(
        holder=OuterRef("pk"), status=CertificateStatus.ACTIVE, valid_from__lte=day, valid_to__gte=day
    )
    rows = (
        User.objects.filter(agency_id__in=agency_ids, is_active=True, groups__name=Role.OFFICER)
        .values("agency_id")
        .annotate(total=Count("pk", distinct=True), ok=Count("pk", distinct=True, filter=Q(Exists(valid))))
    )
    return {r["agency_id"]: (r["ok"], r["total"]) for r in rows}


def _limit_q() -> Q:
    """Deadlines that are each procedure's legal time limit (`Procedure.decision_deadline`)."""
    from sanxiang.cases.workflow import registry

    q = Q(pk__in=[])
    for procedure in registry.procedures():
        if procedure.decision_deadline:
            q |= Q(case__procedure=procedure.code, code=procedure.decision_deadline)
    return q


def limited_procedures() -> list[str]:
    from sanxiang.cases.workflow import registry

    return [p.code for p in registry.procedures() if p.decision_deadline]


def within_time_limit(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    """Closed cases of procedures with a legal time limit (denominator: the daily summary's closed
    counts) less those whose limit deadline was late or is overdue (counted from the deadlines
    side: only late ones are read, through the deadline status index) — at 10^6 cases the year
    costs summary rows and late deadlines, not one subquery per closed case."""
    from sanxiang.cases.choices import DeadlineStatus
    from sanxiang.cases.models import Deadline
    from sanxiang.supervision.services import summary

    totals = dict(
        summary.rows(agency_ids, date_from, date_to)
        .filter(procedure__in=limited_procedures())
        .values("agency_id")
        .annotate(n=Sum("closed"))
        .values_list("agency_id", "n")
    )
    late = dict(
        Deadline.objects.filter(
            _limit_q(),
            status__in=[DeadlineStatus.LATE, DeadlineStatus.OVERDUE],
            case__agency_id__in=agency_ids,
            case__closed_on__gte=date_from,
            case__closed_on__lte=date_to,
        )
        .values("case__agency_id")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("case__agency_id", "n")
    )
    return {a: (n - late.get(a, 0), n) for a, n in totals.items() if n}


def dossier_completeness(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    """Closed cases of the period (denominator: the daily summary's closed counts) with at least
    one issued document and one evidence item. The existence tests are in WHERE, not in a
    filtered COUNT, so PostgreSQL plans them as semi-joins instead of two subqueries per case."""
    from sanxiang.cases.models import Case
    from sanxiang.documents.models import Document, DocumentStatus
    from sanxiang.records.models import Evidence
    from sanxiang.supervision.services import summary

    totals = dict(
        summary.rows(agency_ids, date_from, date_to)
        .values("agency_id")
        .annotate(n=Sum("closed"))
        .values_list("agency_id", "n")
    )
    docs = Document.objects.filter(case=OuterRef("pk"), status=DocumentStatus.ISSUED)
    evidence = Evidence.objects.filter(case=OuterRef("pk"))
    complete = dict(
        Case.objects.order_by()
        .filter(agency_id__in=agency_ids, closed_on__gte=date_from, closed_on__lte=date_to)
        .filter(Exists(docs), Exists(evidence))
        .values("agency_id")
        .annotate(n=Count("pk"))
        .values_list("agency_id", "n")
    )
    return {a: (complete.get(a, 0), n) for a, n in totals.items() if n}


def remedy_outcomes(agency_ids, date_from, date_to) -> list[tuple[int, int, str, str]]:
    """(agency_id, case_id, kind, result) of the reconsideration/litigation results registered."""
    from sanxiang.cases.models import CaseEvent

    start, end = _bounds(date_from, date_to)
    out = []
    for agency_id, case_id, data in CaseEvent.objects.filter(
        case__agency_id__in=agency_ids, transition="record_remedy", at__gte=start, at__lt=end
    ).values_list("case__agency_id", "case_id", "data"):
        data = data or {}
        out.append((agency_id, case_id, data.get("remedy_kind", ""), data.get("remedy_result", "")))
    return out


def correction_rate(agency_ids, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    out: dict[int, Counter] = defaultdict(Counter)
    for agency_id, _case, _kind, result in remedy_outcomes(agency_ids, date_from, date_to):
        if result == "withdrawn":
            continue
        out[agency_id]["decided"] += 1
        out[agency_id]["corrected"] += result in CORRECTED
    return {k: (c["corrected"], c["decided"]) for k, c in out.items()}


def report_due(year: int) -> dt.date:
    """The day the statistics report of `year - 1` is due in `year` (PUB-11)."""
    from sanxiang.catalog import rules

    rule = rules.param("PUB-11.due", on=dt.date(year, 1, 1))
    extra = rule.value if isinstance(rule.value, dict) else rule.extra
    return dt.date(year, int(extra.get("month", 1)), int(extra.get("day", 31)))


def annual_report(agencies, date_from, date_to, today) -> dict[int, tuple[int, int]]:
    """For each report due within the period: published (for the agency or a division above it) by
    the due date? A report not yet due and not yet published is no data."""
    from django.utils import timezone

    from sanxiang.publicity.models import PublicReport

    dues = [(y, report_due(y)) for y in range(date_from.year, date_to.year + 1)]
    dues = [(y, d) for y, d in dues if date_from <= d <= date_to]
    if not dues:
        return {}
    reports: dict[tuple[int, str], dt.date] = {}
    for year, scope, at in PublicReport.objects.filter(year__in=[y - 1 for y, _due in dues]).values_list(
        "year", "scope_code", "published_at"
    ):
        reports[(year, scope)] = timezone.localtime(at).date()
    out: dict[int, tuple[int, int]] = {}
    for agency in agencies:
        scopes = [agency.code] + [f"division-{code}" for code in agency.division.path.strip("/").split("/")]
        ok = total = 0
        for year, due in dues:
            published = [reports[(year - 1, s)] for s in scopes if (year - 1, s) in reports]
            first = min(published) if published else None
            if first is None and due >= today:
                continue
            total += 1
            ok += first is not None and first <= due
        if total:
            out[agency.pk] = (ok, total)
    return out


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


COMPUTE = {
    "publication_on_time": publication_on_time,
    "major_reviewed": major_reviewed,
    "av_coverage": av_coverage,
    "certified_officers": certified_officers,
    "within_time_limit": within_time_limit,
    "dossier_completeness": dossier_completeness,
    "correction_rate": correction_rate,
}


def assessed_agencies(agencies=None):
    """The agencies a scorecard ranks: enforcement agencies, not the supervising justice bureau."""
    from sanxiang.org.models import Agency

    qs = Agency.objects.select_related("division") if agencies is None else agencies
    return [a for a in qs if not a.is_justice_bureau] or list(qs)


def compute(
    agencies, date_from: dt.date, date_to: dt.date, *, today: dt.date | None = None
) -> list[AgencyCard]:
    """The scorecard of each agency for [date_from, date_to], ranked best first (no-data last)."""
    from sanxiang.catalog import rules

    if date_to < date_from:
        raise InvalidInput("supervision.period", _("期间的结束日期早于开始日期。"))
    today = today or clock.today()
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    config = [i for i in indicators() if i.enabled]
    results: dict[str, dict[int, tuple[int, int]]] = {}
    for ind in config:
        if ind.code in COMPUTE:
            results[ind.code] = COMPUTE[ind.code](ids, date_from, date_to, today)
        elif ind.code == "annual_report_on_time":
            results[ind.code] = annual_report(agencies, date_from, date_to, today)
    staff = staffing(ids, min(date_to, today)) if any(i.code == "reviewer_ratio" for i in config) else {}
    ratio_rule = rules.param("REV-06.min_ratio", on=min(date_to, today))
    cards = []
    for agency in agencies:
        card = AgencyCard(agency)
        for ind in config:
            value = IndicatorValue(
                ind.code,
                _(ind.name),
                ind.definition,
                ind.source,
                float(ind.weight),
                float(ind.target),
                ind.direction,
            )
            if ind.code == "reviewer_ratio":
                s = staff.get(agency.pk, {"officers": 0, "reviewers": 0})
                value.numerator, value.denominator = s["reviewers"], s["officers"]
                value.target = float(ratio_rule.value)
                value.source = f"{ind.source}；{ratio_rule.citation}"
            else:
                value.numerator, value.denominator = results.get(ind.code, {}).get(agency.pk, (0, 0))
            card.indicators.append(value)
        cards.append(card)
    return rank(cards)


def rank(cards: list[AgencyCard]) -> list[AgencyCard]:
    cards.sort(key=lambda c: (c.total is None, -(c.total or 0), c.agency.code))
    previous, place = None, 0
    for n, card in enumerate(cards, start=1):
        if card.total is None:
            card.rank = None
            continue
        rounded = round(card.total, 2)
        if rounded != previous:
            place, previous = n, rounded
        card.rank = place
    return cards


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- exports -----------------------------------------------------------------------------------


def as_json(cards: list[AgencyCard], date_from, date_to) -> dict[str, Any]:
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "generated_at": clock.now().isoformat(),
        "agencies": [c.as_dict() for c in cards],
    }


def table(cards: list[AgencyCard]) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Columns and rows for CSV/XLSX: one row per agency, value and met per indicator."""
    columns = [("rank", _("排名")), ("agency", _("执法主体")), ("total", _("综合得分"))]
    if cards:
        for ind in cards[0].indicators:
            columns += [
                (ind.code, f"{ind.name}"),
                (f"{ind.code}__n", _("%(indicator)s（分子/分母）") % {"indicator": ind.name}),
            ]
    rows = []
    for card in cards:
        row: dict[str, Any] = {
            "rank": card.rank if card.rank is not None else "—",
            "agency": card.agency.name,
            "total": card.total_display,
        }
        for ind in card.indicators:
            row[ind.code] = ind.display
            row[f"{ind.code}__n"] = f"{ind.numerator}/{ind.denominator}"
        rows.append(row)
    return columns, rows


# --- the analysis report's "scorecard changes" section (insight) --------------------------------


def scorecard_changes_section(date_from: dt.date, date_to: dt.date, agencies) -> dict[str, Any]:
    """How each agency's score moved against the period of the same length just before."""
    agencies = assessed_agencies(agencies)
    length = (date_to - date_from).days + 1
    prev_to = date_from - dt.timedelta(days=1)
    prev_from = prev_to - dt.timedelta(days=length - 1)
    now = {c.agency.pk: c for c in compute(agencies, date_from, date_to)}
    before = {c.agency.pk: c for c in compute(agencies, prev_from, prev_to)}
    rows, facts = [], []
    for card in now.values():
        old = before.get(card.agency.pk)
        delta = None if card.total is None or old is None or old.total is None else card.total - old.total
        rows.append(
            [
                card.agency.name,
                card.rank or "—",
                card.total_display,
                old.total_display if old else _(NO_DATA),
                "—" if delta is None else f"{delta:+.1f}",
            ]
        )
        if delta is not None and abs(delta) >= 5:
            change = {
                "agency": card.agency.name,
                "delta": f"{abs(delta):.1f}",
                "before": old.total_display,
                "after": card.total_display,
            }
            if delta > 0:
                facts.append(_("%(agency)s考评得分较上期上升%(delta)s分（%(before)s→%(after)s）。") % change)
            else:
                facts.append(_("%(agency)s考评得分较上期下降%(delta)s分（%(before)s→%(after)s）。") % change)
        missed = [i.name for i in card.indicators if i.code == "major_reviewed" and i.met is False]
        if missed:
            facts.append(
                _("%(agency)s有重大执法决定未经法制审核即作出（法制审核率未达100%%）。")
                % {"agency": card.agency.name}
            )
    ranked = [c for c in now.values() if c.total is not None]
    if ranked:
        facts.insert(
            0,
            _("本期参评%(count)s个执法主体，最高分%(agency)s（%(score)s分）。")
            % {"count": len(ranked), "agency": ranked[0].agency.name, "score": ranked[0].total_display},
        )
    else:
        facts.insert(0, _("本期无可计算的考评数据。"))
    return {
        "facts": facts,
        "columns": [_("执法主体"), _("本期排名"), _("本期得分"), _("上期得分"), _("变化")],
        "rows": rows,
        "chart": {
            "xAxis": {"type": "category", "data": [r[0] for r in rows]},
            "yAxis": {"type": "value", "max": 100},
            "series": [
                {"type": "bar", "name": _("本期"), "data": [now[k].total for k in now]},
                {
                    "type": "bar",
                    "name": _("上期"),
                    "data": [before[k].total if k in before else None for k in now],
                },
            ],
            "legend": {},
        },
    }
