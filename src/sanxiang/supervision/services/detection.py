"""Detection rules for findings (issue 11 item 4): where the data allows, the system proposes a
finding of the misconduct taxonomy with its evidence and the rule it rests on. A detected finding
starts `open`; a supervisor confirms, amends or withdraws it (never deletes it).

Thresholds are rule parameters (SX-SUP-04, FORCE-07; configurable defaults where not P).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_noop as N_

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.supervision.choices import ClueChannel, ClueStatus, MisconductKind, Severity


@dataclass
class Detected:
    key: str
    agency: Any
    title: str
    description: str
    evidence: list[dict[str, str]]
    case: Any = None
    officer: Any = None
    clue: Any = None
    severity: str = Severity.MINOR
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Detector:
    code: str
    kind: str
    title: str
    rule_citation: str
    detect: Callable[[dt.date], Iterable[Detected]]


DETECTORS: dict[str, Detector] = {}


def detector(code: str, kind: str, title: str, citation: str):
    def register(fn):
        DETECTORS[code] = Detector(code, kind, title, citation, fn)
        return fn

    return register


def _p(code: str, today: dt.date):
    return rules.param(code, on=today).value


COMPLAINT_CHANNELS = [
    ClueChannel.HOTLINE,
    ClueChannel.ENTERPRISE_APPEAL,
    ClueChannel.LETTERS_VISITS,
    ClueChannel.ONLINE_FORM,
]


@detector(
    "FD-NOT-FILED",
    MisconductKind.NOT_FILED,
    N_("投诉举报逾期未作立案决定"),
    "行政执法监督条例 监督范围（有案不立，S）；SX-SUP-04.filing_decision（市场监管处罚程序规定 Art. 18）",
)
def complaint_not_filed(today: dt.date) -> Iterable[Detected]:
    from sanxiang.supervision.models import Clue

    days = int(_p("SX-SUP-04.filing_decision", today))
    clues = (
        Clue.objects.filter(channel__in=COMPLAINT_CHANNELS, cases__isnull=True)
        .exclude(status__in=[ClueStatus.DISMISSED, ClueStatus.MERGED])
        .prefetch_related("agencies")
    )
    for clue in clues:
        due = calendar.add_working_days(clue.received_on, days)
        if due >= today:
            continue
        concerned = [a for a in clue.agencies.all() if not a.is_justice_bureau] or [clue.transferred_to]
        agency = concerned[0] if concerned and concerned[0] else None
        if agency is None:
            continue
        yield Detected(
            key=f"clue:{clue.pk}",
            agency=agency,
            clue=clue,
            title=f"投诉逾期未立案：{clue.number}",
            description=f"{clue.received_on}收到的投诉举报，应于{due}前作出是否立案的决定，至{today}无关联案件。",
            evidence=[{"type": "clue", "ref": clue.number, "text": clue.title}],
            severity=Severity.MAJOR,
        )


@detector(
    "FD-BUCK-PASSING",
    MisconductKind.BUCK_PASSING,
    N_("同一事项多次转办"),
    "行政执法监督条例 监督范围（推诿扯皮，S）；SX-SUP-04.max_transfers",
)
def passed_around(today: dt.date) -> Iterable[Detected]:
    from sanxiang.supervision.models import Clue

    most = int(_p("SX-SUP-04.max_transfers", today))
    for clue in Clue.objects.filter(transfer_count__gt=most, transferred_to__isnull=False).select_related(
        "transferred_to"
    ):
        yield Detected(
            key=f"clue:{clue.pk}:{clue.transfer_count}",
            agency=clue.transferred_to,
            clue=clue,
            title=f"事项多次转办：{clue.number}",
            description=f"线索已转办{clue.transfer_count}次（超过{most}次），当前承办单位{clue.transferred_to.name}。",
            evidence=[{"type": "clue", "ref": clue.number, "text": f"转办{clue.transfer_count}次"}],
        )


CORRECTION_WORDS = ("责令", "改正")


@detector(
    "FD-FINE-INSTEAD",
    MisconductKind.FINE_INSTEAD,
    N_("处罚未责令改正"),
    "行政处罚法 Art. 28（实施行政处罚时应当责令当事人改正或者限期改正违法行为）",
)
def fine_without_correction(today: dt.date) -> Iterable[Detected]:
    from sanxiang.cases.models import Case

    cases = Case.objects.filter(
        decided_on__isnull=False, fine_amount__gt=0, procedure="penalty.general"
    ).select_related("agency")
    for case in cases:
        proposal = case.proposals.filter(superseded=False).order_by("-version").first()
        texts = [case.facts]
        if proposal is not None:
            texts += [proposal.summary, proposal.basis_text, proposal.reasons_basis]
        for doc in case.documents.filter(code="penalty_decision").exclude(status="voided"):
            for block in (doc.content or {}).get("blocks", []):
                texts += [str(p) for p in block.get("paragraphs", [])]
        if any(word in text for text in texts for word in CORRECTION_WORDS):
            continue
        yield Detected(
            key=f"case:{case.pk}",
            agency=case.agency,
            case=case,
            title=f"处罚未责令改正：{case.number}",
            description=f"罚款{case.fine_amount}元，拟处理意见和决定书均未责令当事人改正违法行为。",
            evidence=[{"type": "case", "ref": case.number, "text": "决定书、拟处理意见未见“责令改正”"}],
        )


@detector(
    "FD-OUT-OF-AREA",
    MisconductKind.OUT_OF_AREA,
    N_("当事人及行为地均在管辖区域外"),
    "行政处罚法 Art. 22（违法行为发生地管辖）；行政执法监督条例 监督范围（违规异地执法，S）",
)
def out_of_area(today: dt.date) -> Iterable[Detected]:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Division

    divisions = list(Division.objects.all())
    cases = Case.objects.filter(party__isnull=False, filed_on__isnull=False).select_related(
        "agency__division", "party"
    )
    for case in cases:
        home = case.agency.division
        named = [d for d in divisions if d.name and d.name in (case.party.address or "")]
        if not named or (
            case.place and any(d.name in case.place for d in divisions if d.path.startswith(home.path))
        ):
            continue
        if any(d.path.startswith(home.path) or home.path.startswith(d.path) for d in named):
            continue
        yield Detected(
            key=f"case:{case.pk}",
            agency=case.agency,
            case=case,
            title=f"疑似异地执法：{case.number}",
            description=f"当事人住所“{case.party.address}”位于{named[0].name}，不在{case.agency.name}的管辖区域{home.name}内。",
            evidence=[
                {
                    "type": "case",
                    "ref": case.number,
                    "text": f"当事人住所：{case.party.address}；行为地：{case.place or '未载明'}",
                }
            ],
        )


@detector(
    "FD-PROFIT",
    MisconductKind.PROFIT_DRIVEN,
    N_("罚没收入集中于某一月份"),
    "行政执法监督条例 监督范围（趋利性执法，S）；SX-SUP-04.fine_month_share / fine_min_total",
)
def fines_concentrated(today: dt.date) -> Iterable[Detected]:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Agency

    share = Decimal(str(_p("SX-SUP-04.fine_month_share", today)))
    least = Decimal(str(_p("SX-SUP-04.fine_min_total", today)))
    since = today - dt.timedelta(days=365)
    rows = (
        Case.objects.filter(decided_on__gte=since, decided_on__lte=today, fine_amount__gt=0)
        .annotate(month=TruncMonth("decided_on"))
        .values("agency_id", "month")
        .annotate(total=Sum("fine_amount"), n=Count("id"))
    )
    totals: dict = defaultdict(Decimal)
    months: dict = defaultdict(list)
    for row in rows:
        totals[row["agency_id"]] += row["total"]
        months[row["agency_id"]].append(row)
    for agency_id, total in totals.items():
        if total < least:
            continue
        top = max(months[agency_id], key=lambda r: r["total"])
        if top["total"] / total <= share:
            continue
        agency = Agency.objects.get(pk=agency_id)
        month = top["month"]
        label = f"{month:%Y-%m}" if hasattr(month, "strftime") else str(month)[:7]
        yield Detected(
            key=f"agency:{agency_id}:{label}",
            agency=agency,
            title=f"罚没收入集中：{agency.name} {label}",
            description=(
                f"近12个月罚款共{total}元，其中{label}一个月{top['total']}元（{top['n']}件），"
                f"占{(top['total'] / total * 100):.0f}%，超过{share * 100:.0f}%。"
            ),
            evidence=[{"type": "statistics", "ref": label, "text": f"{top['total']}/{total}"}],
        )


@detector(
    "FD-INSPECTION",
    MisconductKind.ARBITRARY_INSPECTION,
    N_("涉企检查超频次或无计划"),
    "国办发〔2024〕54号（规范涉企行政检查）；SX-SUP-04.inspection_quota",
)
def inspections(today: dt.date) -> Iterable[Detected]:
    from sanxiang.supervision.models import InspectionVisit

    quota = int(_p("SX-SUP-04.inspection_quota", today))
    rows = InspectionVisit.objects.filter(inspected_on__year=today.year).select_related("agency", "party")
    grouped = defaultdict(list)
    for visit in rows:
        grouped[(visit.agency_id, visit.party_id)].append(visit)
        if not visit.planned and not visit.basis.strip():
            yield Detected(
                key=f"visit:{visit.pk}",
                agency=visit.agency,
                case=visit.case,
                title=f"无计划、无依据检查：{visit.party.name}",
                description=f"{visit.inspected_on}对{visit.party.name}的检查未列入检查计划，也未载明检查依据。",
                evidence=[
                    {"type": "inspection", "ref": str(visit.pk), "text": f"{visit.inspected_on} 未列入计划"}
                ],
            )
    for (_, _), visits in grouped.items():
        if len(visits) <= quota:
            continue
        first = visits[0]
        yield Detected(
            key=f"quota:{first.agency_id}:{first.party_id}:{today.year}",
            agency=first.agency,
            title=f"涉企检查超频次：{first.party.name}",
            description=f"{today.year}年{first.agency.name}对{first.party.name}检查{len(visits)}次，超过{quota}次。",
            evidence=[
                {
                    "type": "inspection",
                    "ref": str(v.pk),
                    "text": f"{v.inspected_on} {'计划内' if v.planned else '计划外'}",
                }
                for v in visits
            ],
        )


@detector(
    "FD-SEIZURE",
    MisconductKind.ARBITRARY_SEIZURE,
    N_("查封扣押超过法定期限"),
    "行政强制法 Art. 25（FORCE-07：查封、扣押期限不得超过三十日，经批准可延长一次）",
)
def seizure_overdue(today: dt.date) -> Iterable[Detected]:
    from sanxiang.cases.models import Deadline

    rows = Deadline.objects.filter(code="term", status__in=["overdue", "late"]).select_related("case__agency")
    for deadline in rows:
        yield Detected(
            key=f"deadline:{deadline.pk}",
            agency=deadline.case.agency,
            case=deadline.case,
            title=f"查封扣押超期：{deadline.case.number}",
            description=f"查封扣押期限于{deadline.due_on}届满（{deadline.citation}），状态：{deadline.get_status_display()}。",
            evidence=[{"type": "deadline", "ref": deadline.case.number, "text": f"期限{deadline.due_on}"}],
            severity=Severity.MAJOR,
        )


def run_detectors(today: dt.date | None = None, codes: Iterable[str] | None = None) -> list:
    """Run the detection rules; record an `open` finding for every new hit (idempotent)."""
    from sanxiang.supervision.models import Finding
    from sanxiang.supervision.services.findings import create_finding

    today = today or clock.today()
    created = []
    for code in codes or DETECTORS:
        spec = DETECTORS[code]
        for hit in spec.detect(today):
            if Finding.objects.filter(detector=code, detector_key=hit.key).exists():
                continue
            with transaction.atomic():
                created.append(
                    create_finding(
                        actor=None,
                        kind=spec.kind,
                        agency=hit.agency,
                        title=hit.title,
                        description=hit.description,
                        evidence=hit.evidence,
                        rule_code=code,
                        rule_citation=spec.rule_citation,
                        severity=hit.severity,
                        case=hit.case,
                        officer=hit.officer,
                        clue=hit.clue,
                        detector=code,
                        detector_key=hit.key,
                        found_on=today,
                    )
                )
    return created
