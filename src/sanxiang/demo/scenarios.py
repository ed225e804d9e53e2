"""What happens to each demo case: one path per (procedure, variant), walked up to a target stage.

A path is built by a function `(builder, plan)` that lays down the acts in order with their dates
(working days after the previous act, as a real case would run) and their inputs. The walker cuts
the path at the plan's target stage, fits the dates before today and fires the acts through
`cases.services.transition` — so each case holds only what the engine allowed.

`MIX` says how many cases of each (procedure, variant, target) the demo has at size 1.0; every
stage of every procedure appears at least once at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sanxiang.catalog.choices import DiscretionLevel, PenaltyType
from sanxiang.core import calendar

if TYPE_CHECKING:
    from sanxiang.demo.walker import Plan

OFFICERS = "@officers"  # replaced by the acting officer and the other handler when the act fires
EVIDENCE = "现场检查笔录、询问笔录、现场照片及当事人提供的进货凭证等证据相互印证，足以认定违法事实。"

# (procedure, variant, target stage, cases at size 1.0)
MIX: tuple[tuple[str, str, str, int], ...] = (
    # 行政处罚普通程序
    ("penalty.general", "standard", "clue", 5),
    ("penalty.general", "standard", "filed", 5),
    ("penalty.general", "preserve", "filed", 2),
    ("penalty.general", "standard", "investigated", 5),
    ("penalty.general", "standard", "proposed", 4),
    ("penalty.general", "revised", "proposed", 1),
    ("penalty.general", "standard", "notified", 5),
    ("penalty.general", "hearing", "hearing_requested", 3),
    ("penalty.general", "hearing", "heard", 3),
    ("penalty.general", "standard", "decided", 3),
    ("penalty.general", "major", "decided", 2),
    ("penalty.general", "standard", "served", 5),
    ("penalty.general", "standard", "executed", 5),
    ("penalty.general", "standard", "closed", 24),
    ("penalty.general", "major", "closed", 5),
    ("penalty.general", "hearing", "closed", 5),
    ("penalty.general", "extended", "closed", 4),
    ("penalty.general", "extended", "filed", 1),
    ("penalty.general", "revised", "closed", 2),
    ("penalty.general", "no_penalty", "closed", 4),
    ("penalty.general", "minor", "closed", 2),
    ("penalty.general", "revoked", "closed", 3),
    ("penalty.general", "changed", "closed", 2),
    ("penalty.general", "upheld", "closed", 1),
    ("penalty.general", "not_filed", "not_filed", 5),
    ("penalty.general", "transferred", "transferred", 4),
    # 行政处罚简易程序
    ("penalty.simple", "fine", "on_site", 2),
    ("penalty.simple", "fine", "decided", 4),
    ("penalty.simple", "fine", "executed", 3),
    ("penalty.simple", "fine", "closed", 24),
    ("penalty.simple", "warning", "closed", 10),
    ("penalty.simple", "changed", "closed", 1),
    ("penalty.simple", "voided", "voided", 3),
    # 行政强制措施
    ("coercion.measure", "seize", "applied", 2),
    ("coercion.measure", "seize", "approved", 2),
    ("coercion.measure", "seize", "in_force", 2),
    ("coercion.measure", "extended", "in_force", 1),
    ("coercion.measure", "paused", "in_force", 1),
    ("coercion.measure", "seize", "decided", 3),
    ("coercion.measure", "lift", "lifted", 3),
    ("coercion.measure", "seize", "closed", 5),
    ("coercion.measure", "major", "closed", 2),
    ("coercion.measure", "lift", "closed", 4),
    ("coercion.measure", "emergency", "closed", 2),
    ("coercion.measure", "extended", "closed", 1),
    ("coercion.measure", "rejected", "rejected", 2),
    # 行政强制执行
    ("coercion.enforcement", "surcharge", "pending", 2),
    ("coercion.enforcement", "surcharge", "demanded", 3),
    ("coercion.enforcement", "surcharge", "decided", 2),
    ("coercion.enforcement", "demolition", "decided", 1),
    ("coercion.enforcement", "court", "court_applied", 2),
    ("coercion.enforcement", "suspended", "suspended", 2),
    ("coercion.enforcement", "surcharge", "executed", 2),
    ("coercion.enforcement", "demolition", "executed", 1),
    ("coercion.enforcement", "surcharge", "closed", 3),
    ("coercion.enforcement", "demolition", "closed", 3),
    ("coercion.enforcement", "substitute", "closed", 1),
    ("coercion.enforcement", "court", "closed", 2),
    ("coercion.enforcement", "terminated", "terminated", 2),
    # 行政检查
    ("inspection", "routine", "planned", 3),
    ("inspection", "routine", "approved", 4),
    ("inspection", "routine", "inspected", 4),
    ("inspection", "routine", "concluded", 4),
    ("inspection", "routine", "closed", 22),
    ("inspection", "cancelled", "cancelled", 3),
    # 行政许可
    ("permit", "supplement", "applied", 1),
    ("permit", "grant", "applied", 2),
    ("permit", "grant", "accepted", 2),
    ("permit", "verify", "accepted", 1),
    ("permit", "paused", "accepted", 1),
    ("permit", "grant", "examined", 2),
    ("permit", "extended", "examined", 1),
    ("permit", "grant", "decided", 3),
    ("permit", "grant", "served", 3),
    ("permit", "grant", "closed", 13),
    ("permit", "verify", "closed", 3),
    ("permit", "refuse", "closed", 4),
    ("permit", "remedy", "closed", 1),
    ("permit", "rejected", "rejected", 3),
    # 行政征收征用
    ("levy", "levy", "initiated", 1),
    ("levy", "levy", "examined", 1),
    ("levy", "paused", "examined", 1),
    ("levy", "levy", "proposed", 2),
    ("levy", "levy", "decided", 1),
    ("levy", "levy", "served", 1),
    ("levy", "levy", "executed", 1),
    ("levy", "levy", "closed", 4),
    ("levy", "terminated", "terminated", 1),
    # 行政确认
    ("confirmation", "confirm", "initiated", 1),
    ("confirmation", "confirm", "examined", 2),
    ("confirmation", "confirm", "proposed", 2),
    ("confirmation", "confirm", "decided", 1),
    ("confirmation", "confirm", "served", 2),
    ("confirmation", "executed", "executed", 1),
    ("confirmation", "confirm", "closed", 4),
    ("confirmation", "refuse", "closed", 1),
    ("confirmation", "terminated", "terminated", 1),
)


@dataclass
class Act:
    name: str
    actor: str  # lead | partner | head — resolved to users by the walker
    day: dt.date
    data: dict[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None


class WorkingDays:
    """`core.calendar`'s working days, remembered per date for one planning run (the planner asks
    about the same few hundred days thousands of times)."""

    def __init__(self) -> None:
        self._known: dict[dt.date, bool] = {}

    def working(self, day: dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = calendar.is_working_day(day)
        return known

    def add(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start excluded), as calendar.add_working_days."""
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            n -= self.working(day)
        return day

    def next(self, day: dt.date) -> dt.date:
        while not self.working(day):
            day += dt.timedelta(days=1)
        return day


class Builder:
    """Lays down a path's acts, each a number of working days after the previous one."""

    def __init__(self, start: dt.date, rng: random.Random, days: WorkingDays | None = None):
        self.days = days or WorkingDays()
        self.day = self.days.next(start)
        self.rng = rng
        self.acts: list[Act] = []

    def wd(self, low: int, high: int) -> dt.date:
        self.day = self.days.add(self.day, self.rng.randint(low, high))
        return self.day

    def after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day`, without moving the builder."""
        return self.days.add(day, n)

    def cd(self, low: int, high: int) -> dt.date:
        self.day = self.days.next(self.day + dt.timedelta(days=self.rng.randint(low, high)))
        return self.day

    def on(self, day: dt.date) -> dt.date:
        self.day = day
        return day

    def act(self, name: str, actor: str, **data: Any) -> Act:
        step = Act(name, actor, self.day, {k: v for k, v in data.items() if v is not None})
        self.acts.append(step)
        return step


# --- proposals -------------------------------------------------------------------------------------


def _money(value: Decimal, step: int = 100) -> Decimal:
    return max(Decimal(step), (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


def _between(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    step = 100 if high - low >= 1000 else 10
    return _money(low + (high - low) * Decimal(rng.randint(5, 95)) / 100, step)


def fine_for(plan: Plan, level: str) -> tuple[Decimal | None, Decimal | None]:
    """A fine inside the tier `level` of the item's benchmark (same DISC-03 cut as the benchmark),
    and the goods value it was computed from where the article gives a multiple."""
    meta, rng = plan.meta, plan.rng
    lighter, heavier = plan.bands
    if meta.get("fine"):
        low, high = (Decimal(v) for v in meta["fine"])
        span = high - low
        cuts = {
            DiscretionLevel.MITIGATED: (Decimal(0), low),
            DiscretionLevel.LIGHTER: (low, low + span * lighter),
            DiscretionLevel.STANDARD: (low + span * lighter, high - span * heavier),
            DiscretionLevel.HEAVIER: (high - span * heavier, high),
        }
        a, b = cuts[level]
        if b <= 0:
            return None, None
        return _between(rng, max(a, Decimal(1)), b), None
    if meta.get("multiple"):
        low, high = (Decimal(str(v)) for v in meta["multiple"])
        span = high - low
        cuts = {
            DiscretionLevel.MITIGATED: (Decimal("0.1"), max(low, Decimal("0.2"))),
            DiscretionLevel.LIGHTER: (low, low + span * lighter),
            DiscretionLevel.STANDARD: (low + span * lighter, high - span * heavier),
            DiscretionLevel.HEAVIER: (high - span * heavier, high),
        }
        a, b = cuts[level]
        value = Decimal(rng.randrange(30, 600) * 100)
        multiple = max(Decimal("0.1"), a + (b - a) * Decimal(rng.randint(10, 90)) / 100)
        return _money(value * multiple), value
    return None, None


_LEVEL_REASONS = {
    DiscretionLevel.NO_PENALTY: "违法行为轻微并及时改正，没有造成危害后果",
    DiscretionLevel.MITIGATED: "主动消除违法行为危害后果，且配合调查如实陈述",
    DiscretionLevel.LIGHTER: "系初次违法，涉案数额较小，积极配合调查并已改正",
    DiscretionLevel.STANDARD: "不具有从轻、减轻或者从重处罚情节",
    DiscretionLevel.HEAVIER: "一年内因同一违法行为受过行政处罚，且违法行为持续时间较长",
}


def penalty_proposal(plan: Plan, *, level: str | None = None, outcome: str = "penalty") -> dict[str, Any]:
    """The inputs of `propose` for a penalty case: penalty types, amounts, tier and reasons."""
    meta, rng = plan.meta, plan.rng
    basis, penalty_basis = plan.articles
    citations = "、".join(plan.citations[0]) or "有关规定"
    penalty_citations = "、".join(plan.citations[1]) or citations
    data: dict[str, Any] = {
        "outcome": outcome,
        "legal_basis": [str(pk) for pk in dict.fromkeys([*penalty_basis, *basis])],
        "basis_text": (meta.get("note") or "")[:500],
        "reasons_evidence": EVIDENCE,
    }
    if outcome != "penalty":
        text = {
            "no_penalty": "当事人违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚，予以批评教育。",
            "not_established": "经调查，现有证据不足以认定当事人存在违法行为，违法事实不能成立。",
            "minor": "当事人行为时未满十四周岁，依法不予行政处罚，责令其监护人加以管教。",
        }
        data["outcome"] = "no_penalty" if outcome == "minor" else outcome
        data["summary"] = text[outcome]
        data["reasons_basis"] = f"依据《中华人民共和国行政处罚法》第三十条、第三十三条，结合{citations}。"
        if outcome != "not_established":
            data["discretion_level"] = DiscretionLevel.NO_PENALTY
            data["reasons_discretion"] = "当事人具有法定不予处罚情形，依照裁量基准“不予处罚”阶次处理。"
        return data
    level = (
        level
        or rng.choices(
            [DiscretionLevel.LIGHTER, DiscretionLevel.STANDARD, DiscretionLevel.MITIGATED], [45, 45, 10]
        )[0]
    )
    fine, value = fine_for(plan, level)
    types: list[str] = []
    if fine:
        types.append(PenaltyType.FINE)
    else:
        types.append(PenaltyType.WARNING)
    extra = meta.get("extra", [])
    confiscation = None
    if PenaltyType.CONFISCATE_PROPERTY in extra and (value or rng.random() < 0.5):
        types.append(PenaltyType.CONFISCATE_PROPERTY)
        confiscation = value or Decimal(rng.randrange(10, 200) * 100)
    elif PenaltyType.CONFISCATE_GAINS in extra and rng.random() < 0.5:
        types.append(PenaltyType.CONFISCATE_GAINS)
        confiscation = Decimal(rng.randrange(5, 300) * 100)
    if level == DiscretionLevel.HEAVIER and meta.get("heavy") and rng.random() < 0.6:
        types.append(meta["heavy"][0])
    labels = "、".join(str(PenaltyType(t).label) for t in types)
    amount = f"，罚款人民币{fine:,.0f}元" if fine else ""
    gained = f"，没收金额{confiscation:,.0f}元" if confiscation else ""
    data.update(
        {
            "penalty_types": types,
            "fine_amount": str(fine) if fine else None,
            "confiscation_amount": str(confiscation) if confiscation else None,
            "discretion_level": level,
            "summary": f"拟对当事人给予{labels}{amount}{gained}。",
            "reasons_basis": f"当事人的行为违反了{citations}的规定，依据{penalty_citations}予以处罚。",
            "reasons_discretion": f"依据本机关行政处罚裁量基准，当事人{_LEVEL_REASONS[level]}，"
            f"适用“{DiscretionLevel(level).label}”阶次。",
        }
    )
    return {k: v for k, v in data.items() if v is not None}


def _lower(proposal: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A revised proposal after the reviewer's or the party's objections: a lower fine."""
    revised = dict(proposal)
    if revised.get("fine_amount"):
        fine = Decimal(revised["fine_amount"])
        revised["fine_amount"] = str(_money(fine * Decimal(rng.randint(60, 90)) / 100, 10))
        revised["summary"] = (
            proposal["summary"].split("，罚款")[0]
            + f"，罚款人民币{Decimal(revised['fine_amount']):,.0f}元（修改后）。"
        )
        revised["reasons_discretion"] = (
            proposal.get("reasons_discretion", "") + "根据法制审核意见，对罚款数额予以调整。"
        )
    return revised


# --- the paths -----------------------------------------------------------------------------------

SERVICE = ("direct", "direct", "direct", "postal", "lien", "electronic")


def penalty_general(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    if v == "not_filed":
        b.wd(2, 6)
        b.act(
            "not_file",
            "head",
            ground=rng.choice(["minor_corrected", "first_minor", "no_evidence", "not_competent"]),
            summary="经核查，不符合立案条件，决定不予立案。",
        )
        return
    b.wd(1, 4)
    b.act("file", "head", serious_harm=plan.meta["code"].startswith("CF-SP") and rng.random() < 0.3)
    if v == "preserve":
        b.wd(0, 1)
        b.act("preserve_evidence", "lead", officers=OFFICERS, items="涉案商品一批（详见先行登记保存清单）")
    b.wd(0, 3)
    b.act(
        "inspect",
        "lead",
        officers=OFFICERS,
        findings=f"现场检查发现当事人涉嫌{plan.item.name}，已制作现场检查笔录并拍照取证。",
    )
    b.wd(1, 5)
    b.act(
        "interview",
        "partner",
        officers=OFFICERS,
        interviewee=plan.contact,
        findings="当事人对违法事实无异议，提供了进货票据。",
    )
    if v == "transferred":
        b.wd(3, 10)
        b.act(
            "transfer",
            "head",
            receiver="云溪市公安局",
            summary="涉嫌构成犯罪，依法移送公安机关（行政处罚法第二十七条）。",
        )
        return
    if v == "extended":
        b.wd(2, 5)
        b.act("pause_clock", "head", pause_reason="appraisal", summary="抽样送检，检验期间不计入办案期限。")
        b.wd(10, 20)
        b.act("resume_clock", "head", summary="检验报告已送达。")
        b.wd(20, 35)
        b.act("extend", "head", summary="案情复杂，经负责人批准延长办案期限三十日。")
    b.wd(5, 20)
    b.act("conclude_investigation", "lead", report="违法事实清楚，证据确凿，调查终结。")
    if v in ("no_penalty", "minor"):
        proposal = penalty_proposal(
            plan, outcome="minor" if v == "minor" else rng.choice(["no_penalty", "not_established"])
        )
    elif v in ("major", "hearing"):
        proposal = penalty_proposal(plan, level=DiscretionLevel.HEAVIER)
    elif plan.party_minor == "teen":
        proposal = penalty_proposal(plan, level=DiscretionLevel.MITIGATED)
    else:
        proposal = penalty_proposal(plan)
    plan.proposal = proposal
    b.wd(1, 4)
    b.act("propose", "lead", **proposal)
    if v == "revised":
        b.wd(2, 5)
        proposal = _lower(proposal, rng)
        b.act("revise_proposal", "lead", **proposal)
    if v == "hearing":
        b.wd(1, 3)
        b.act("notify", "lead", served_on=b.day, hearing_right=True, rights_waived=False)
        b.wd(1, 4)
        b.act("request_hearing", "partner", requested_on=b.day)
        b.wd(1, 2)
        hearing_on = b.after(b.day, 7 + rng.randint(0, 3))
        b.act(
            "schedule_hearing",
            "lead",
            notified_on=b.day,
            hearing_on=hearing_on,
            place=f"{plan.agency.name}听证室",
        )
        b.on(hearing_on)
        b.act(
            "hold_hearing",
            "head",
            transcript="当事人及其委托代理人到场陈述申辩，调查人员出示证据，听证主持人归纳争议焦点。",
        )
        b.wd(2, 6)
    else:
        waived = rng.random() < 0.45
        b.wd(1, 3)
        big = Decimal(proposal.get("fine_amount") or 0) >= 10000
        b.act("notify", "lead", served_on=b.day, hearing_right=big, rights_waived=waived)
        b.wd(1, 3) if waived else b.wd(6, 9)
    b.act("decide", "head")
    b.wd(0, 3)
    b.act("serve", "lead", served_on=b.day, method=rng.choice(SERVICE))
    if proposal.get("fine_amount"):
        late = rng.random() < 0.1
        b.cd(17, 30) if late else b.cd(2, 13)
        b.act(
            "record_execution",
            "lead",
            execution="paid" if not late else "enforced",
            amount=proposal["fine_amount"],
        )
    b.wd(2, 8)
    b.act("close", "head", summary="处罚决定已执行完毕，案卷归档。")
    if v in ("revoked", "changed", "upheld"):
        b.cd(40, 80)
        b.act(
            "record_remedy",
            "lead",
            remedy_kind=rng.choice(["reconsideration", "reconsideration", "litigation"]),
            remedy_result=v,
            remedy_decided_on=b.day,
            remedy_document=f"云政复决字〔{b.day.year}〕{rng.randrange(10, 300)}号",
        )


def penalty_simple(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    if v == "voided":
        b.wd(0, 1)
        b.act("void", "head", summary="当事人信息登记错误，经负责人批准作废，另行处理。")
        return
    person = plan.party_kind == "person"
    limit = Decimal(plan.limits["person" if person else "organisation"])
    if v == "warning" or not (plan.meta.get("fine") and Decimal(plan.meta["fine"][0]) <= limit):
        types, fine = ["warning"], None
    else:
        low = Decimal(plan.meta["fine"][0])
        high = min(Decimal(plan.meta["fine"][1]), limit)
        fine = _between(rng, max(low, Decimal(50)), high) if high > low else low
        types = ["fine"]
    basis = [str(pk) for pk in dict.fromkeys([*plan.articles[1], *plan.articles[0]])]
    decision = "警告" if fine is None else f"罚款{fine:,.0f}元"
    b.act(
        "decide_on_site",
        "lead",
        officers=OFFICERS,
        outcome="penalty",
        penalty_types=types,
        fine_amount=str(fine) if fine else None,
        legal_basis=basis,
        summary=f"当事人{plan.item.name}，违法事实确凿，当场作出{decision}的决定。",
    )
    plan.proposal = {"fine_amount": str(fine) if fine else None}
    if fine:
        on_site = fine <= plan.limits["on_site"] and rng.random() < 0.5
        b.wd(0, 0) if on_site else b.cd(1, 12)
        b.act(
            "record_payment",
            "lead",
            amount=str(fine),
            collected_on_site=on_site,
            receipt_no=f"YX{b.day:%Y%m%d}{rng.randrange(10000):04d}",
        )
    b.wd(1, 5)
    b.act("close", "lead", summary="简易程序处罚决定已报所属机关备案。")
    if v == "changed":
        b.cd(40, 70)
        b.act(
            "record_remedy",
            "lead",
            remedy_kind="reconsideration",
            remedy_result="changed",
            remedy_decided_on=b.day,
            remedy_document=f"云政复决字〔{b.day.year}〕{rng.randrange(10, 300)}号",
        )


_SEIZED = {
    "market": ("过期食品饮料48箱、冷柜2台", "不合格电热水壶120台", "无标签预包装食品36箱"),
    "ecology": ("未经处理直排废气的喷涂设备1套", "超标排放的燃煤锅炉1台"),
    "transport": ("无车辆营运证的客车1辆", "无营运证从事货运的货车1辆"),
    "emergency": ("非法储存的液化石油气钢瓶40只", "不符合安全标准的起重设备1台"),
    "culture": ("无证经营的娱乐场所包厢6间及音响设备", "违规使用的电子游戏设备20台"),
}


def coercion_measure(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    field = plan.meta["field"]
    measure = "detain" if field in ("transport", "emergency") else rng.choice(["seal", "detain"])
    value = Decimal(rng.randrange(20, 900) * 100)
    if v == "major":
        value = Decimal(rng.randrange(1200, 4000) * 100)  # at or above the catalogue's 100,000
    seizure = {
        "officers": OFFICERS,
        "measure": measure,
        "items": rng.choice(_SEIZED.get(field, _SEIZED["market"])),
        "estimated_value": str(value),
        "place": plan.place,
    }
    if v == "rejected":
        b.wd(0, 1)
        b.act("reject", "head", summary="现有证据不足以采取查封扣押措施，不予批准。")
        return
    if v == "emergency":
        b.act("execute_emergency", "lead", **seizure)
        b.wd(0, 1)
        b.act("ratify", "head")
    else:
        b.wd(0, 1)
        b.act("approve", "head", measure=measure)
        b.wd(0, 1)
        b.act("execute", "lead", **seizure)
    if v == "paused":
        b.wd(2, 5)
        b.act(
            "pause_clock",
            "head",
            pause_reason="appraisal",
            summary="对扣押物品进行检验，检验期间不计入查封扣押期限。",
        )
        b.wd(5, 10)
        b.act("resume_clock", "head", summary="检验报告已出具。")
    if v == "extended":
        b.cd(18, 24)
        b.act("extend", "head", summary="情况复杂，经负责人批准延长查封扣押期限三十日。")
    if v in ("lift", "emergency"):
        b.cd(5, 20)
        b.act("lift", "lead", ground=rng.choice(["no_violation", "unrelated", "not_needed"]))
    else:
        b.cd(8, 25)
        b.act("decide", "head", outcome=rng.choice(["confiscate", "destroy", "confiscate", "return"]))
    b.wd(1, 5)
    b.act("close", "head", summary="强制措施已依法处理完毕。")


def coercion_enforcement(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    start = b.day
    demolition = v == "demolition"
    served = start - dt.timedelta(days=rng.randint(200, 240) if demolition else rng.randint(20, 60))
    short, kind = plan.agency.short_name, "限拆" if demolition else "罚"
    b.wd(0, 2)
    b.act(
        "register_basis",
        "lead",
        basis_document=f"{short}{kind}决字〔{served.year}〕{rng.randrange(1, 200)}号",
        basis_served_on=served,
    )
    if v == "terminated":
        b.wd(3, 10)
        b.act("terminate", "head", summary="当事人死亡，无遗产可供执行，终结执行（行政强制法第四十条）。")
        return
    amount = None if demolition or v == "substitute" else str(Decimal(rng.randrange(50, 800) * 100))
    b.wd(1, 3)
    b.act(
        "demand",
        "lead",
        served_on=b.day,
        amount=amount,
        summary="催告当事人于十日内履行义务，并告知其享有陈述权和申辩权。",
    )
    if v == "court":
        b.wd(11, 15)
        b.act("apply_to_court", "head", court=f"云溪市{rng.choice(['东湖区', '西山区'])}人民法院")
        b.cd(20, 45)
        b.act("record_court_ruling", "lead", ruling="人民法院裁定准予强制执行，罚款已划拨到账。")
        b.wd(1, 5)
        b.act("close", "head", summary="人民法院强制执行完毕。")
        return
    method = {"demolition": "demolition", "substitute": "substitute"}.get(v) or rng.choice(
        ["surcharge", "surcharge", "deposit_transfer"]
    )
    b.wd(11, 14)
    b.act("decide", "head", method=method)
    if v == "suspended":
        b.wd(1, 5)
        b.act(
            "suspend",
            "head",
            summary="当事人履行行政决定确有困难，暂无履行能力，中止执行（行政强制法第三十九条）。",
        )
        b.cd(30, 60)
        b.act("resume", "head", summary="中止执行的情形消失，恢复执行。")
    if demolition:
        b.wd(3, 10)
        b.act(
            "demolish",
            "lead",
            officers=OFFICERS,
            structure=rng.choice(
                [
                    "占用道路搭建的彩钢棚约60平方米",
                    "未经批准建设的砖混结构房屋一栋",
                    "违法设置的大型户外广告牌一座",
                ]
            ),
            summary="公告期满当事人未自行拆除，依法实施强制拆除，全程录音录像。",
        )
    else:
        b.wd(1, 8)
        b.act("execute", "lead", officers=OFFICERS, summary="强制执行完毕。")
    b.wd(1, 5)
    b.act("close", "head", summary="强制执行完毕，结案。")


def inspection(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    if v == "cancelled":
        b.wd(1, 5)
        b.act("cancel", "head", summary="被检查单位已注销，取消本次检查。")
        return
    b.wd(1, 3)
    random_list = bool(plan.meta.get("random_inspection"))
    b.act(
        "approve",
        "head",
        planned=random_list or rng.random() < 0.5,
        basis="“双随机、一公开”抽查计划" if random_list else "投诉举报线索核查",
    )
    b.wd(1, 10)
    b.act(
        "inspect",
        "lead",
        officers=OFFICERS,
        findings=f"执法人员出示执法证件，对{plan.place}进行现场检查，制作检查笔录。",
    )
    b.wd(1, 5)
    outcome = rng.choices(
        ["no_problem", "order_correction", "open_penalty_case", "transfer"], [50, 30, 15, 5]
    )[0]
    summaries = {
        "no_problem": "未发现违法违规问题。",
        "order_correction": "发现台账记录不完整等问题，已责令限期改正。",
        "open_penalty_case": "发现涉嫌违法行为，转入立案查处程序。",
        "transfer": "发现的问题不属于本机关职责，移送有关部门处理。",
    }
    b.act("conclude", "lead", outcome=outcome, summary=summaries[outcome])
    b.wd(1, 5)
    b.act("close", "head", summary="检查结果已录入并公示。")


def permit(b: Builder, plan: Plan) -> None:
    v, rng = plan.variant, plan.rng
    if v == "rejected":
        b.wd(0, 2)
        b.act("reject_application", "lead", summary="申请事项依法不需要取得行政许可，不予受理并告知申请人。")
        return
    if v == "supplement":
        b.wd(0, 1)
        b.act(
            "request_supplement",
            "lead",
            missing="经营场所平面布局图、主要设备设施清单、食品安全管理制度文本。",
        )
        b.wd(3, 8)
    else:
        b.wd(0, 2)
    b.act("accept", "lead")
    if v == "verify":
        b.wd(2, 6)
        b.act(
            "verify_on_site",
            "lead",
            officers=OFFICERS,
            findings="经营场所、设施设备与申请材料一致，符合许可条件。",
        )
    if v == "paused":
        b.wd(1, 3)
        b.act(
            "pause_clock",
            "head",
            pause_reason="expert_review",
            summary="组织专家评审，评审期间不计入许可期限。",
        )
        b.wd(4, 8)
        b.act("resume_clock", "head", summary="专家评审意见已出具。")
    b.wd(3, 10)
    grant = v != "refuse"
    b.act(
        "examine",
        "lead",
        outcome="grant" if grant else "refuse",
        legal_basis=[str(pk) for pk in plan.articles[0]],
        summary="申请材料齐全，符合法定条件，建议准予许可。"
        if grant
        else "申请人不具备法定条件，建议不予许可并书面说明理由。",
        reasons_evidence="申请材料、现场核查记录相互印证，予以采信。",
        reasons_basis="依据所列许可条件条款审查。",
        reasons_discretion="符合全部法定条件，依法准予许可。"
        if grant
        else "不符合法定条件，依法不予许可（行政许可法第三十八条）。",
    )
    if v == "extended":
        b.wd(1, 3)
        b.act("extend", "head", summary="需要进一步核实申请材料，经负责人批准延长十个工作日。")
    b.wd(1, 4)
    b.act(
        "decide",
        "head",
        licence_no=f"YX{plan.agency.division.code[:6]}{b.day:%Y}{rng.randrange(100000):05d}"
        if grant
        else None,
        valid_to=calendar.add_months(b.day, 60) if grant else None,
    )
    b.wd(0, 5)
    b.act("serve", "lead", served_on=b.day, method=rng.choice(SERVICE))
    b.wd(0, 3)
    b.act("close", "lead", summary="许可证件已送达，办结。")
    if v == "remedy":
        b.cd(40, 80)
        b.act(
            "record_remedy",
            "lead",
            remedy_kind="litigation",
            remedy_result="revoked",
            remedy_decided_on=b.day,
            remedy_document=f"（{b.day.year}）湘9901行初{rng.randrange(10, 300)}号",
        )


def decision_procedure(b: Builder, plan: Plan) -> None:
    """行政征收征用 and 行政确认: examine, propose, decide, serve, (execute), close."""
    v, rng = plan.variant, plan.rng
    levy = plan.procedure == "levy"
    if v == "terminated":
        b.wd(2, 6)
        b.act("terminate", "head", summary="申请人撤回申请，终止办理。")
        return
    b.wd(1, 4)
    b.act("examine", "lead", officers=OFFICERS, findings="经实地核实，申请材料与实际情况一致。")
    if v == "paused":
        b.wd(1, 3)
        b.act(
            "pause_clock", "head", pause_reason="public_notice", summary="依法公告，公告期间不计入办理期限。"
        )
        b.wd(5, 10)
        b.act("resume_clock", "head", summary="公告期满。")
    b.wd(1, 5)
    if levy:
        outcome = "exempt" if rng.random() < 0.2 else "levy"
        summary = (
            f"拟依法收取费用{rng.randrange(2, 80) * 10}元。"
            if outcome == "levy"
            else "符合减免条件，拟不予收取。"
        )
    else:
        outcome = "refuse" if v == "refuse" else "confirm"
        summary = "材料齐全，拟予以备案确认。" if outcome == "confirm" else "材料不符合要求，拟不予确认。"
    b.act(
        "propose", "lead", outcome=outcome, summary=summary, legal_basis=[str(pk) for pk in plan.articles[0]]
    )
    b.wd(1, 4)
    b.act("decide", "head")
    b.wd(0, 3)
    b.act("serve", "lead", served_on=b.day, method=rng.choice(SERVICE))
    if levy or v == "executed":
        b.wd(2, 10)
        b.act("record_execution", "lead", summary="已缴纳至国库。" if levy else "已交付备案回执。")
    b.wd(1, 4)
    b.act("close", "head", summary="办结。")


PATHS = {
    "penalty.general": penalty_general,
    "penalty.simple": penalty_simple,
    "coercion.measure": coercion_measure,
    "coercion.enforcement": coercion_enforcement,
    "inspection": inspection,
    "permit": permit,
    "levy": decision_procedure,
    "confirmation": decision_procedure,
}
