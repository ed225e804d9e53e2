"""线索模型 — declarative, testable detection rules that raise clues (issue 7 item 6).

Each model is a `ClueModel`: a code, a title, what it detects, the rule it rests on, and a
`detect(today)` function returning hits. Thresholds are rule parameters (SX-SUP-03, configurable
defaults, confidence U). `run_clue_models()` registers one clue per new hit (channel `model`, at the
justice bureau above the agency concerned; the hit's key makes reruns idempotent) and opens its
follow-up item.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.supervision.choices import ClueChannel, FollowUpKind


@dataclass
class Hit:
    key: str
    agency: Any
    title: str
    content: str
    cases: list = field(default_factory=list)
    officers: list = field(default_factory=list)


@dataclass(frozen=True)
class ClueModel:
    code: str
    title: str
    description: str
    source: str
    detect: Callable[[dt.date], Iterable[Hit]]


MODELS: dict[str, ClueModel] = {}


def model(code: str, title: str, description: str, source: str):
    def register(fn):
        MODELS[code] = ClueModel(code, title, description, source, fn)
        return fn

    return register


def _p(code: str, today: dt.date):
    return rules.param(code, on=today).value


@model(
    "CM-UNPUBLISHED",
    N_("执法决定未按时公示"),
    N_("事后公开的执法决定已过公示期限仍未发布"),
    "国办发〔2018〕118号（7个工作日内公开，DESIGN.md I3）",
)
def decisions_not_published(today: dt.date) -> Iterable[Hit]:
    from sanxiang.publicity.models import Publication

    late = Publication.objects.filter(
        kind="decision", status__in=["draft", "checked"], due_on__lt=today
    ).select_related("agency", "case")
    for pub in late:
        yield Hit(
            key=f"pub:{pub.pk}",
            agency=pub.agency,
            title=f"执法决定逾期未公示：{pub.title}",
            content=f"公示期限{pub.due_on}，截至{today}仍未发布（{pub.due_rule}）。",
            cases=[pub.case] if pub.case_id else [],
        )


@model(
    "CM-REVIEW-OVERDUE",
    N_("法制审核逾期"),
    N_("法制审核超过审核期限仍未出具意见"),
    "rules.md REV-01/SX-REV-01（审核时限）",
)
def overdue_reviews(today: dt.date) -> Iterable[Hit]:
    from sanxiang.review.models import Review

    for review in Review.objects.overdue(today).select_related("case__agency", "reviewer"):
        yield Hit(
            key=f"review:{review.pk}",
            agency=review.case.agency,
            title=f"法制审核逾期：{review.case.number}",
            content=f"第{review.round}轮审核期限{review.due_on}（{review.deadline_citation}），截至{today}未出具意见。",
            cases=[review.case],
            officers=[review.reviewer] if review.reviewer_id else [],
        )


@model(
    "CM-UNDER-THRESHOLD",
    N_("罚款金额略低于法制审核标准"),
    N_("罚款金额落在审核目录金额标准之下的预警区间（可能规避法制审核）"),
    "法制审核目录（REV-05）；预警区间 SX-SUP-03.under_threshold_margin",
)
def just_under_threshold(today: dt.date) -> Iterable[Hit]:
    from sanxiang.cases.models import Case
    from sanxiang.catalog.models import ReviewCriterion

    margin = Decimal(str(_p("SX-SUP-03.under_threshold_margin", today)))
    criteria = ReviewCriterion.objects.filter(kind="fine_at_least", amount__isnull=False).select_related(
        "catalog"
    )
    by_agency = defaultdict(list)
    for criterion in criteria:
        catalog = criterion.catalog
        if catalog.effective_to is None or catalog.effective_to >= today:
            by_agency[catalog.agency_id].append(criterion)
    cases = Case.objects.filter(
        agency_id__in=list(by_agency), fine_amount__isnull=False, decided_on__isnull=False
    ).select_related("agency", "party")
    for case in cases:
        for criterion in by_agency[case.agency_id]:
            if criterion.party_kind and case.party and case.party.kind != criterion.party_kind:
                continue
            low = criterion.amount * (1 - margin)
            if low <= case.fine_amount < criterion.amount:
                yield Hit(
                    key=f"case:{case.pk}:{criterion.pk}",
                    agency=case.agency,
                    title=f"罚款略低于审核标准：{case.number}",
                    content=f"罚款{case.fine_amount}元，审核目录标准{criterion.amount}元（{criterion.description}）。",
                    cases=[case],
                    officers=list(case.handlers.all()),
                )
                break


@model(
    "CM-PAIR",
    N_("当事人与执法人员反复配对"),
    N_("同一执法人员在期间内多次办理同一当事人的案件"),
    "SX-SUP-03.pair_min_cases / pair_window（回避与廉洁风险预警）",
)
def repeated_pairs(today: dt.date) -> Iterable[Hit]:
    from sanxiang.cases.models import Case

    least = int(_p("SX-SUP-03.pair_min_cases", today))
    since = today - dt.timedelta(days=int(_p("SX-SUP-03.pair_window", today)))
    rows = Case.handlers.through.objects.filter(
        case__party__isnull=False, case__opened_at__date__gte=since
    ).values_list("case_id", "case__party_id", "user_id")
    pairs = defaultdict(list)
    for case_id, party_id, user_id in rows:
        pairs[(party_id, user_id)].append(case_id)
    from sanxiang.org.models import User

    for (party_id, user_id), case_ids in pairs.items():
        if len(case_ids) < least:
            continue
        cases = list(Case.objects.filter(pk__in=case_ids).select_related("agency", "party"))
        officer = User.objects.get(pk=user_id)
        yield Hit(
            key=f"pair:{party_id}:{user_id}:{since.year}",
            agency=cases[0].agency,
            title=f"{officer.display_name}多次办理{cases[0].party.name}的案件",
            content=f"{since}以来共{len(cases)}件：{'、'.join(c.number for c in cases)}。",
            cases=cases,
            officers=[officer],
        )


@model(
    "CM-LATE-EVIDENCE",
    N_("决定后补传调查证据"),
    N_("立案、调查或决定环节的证据在决定日期之后才上传"),
    "行政处罚法 Art. 40（先取证、后决定）",
)
def evidence_after_decision(today: dt.date) -> Iterable[Hit]:
    from sanxiang.records.models import Evidence

    rows = Evidence.objects.filter(
        case__decided_on__isnull=False, step__in=["start", "investigation", "decision"]
    ).select_related("case__agency", "uploaded_by")
    for ev in rows:
        if timezone.localdate(ev.uploaded_at) > ev.case.decided_on:
            yield Hit(
                key=f"evidence:{ev.pk}",
                agency=ev.case.agency,
                title=f"决定后补传证据：{ev.case.number}",
                content=f"证据“{ev.title}”于{timezone.localdate(ev.uploaded_at)}上传，决定日期为{ev.case.decided_on}。",
                cases=[ev.case],
                officers=[ev.uploaded_by],
            )


@model(
    "CM-NO-SERVICE",
    N_("结案未送达"),
    N_("作出决定并结案，但没有决定书送达记录"),
    "行政处罚法 Art. 61（决定书送达）",
)
def closed_without_service(today: dt.date) -> Iterable[Hit]:
    from sanxiang.cases.models import Case

    rows = Case.objects.filter(
        closed_on__isnull=False, decided_on__isnull=False, served_on__isnull=True, services__isnull=True
    ).select_related("agency")
    for case in rows.distinct():
        if "serve" not in {t.name for t in case.definition.transitions}:
            continue  # procedures that serve on the spot (简易程序) or have no decision to serve
        yield Hit(
            key=f"case:{case.pk}",
            agency=case.agency,
            title=f"结案未送达：{case.number}",
            content=f"{case.decided_on}作出决定，{case.closed_on}结案，无送达记录。",
            cases=[case],
            officers=list(case.handlers.all()),
        )


@model(
    "CM-OFF-HOURS",
    N_("非工作时间批量调阅"),
    N_("同一人员在非工作时间（夜间或休息日）一天内调阅案卷次数达到阈值"),
    "DESIGN.md I7（调阅留痕）；SX-SUP-03.office_hours_* / off_hours_min_reads",
)
def off_hours_access(today: dt.date) -> Iterable[Hit]:
    from sanxiang.org.models import User
    from sanxiang.records.models import Entry

    start, end = int(_p("SX-SUP-03.office_hours_start", today)), int(_p("SX-SUP-03.office_hours_end", today))
    least = int(_p("SX-SUP-03.off_hours_min_reads", today))
    since = clock.now() - dt.timedelta(days=int(_p("SX-SUP-03.access_window", today)))
    counts: Counter = Counter()
    agencies: dict = {}
    rows = Entry.objects.filter(kind__startswith="access.", at__gte=since, actor__isnull=False).values_list(
        "actor_id", "agency_id", "at"
    )
    for actor_id, agency_id, at in rows.iterator():
        local = timezone.localtime(at)
        if calendar.is_working_day(local.date()) and start <= local.hour < end:
            continue
        counts[(actor_id, local.date())] += 1
        agencies.setdefault((actor_id, local.date()), agency_id)
    from sanxiang.org.models import Agency

    for (actor_id, day), n in counts.items():
        if n < least:
            continue
        user = User.objects.select_related("agency").get(pk=actor_id)
        agency = user.agency or Agency.objects.get(pk=agencies[(actor_id, day)])
        yield Hit(
            key=f"access:{actor_id}:{day}",
            agency=agency,
            title=f"非工作时间批量调阅：{user.display_name} {day}",
            content=f"{day}非工作时间（{end}:00至次日{start}:00或休息日）调阅{n}次。",
            officers=[user],
        )


def run_clue_models(today: dt.date | None = None, codes: Iterable[str] | None = None) -> list:
    """Run the models; register a clue (and its follow-up item) for every new hit."""
    from sanxiang.supervision.models import Clue
    from sanxiang.supervision.services.clues import open_follow_up, register_clue
    from sanxiang.supervision.services.common import supervising_body

    today = today or clock.today()
    created = []
    for code in codes or MODELS:
        spec = MODELS[code]
        for hit in spec.detect(today):
            if Clue.objects.filter(model_code=code, model_key=hit.key).exists():
                continue
            with transaction.atomic():
                clue = register_clue(
                    actor=None,
                    agency=supervising_body(hit.agency),
                    channel=ClueChannel.MODEL,
                    title=hit.title[:200],
                    content=f"{hit.content}\n模型：{spec.title}（{spec.source}）",
                    received_on=today,
                    source_ref=f"{spec.code} {spec.title}",
                    cases=hit.cases,
                    agencies=[hit.agency],
                    officers=[o for o in hit.officers if o is not None],
                    model_code=code,
                    model_key=hit.key,
                )
                open_follow_up(
                    actor=None,
                    agency=clue.agency,
                    kind=FollowUpKind.CLUE,
                    title=clue.title,
                    clue=clue,
                    instruction=spec.description,
                )
            created.append(clue)
    return created
