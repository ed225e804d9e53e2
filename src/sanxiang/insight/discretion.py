"""裁量智能辅助 (X4): from the item's discretion benchmark in force on the day of the violation and
the circumstances of the case, propose the level (阶次) and the range, cite the benchmark tier and
the statutory grounds (行政处罚法 Arts. 29–33; rules.md PEN-24/25/26, DISC-*), explain each step,
check the handler's proposal against it, and list the most similar past decisions of the item.

The assistant advises; the handler decides. A proposal outside the advised range is allowed with
reasons (裁量理由) and is flagged to the reviewer (`checks`, shown on the review page).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, Proposal
from sanxiang.catalog import rules
from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.choices import Circumstance, DiscretionLevel
from sanxiang.catalog.models import BenchmarkLevel, DiscretionBenchmark
from sanxiang.insight import textsim

LAW = "《中华人民共和国行政处罚法》"

# Statutory grounds (法定情节). Codes are Circumstance values; the texts quote the articles.
# PEN-24: shall not penalise.
MUST_NOT = (
    (
        frozenset({"mental_incapacity"}),
        "不能辨认或者控制自己行为的精神病人、智力残疾人有违法行为的，不予行政处罚",
        "第三十一条",
    ),
    (
        frozenset({"no_harm", "corrected_promptly"}),
        "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚",
        "第三十三条第一款",
    ),
    (frozenset({"no_fault"}), "当事人有证据足以证明没有主观过错的，不予行政处罚", "第三十三条第二款"),
)
# PEN-24: may not penalise (首违不罚).
MAY_NOT = (
    (
        frozenset({"first_offence", "minor_harm", "corrected_promptly"}),
        "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（首违不罚）",
        "第三十三条第一款",
    ),
)
# PEN-25: shall be penalised lighter or mitigated (从轻或者减轻).
MUST_MITIGATE = (
    (
        frozenset({"minor_14_17"}),
        "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚",
        "第三十条",
    ),
    (
        frozenset({"eliminated_harm"}),
        "主动消除或者减轻违法行为危害后果的，应当从轻或者减轻行政处罚",
        "第三十二条第（一）项",
    ),
    (
        frozenset({"coerced"}),
        "受他人胁迫或者诱骗实施违法行为的，应当从轻或者减轻行政处罚",
        "第三十二条第（二）项",
    ),
    (
        frozenset({"confessed"}),
        "主动供述行政机关尚未掌握的违法行为的，应当从轻或者减轻行政处罚",
        "第三十二条第（三）项",
    ),
    (
        frozenset({"meritorious"}),
        "配合行政机关查处违法行为有立功表现的，应当从轻或者减轻行政处罚",
        "第三十二条第（四）项",
    ),
)
# When no benchmark names its tiers' circumstances, these are the usual ones (DISC-02 tiers).
DEFAULT_TIER_CIRCUMSTANCES = {
    DiscretionLevel.LIGHTER: {"first_offence", "short_duration", "small_amount", "cooperated"},
    DiscretionLevel.HEAVIER: {
        "repeat_offence",
        "obstructed",
        "serious_harm",
        "vulnerable_victims",
        "large_amount",
    },
}
# Phrases that reveal a circumstance in free text (reasons written before circumstances were
# recorded as codes): the assistant infers them and says so, the handler confirms.
PHRASES = {
    "first_offence": ("初次违法", "首次违法", "系初犯", "首违"),
    "minor_harm": ("危害后果轻微", "后果轻微"),
    "no_harm": ("没有造成危害后果", "未造成危害后果"),
    "corrected_promptly": ("及时改正", "已改正", "已经改正", "当场改正"),
    "no_fault": ("没有主观过错", "无主观过错"),
    "eliminated_harm": ("主动消除", "减轻违法行为危害后果"),
    "coerced": ("胁迫", "诱骗"),
    "confessed": ("主动供述",),
    "meritorious": ("立功",),
    "short_duration": ("持续时间短",),
    "small_amount": ("数额较小", "货值较小", "违法所得较小", "金额较小"),
    "large_amount": ("数额较大", "货值较大", "违法所得较大", "金额较大"),
    "cooperated": ("配合调查", "如实陈述"),
    "repeat_offence": ("一年内因同一违法行为受过", "再次违法", "屡教不改"),
    "obstructed": ("拒不配合", "隐匿", "销毁证据"),
    "serious_harm": ("人身伤害", "较大社会影响", "严重后果"),
    "vulnerable_victims": ("未成年人、老年人", "针对老年人", "针对未成年人"),
}
TIER_ORDER = [
    DiscretionLevel.NO_PENALTY,
    DiscretionLevel.MITIGATED,
    DiscretionLevel.LIGHTER,
    DiscretionLevel.STANDARD,
    DiscretionLevel.HEAVIER,
]
SIMILAR_CANDIDATES = 300  # newest decisions compared per query (cost bound, not a legal number)
SIMILAR_SHOWN = 5


def label(code: str) -> str:
    try:
        return str(Circumstance(code).label)
    except ValueError:
        return code


def _labels(codes) -> str:
    return "、".join(label(c) for c in sorted(codes))


def level_label(level: str | None) -> str:
    return str(DiscretionLevel(level).label) if level else "—"


def money(value: Decimal | None) -> str:
    return "—" if value is None else _("%(value)s元") % {"value": format(Decimal(value), ",.2f")}


@dataclass
class Step:
    title: str
    text: str
    citation: str = ""


@dataclass
class Check:
    """One finding on the handler's proposal; `outside` ones need reasons and go to the reviewer."""

    code: str
    message: str
    severity: str = "warn"  # warn | bad
    outside: bool = False


@dataclass
class Similar:
    number: str
    decided_on: dt.date | None
    level: str
    fine: Decimal | None
    circumstances: list[str]
    summary: str
    score: float
    text_score: float
    why: list[str]

    @property
    def level_label(self) -> str:
        return level_label(self.level) if self.level else "—"


@dataclass
class Advice:
    case: Case
    on: dt.date
    on_note: str
    benchmark: DiscretionBenchmark | None
    circumstances: list[str]
    inferred: bool
    level: str | None = None
    alternatives: list[str] = field(default_factory=list)
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    other_penalties: str = ""
    tier_conditions: str = ""
    grounds: list[Step] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    similar: list[Similar] = field(default_factory=list)
    similar_note: str = ""
    must_not_penalise: bool = False  # a statutory ground forbids any penalty (PEN-24)

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def circumstance_labels(self) -> list[str]:
        return [label(c) for c in self.circumstances]

    @property
    def alternative_labels(self) -> list[str]:
        return [level_label(a) for a in self.alternatives]

    @property
    def range_text(self) -> str:
        if self.range_min is None and self.range_max is None:
            return self.other_penalties or "—"
        text = _("%(range_min)s 至 %(range_max)s") % {
            "range_min": money(self.range_min),
            "range_max": money(self.range_max),
        }
        return f"{text}（{self.other_penalties}）" if self.other_penalties else text

    @property
    def flagged(self) -> bool:
        return any(c.outside or c.severity == "bad" for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        def amount(v):
            return None if v is None else f"{Decimal(v):.2f}"

        return {
            "case": self.case.number,
            "violation_date": self.on.isoformat(),
            "violation_date_note": self.on_note,
            "benchmark": None
            if self.benchmark is None
            else {
                "id": self.benchmark.pk,
                "version": self.benchmark.version,
                "source": self.benchmark.source,
                "effective_from": self.benchmark.effective_from.isoformat(),
                "published_on": self.benchmark.published_on.isoformat()
                if self.benchmark.published_on
                else None,
            },
            "circumstances": self.circumstances,
            "circumstances_inferred": self.inferred,
            "level": self.level,
            "level_label": self.level_label,
            "alternatives": self.alternatives,
            "range": {
                "min": amount(self.range_min),
                "max": amount(self.range_max),
                "other": self.other_penalties,
            },
            "grounds": [vars(s) for s in self.grounds],
            "steps": [vars(s) for s in self.steps],
            "warnings": self.warnings,
            "checks": [vars(c) for c in self.checks],
            "flagged": self.flagged,
            "similar": [
                {
                    "number": s.number,
                    "decided_on": s.decided_on.isoformat() if s.decided_on else None,
                    "level": s.level,
                    "fine_amount": amount(s.fine),
                    "circumstances": s.circumstances,
                    "score": round(s.score, 3),
                    "text_score": round(s.text_score, 3),
                    "why": s.why,
                }
                for s in self.similar
            ],
            "similar_note": self.similar_note,
        }


# --- the benchmark --------------------------------------------------------------------------


def violation_date(case: Case) -> tuple[dt.date, str]:
    """DISC/PUB-14: the benchmark in force when the act was committed applies."""
    if case.act_date:
        return case.act_date, _("违法行为发生日期")
    if case.filed_on:
        return case.filed_on, _("未填写违法行为发生日期，暂以立案日期确定适用的裁量基准，请补充")
    return case.opened_at.date(), _("未填写违法行为发生日期，暂以登记日期确定适用的裁量基准，请补充")


def benchmark_problems(benchmark: DiscretionBenchmark) -> list[str]:
    """Gaps and overlaps between the fine ranges of the lighter, standard and heavier tiers
    (a shared end point is normal: 5,000 is both the top of one tier and the floor of the next)."""
    problems = []
    ranged = [
        lv
        for lv in sorted(benchmark.levels.all(), key=lambda lv: TIER_ORDER.index(lv.level))
        if lv.level in (DiscretionLevel.LIGHTER, DiscretionLevel.STANDARD, DiscretionLevel.HEAVIER)
        and lv.min_fine is not None
        and lv.max_fine is not None
    ]
    seen: dict[str, int] = {}
    for lv in benchmark.levels.all():
        seen[lv.level] = seen.get(lv.level, 0) + 1
    for level, n in seen.items():
        if n > 1:
            problems.append(
                _("裁量基准中“%(level)s”阶次重复设置了%(n)s次，已按第一条适用，请管理员核对。")
                % {"level": level_label(level), "n": n}
            )
    for low, high in itertools.pairwise(ranged):
        if high.min_fine > low.max_fine:
            problems.append(
                _(
                    "裁量基准“%(lower)s”（至%(max_fine)s）与“%(upper)s”（自%(min_fine)s）之间存在缺口，缺口内的罚款没有对应阶次，请管理员修订基准。"
                )
                % {
                    "lower": low.get_level_display(),
                    "max_fine": money(low.max_fine),
                    "upper": high.get_level_display(),
                    "min_fine": money(high.min_fine),
                }
            )
        elif high.min_fine < low.max_fine:
            problems.append(
                _(
                    "裁量基准“%(lower)s”（至%(max_fine)s）与“%(upper)s”（自%(min_fine)s）的区间重叠，重叠部分的阶次不确定，请管理员修订基准。"
                )
                % {
                    "lower": low.get_level_display(),
                    "max_fine": money(low.max_fine),
                    "upper": high.get_level_display(),
                    "min_fine": money(high.min_fine),
                }
            )
    return problems


def _tiers(benchmark: DiscretionBenchmark | None) -> dict[str, BenchmarkLevel]:
    tiers: dict[str, BenchmarkLevel] = {}
    if benchmark is not None:
        for lv in benchmark.levels.all():
            tiers.setdefault(lv.level, lv)
    return tiers


def _tier_codes(tiers: dict[str, BenchmarkLevel], level: str) -> set[str]:
    if level in tiers and tiers[level].circumstances:
        return set(tiers[level].circumstances)
    return set(DEFAULT_TIER_CIRCUMSTANCES.get(level, set()))


def statutory_range(case: Case, level: str, on: dt.date) -> tuple[Decimal | None, Decimal | None, str]:
    """Without a benchmark: the statutory range, cut by the DISC-03 bands (unconfirmed defaults)."""
    item = case.item
    low, high = item.min_fine, item.max_fine
    if low is None or high is None:
        return None, None, _("法定罚款幅度未在事项清单中载明")
    lighter = Decimal(str(rules.param("DISC-03.lighter_band_ratio", on=on, agency=case.agency).value))
    heavier = Decimal(str(rules.param("DISC-03.heavier_band_ratio", on=on, agency=case.agency).value))
    span = high - low
    cuts = {
        DiscretionLevel.MITIGATED: (Decimal(0), low, _("在法定最低罚款数额以下")),
        DiscretionLevel.LIGHTER: (low, low + span * lighter, ""),
        DiscretionLevel.STANDARD: (low + span * lighter, high - span * heavier, ""),
        DiscretionLevel.HEAVIER: (high - span * heavier, high, ""),
        DiscretionLevel.NO_PENALTY: (None, None, _("不予行政处罚")),
    }
    a, b, note = cuts[level]
    q = Decimal("0.01")
    return (None if a is None else a.quantize(q)), (None if b is None else b.quantize(q)), note


# --- circumstances --------------------------------------------------------------------------


def infer_circumstances(text: str) -> list[str]:
    found = {code for code, phrases in PHRASES.items() if any(p in (text or "") for p in phrases)}
    # "没有造成危害后果" also contains "危害后果" phrases; keep the stronger reading only
    if "no_harm" in found:
        found.discard("minor_harm")
    return sorted(found)


def _age_grounds(case: Case, on: dt.date, codes: set[str], advice: Advice) -> bool:
    """Art. 30 by the party's birth date. Returns True when the party may not be penalised at all."""
    party = case.party
    age = party.age_on(on) if party is not None else None
    if age is None:
        return False
    floor = rules.param("PEN-24.no_penalty_under_age", on=on)
    lo, hi = rules.param("PEN-24.mandatory_mitigation_age_range", on=on).value
    if age < int(floor.value):
        advice.must_not_penalise = True
        advice.grounds.append(
            Step(
                _("不予处罚（应当）"),
                _(
                    "当事人违法时%(age)s周岁，不满%(floor)s周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教"
                )
                % {"age": age, "floor": floor.value},
                f"{LAW}第三十条（{floor.citation}）",
            )
        )
        return True
    if int(lo) <= age <= int(hi) and "minor_14_17" not in codes:
        codes.add("minor_14_17")
        advice.steps.append(
            Step(
                _("当事人年龄"),
                _(
                    "按出生日期计算，当事人违法时%(age)s周岁，属已满%(lo)s周岁不满%(hi)s周岁，自动计入法定从轻、减轻情节。"
                )
                % {"age": age, "lo": lo, "hi": int(hi) + 1},
            )
        )
    return False


# --- the advice -----------------------------------------------------------------------------


def advise(
    case: Case,
    *,
    circumstances: list[str] | None = None,
    proposal: Proposal | None = None,
    fine: Decimal | None = None,
    declared_level: str | None = None,
    reasons: str | None = None,
    with_similar: bool = True,
) -> Advice:
    """The assistant's advice for `case`. Circumstances: those given, else the proposal's, else
    inferred from the proposal's and the case's text (and marked as inferred)."""
    on, on_note = violation_date(case)
    item = case.item
    benchmark = catalog_services.benchmark_in_force(item, on) if item else None
    if proposal is None and circumstances is None and fine is None:
        proposal = case.current_proposal
    codes, inferred = _circumstances(case, circumstances, proposal)
    advice = Advice(
        case=case, on=on, on_note=on_note, benchmark=benchmark, circumstances=[], inferred=inferred
    )
    advice.steps.append(
        Step(
            _("确定适用日期"),
            _("%(on_note)s：%(on)s。适用该日已公布施行的裁量基准（DISC-01）。")
            % {"on_note": on_note, "on": format(on, "%Y年%m月%d日")},
        )
    )
    if item is None:
        advice.warnings.append(_("本案未关联执法事项，无法查找裁量基准，请先在案件中选择执法事项。"))
        advice.circumstances = sorted(codes)
        return advice
    _explain_benchmark(advice, item, on)
    tiers = _tiers(benchmark)
    statutory_no = _age_grounds(case, on, codes, advice)
    advice.circumstances = sorted(codes)
    if codes:
        how = (
            _("从拟处理意见和案情文字中识别（请承办人核对并在拟处理意见中勾选）")
            if inferred
            else _("承办人录入")
        )
        advice.steps.append(
            Step(_("裁量情节"), _("%(how)s：%(labels)s。") % {"how": how, "labels": _labels(codes)})
        )
    else:
        advice.steps.append(Step(_("裁量情节"), _("未录入任何裁量情节，按不具有从轻、减轻、从重情节处理。")))
    _choose_level(advice, codes, tiers, statutory_no)
    _set_range(advice, case, tiers, on)
    if proposal is not None or fine is not None or declared_level:
        _check(advice, case, tiers, proposal, fine, declared_level, reasons, on)
    if with_similar:
        _similar(advice, case, proposal)
    return advice


def _circumstances(case: Case, given: list[str] | None, proposal: Proposal | None) -> tuple[set[str], bool]:
    valid = set(Circumstance.values)
    if given is not None:
        return {c for c in given if c in valid}, False
    if proposal is not None and proposal.circumstances:
        return {c for c in proposal.circumstances if c in valid}, False
    text = case.facts or ""
    if proposal is not None:
        text = "\n".join([text, proposal.summary, proposal.reasons_discretion])
    found = set(infer_circumstances(text))
    return found, bool(found)


def _explain_benchmark(advice: Advice, item, on: dt.date) -> None:
    benchmark = advice.benchmark
    if benchmark is None:
        unpublished = item.benchmarks.filter(effective_from__lte=on).exclude(effective_to__lt=on).first()
        why = (
            _("该事项有裁量基准（第%(version)s版），但在%(on)s尚未公布，未公布的基准不得作为依据（DISC-01）")
            % {"version": unpublished.version, "on": format(on, "%Y-%m-%d")}
            if unpublished
            else _("该事项在%(on)s没有施行中的裁量基准") % {"on": format(on, "%Y-%m-%d")}
        )
        advice.warnings.append(
            _("%(why)s。以下区间按法定罚款幅度和DISC-03参考比例划分，仅供参考。") % {"why": why}
        )
        advice.steps.append(Step(_("裁量基准"), f"{why}。", "DISC-01"))
        return
    advice.steps.append(
        Step(
            _("裁量基准"),
            _("适用《%(source)s》第%(version)s版（%(effective_from)s起施行，%(published_on)s公布）。")
            % {
                "source": benchmark.source,
                "version": benchmark.version,
                "effective_from": format(benchmark.effective_from, "%Y-%m-%d"),
                "published_on": format(benchmark.published_on, "%Y-%m-%d"),
            },
            "DISC-01、DISC-02",
        )
    )
    advice.warnings.extend(benchmark_problems(benchmark))


def _choose_level(
    advice: Advice, codes: set[str], tiers: dict[str, BenchmarkLevel], statutory_no: bool
) -> None:
    must_not = [(t, a) for need, t, a in MUST_NOT if need <= codes]
    may_not = [(t, a) for need, t, a in MAY_NOT if need <= codes]
    mitigating = [(t, a) for need, t, a in MUST_MITIGATE if need <= codes]
    heavier = codes & _tier_codes(tiers, DiscretionLevel.HEAVIER)
    lighter = codes & _tier_codes(tiers, DiscretionLevel.LIGHTER)
    for text, article in must_not:
        advice.must_not_penalise = True
        advice.grounds.append(Step(_("不予处罚（应当）"), text, f"{LAW}{article}（PEN-24）"))
    for text, article in may_not:
        advice.grounds.append(Step(_("可以不予处罚"), text, f"{LAW}{article}（PEN-24）"))
    for text, article in mitigating:
        advice.grounds.append(Step(_("应当从轻或者减轻"), text, f"{LAW}{article}（PEN-25）"))
    if statutory_no or must_not:
        advice.level = DiscretionLevel.NO_PENALTY
        advice.steps.append(
            Step(
                _("确定阶次"),
                _("具有法定应当不予处罚的情形，建议不予行政处罚，并对当事人进行教育（PEN-24）。"),
                "PEN-24",
            )
        )
        return
    if may_not:
        advice.level = DiscretionLevel.NO_PENALTY
        advice.alternatives = [DiscretionLevel.LIGHTER]
        advice.steps.append(
            Step(
                _("确定阶次"),
                _(
                    "符合首违不罚的条件，建议不予行政处罚并教育当事人；如不适用首违不罚，应在“从轻处罚”阶次内裁量并说明理由。"
                ),
                "PEN-24",
            )
        )
        return
    if mitigating:
        if heavier:
            advice.level = DiscretionLevel.LIGHTER
            advice.steps.append(
                Step(
                    _("确定阶次"),
                    _(
                        "具有法定应当从轻或者减轻的情节，同时具有从重情节（%(heavier)s）：法定从轻、减轻情节必须适用，不得从重，建议“从轻处罚”阶次。"
                    )
                    % {"heavier": _labels(heavier)},
                    "PEN-25",
                )
            )
        else:
            advice.level = (
                DiscretionLevel.MITIGATED
                if DiscretionLevel.MITIGATED in tiers or not tiers
                else DiscretionLevel.LIGHTER
            )
            advice.alternatives = (
                [DiscretionLevel.LIGHTER] if advice.level == DiscretionLevel.MITIGATED else []
            )
            advice.steps.append(
                Step(
                    _("确定阶次"),
                    _(
                        "具有法定应当从轻或者减轻的情节，建议“%(level)s”阶次；减轻处罚（低于法定最低限）须严格审查并说明理由，也可在“从轻处罚”阶次内处理（DISC-02）。"
                    )
                    % {"level": level_label(advice.level)},
                    "PEN-25、DISC-02",
                )
            )
        return
    if heavier and lighter:
        advice.level = DiscretionLevel.STANDARD
        advice.steps.append(
            Step(
                _("确定阶次"),
                _(
                    "从重情节（%(heavier)s）与从轻情节（%(lighter)s）并存，综合考量后建议“一般处罚”阶次，请在裁量理由中说明取舍。"
                )
                % {"heavier": _labels(heavier), "lighter": _labels(lighter)},
                "DISC-02",
            )
        )
    elif heavier:
        advice.level = DiscretionLevel.HEAVIER
        advice.steps.append(
            Step(
                _("确定阶次"),
                _("具有从重情节（%(heavier)s），符合基准“从重处罚”阶次的适用情形。")
                % {"heavier": _labels(heavier)},
                "DISC-02",
            )
        )
    elif lighter:
        advice.level = DiscretionLevel.LIGHTER
        advice.steps.append(
            Step(
                _("确定阶次"),
                _("具有从轻情节（%(lighter)s），符合基准“从轻处罚”阶次的适用情形。")
                % {"lighter": _labels(lighter)},
                "DISC-02",
            )
        )
    else:
        advice.level = DiscretionLevel.STANDARD
        advice.steps.append(
            Step(_("确定阶次"), _("不具有从轻、减轻、从重情节，适用“一般处罚”阶次。"), "DISC-02")
        )


def _set_range(advice: Advice, case: Case, tiers: dict[str, BenchmarkLevel], on: dt.date) -> None:
    level = advice.level
    if level is None:
        return
    tier = tiers.get(level)
    if tier is not None:
        advice.range_min, advice.range_max = tier.min_fine, tier.max_fine
        advice.other_penalties, advice.tier_conditions = tier.other_penalties, tier.conditions
        advice.steps.append(
            Step(
                _("确定区间"),
                _("基准“%(level)s”阶次：适用情形为“%(conditions)s”；处罚幅度%(range_text)s。")
                % {
                    "level": tier.get_level_display(),
                    "conditions": tier.conditions,
                    "range_text": advice.range_text,
                },
                f"《{advice.benchmark.source}》",
            )
        )
        return
    if advice.benchmark is not None:
        advice.warnings.append(
            _("现行裁量基准未设置“%(level)s”阶次，以下区间按法定幅度参考划分。")
            % {"level": level_label(level)}
        )
    low, high, note = statutory_range(case, level, on)
    advice.range_min, advice.range_max, advice.other_penalties = low, high, note
    advice.steps.append(
        Step(
            _("确定区间"),
            _("按法定罚款幅度（%(min_fine)s至%(max_fine)s）参考划分：%(range_text)s。")
            % {
                "min_fine": money(case.item.min_fine),
                "max_fine": money(case.item.max_fine),
                "range_text": advice.range_text,
            },
            _("DISC-03（未经确认的默认比例）"),
        )
    )


# --- checking a proposal --------------------------------------------------------------------


def _in_range(fine: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or fine >= low) and (high is None or fine <= high)


def _check(advice, case, tiers, proposal, fine, declared, reasons, on) -> None:
    if proposal is not None:
        fine = proposal.fine_amount if fine is None else fine
        declared = declared or proposal.discretion_level
        reasons = proposal.reasons_discretion if reasons is None else reasons
        if proposal.outcome != "penalty":
            fine = None
    fine = None if fine in (None, "") else Decimal(str(fine))
    has_reasons = bool((reasons or "").strip())
    checks = advice.checks
    if declared and advice.level and declared != advice.level and declared not in advice.alternatives:
        checks.append(
            Check(
                "level_differs",
                (
                    _(
                        "拟定阶次“%(declared)s”与辅助建议“%(level_label)s”不一致，已说明裁量理由，请审核人核对。"
                    )
                    % {"declared": level_label(declared), "level_label": advice.level_label}
                    if has_reasons
                    else _("拟定阶次“%(declared)s”与辅助建议“%(level_label)s”不一致，且未说明裁量理由。")
                    % {"declared": level_label(declared), "level_label": advice.level_label}
                ),
                "warn" if has_reasons else "bad",
                outside=True,
            )
        )
    level = declared or advice.level
    codes = set(advice.circumstances)
    if advice.must_not_penalise and fine is not None:
        checks.append(
            Check(
                "must_not_penalise",
                _("具有法定应当不予处罚的情形，却拟给予罚款（PEN-24）。"),
                "bad",
                outside=True,
            )
        )
    if any(need <= codes for need, _t, _a in MUST_MITIGATE) and declared in (
        DiscretionLevel.STANDARD,
        DiscretionLevel.HEAVIER,
    ):
        checks.append(
            Check(
                "must_mitigate",
                _("具有法定应当从轻或者减轻的情节，拟定阶次却为“%(declared)s”（PEN-25）。")
                % {"declared": level_label(declared)},
                "bad",
                outside=True,
            )
        )
    if fine is not None and level:
        tier = tiers.get(level)
        low, high = (
            (tier.min_fine, tier.max_fine) if tier is not None else statutory_range(case, level, on)[:2]
        )
        if (low is not None or high is not None) and not _in_range(fine, low, high):
            checks.append(
                Check(
                    "outside_range",
                    (
                        _(
                            "拟罚款%(fine)s超出“%(level)s”阶次区间（%(low)s至%(high)s），已说明理由，请审核人重点审查。"
                        )
                        % {
                            "fine": money(fine),
                            "level": level_label(level),
                            "low": money(low),
                            "high": money(high),
                        }
                        if has_reasons
                        else _(
                            "拟罚款%(fine)s超出“%(level)s”阶次区间（%(low)s至%(high)s），须在裁量理由中说明。"
                        )
                        % {
                            "fine": money(fine),
                            "level": level_label(level),
                            "low": money(low),
                            "high": money(high),
                        }
                    ),
                    "warn" if has_reasons else "bad",
                    outside=True,
                )
            )
        item = case.item
        if item.max_fine is not None and fine > item.max_fine:
            checks.append(
                Check(
                    "above_statutory",
                    _("拟罚款%(fine)s超过法定最高罚款%(max_fine)s。")
                    % {"fine": money(fine), "max_fine": money(item.max_fine)},
                    "bad",
                    outside=True,
                )
            )
        if item.min_fine is not None and fine < item.min_fine and level != DiscretionLevel.MITIGATED:
            checks.append(
                Check(
                    "below_statutory",
                    _(
                        "拟罚款%(fine)s低于法定最低罚款%(min_fine)s，只有减轻处罚才可低于法定最低限（PEN-25）。"
                    )
                    % {"fine": money(fine), "min_fine": money(item.min_fine)},
                    "bad",
                    outside=True,
                )
            )
    if fine is not None:
        _double_fine(advice, case)


def _double_fine(advice: Advice, case: Case) -> None:
    """PEN-26 (Art. 29): one act, one fine — another fine decided for the same party, item and act date."""
    if case.party_id is None or case.act_date is None:
        return
    others = Case.objects.filter(
        party=case.party_id,
        item=case.item_id,
        act_date=case.act_date,
        fine_amount__isnull=False,
        decided_on__isnull=False,
    ).exclude(pk=case.pk)
    numbers = list(others.values_list("number", flat=True)[:5])
    if numbers:
        advice.checks.append(
            Check(
                "double_fine",
                _(
                    "同一当事人同一事项同一日期的违法行为已在%(numbers)s中被处以罚款：对当事人的同一个违法行为，不得给予两次以上罚款（行政处罚法第二十九条，PEN-26），请核实是否为同一违法行为。"
                )
                % {"numbers": "、".join(numbers)},
                "bad",
                outside=True,
            )
        )


# --- similar past decisions -----------------------------------------------------------------


def _text_of(case: Case, proposal: Proposal | None) -> str:
    parts = [case.title, case.facts]
    if proposal is not None:
        parts += [proposal.summary, proposal.reasons_discretion]
    return "\n".join(p for p in parts if p)


def _similar(advice: Advice, case: Case, proposal: Proposal | None) -> None:
    past = list(
        Case.objects.filter(item=case.item_id, decided_on__isnull=False)
        .exclude(pk=case.pk)
        .order_by("-decided_on", "-pk")[:SIMILAR_CANDIDATES]
    )
    if not past:
        advice.similar_note = _("该事项尚无已作出的决定，暂无类案可供参考。")
        return
    proposals = {
        p.case_id: p
        for p in Proposal.objects.filter(case__in=past, superseded=False).order_by("case_id", "version")
    }
    scores = textsim.rank(_text_of(case, proposal), [_text_of(c, proposals.get(c.pk)) for c in past])
    mine = set(advice.circumstances)
    fine = proposal.fine_amount if proposal is not None else None
    ranked = []
    for other, text_score in zip(past, scores, strict=True):
        p = proposals.get(other.pk)
        theirs = set(p.circumstances or []) if p else set()
        if p is not None and not theirs:
            theirs = set(infer_circumstances(p.reasons_discretion))
        level = p.discretion_level if p else ""
        structured, why = 0.0, []
        overlap = textsim.jaccard(mine, theirs)
        structured += 0.5 * overlap
        if mine & theirs:
            why.append(_("共同情节：%(labels)s") % {"labels": _labels(mine & theirs)})
        if level and level == advice.level:
            structured += 0.3
            why.append(_("同为“%(level)s”阶次") % {"level": level_label(level)})
        if fine and other.fine_amount:
            ratio = (
                abs(math.log(float(fine) / float(other.fine_amount)))
                if other.fine_amount > 0 and fine > 0
                else 9
            )
            structured += 0.2 * max(0.0, 1 - ratio / math.log(10))
        why.append(_("文字相似度%(text_score)s") % {"text_score": format(text_score, ".2f")})
        ranked.append(
            Similar(
                number=other.number,
                decided_on=other.decided_on,
                level=level,
                fine=other.fine_amount,
                circumstances=sorted(theirs),
                summary=(p.summary if p else other.title)[:160],
                score=0.5 * text_score + 0.5 * structured,
                text_score=text_score,
                why=why,
            )
        )
    ranked.sort(key=lambda s: (-s.score, s.number))
    advice.similar = ranked[:SIMILAR_SHOWN]
    advice.similar_note = _(
        "在本事项最近%(past)s件已决定案件中，按文字相似度与情节、阶次、罚款的结构相似度综合排序。"
    ) % {"past": len(past)}


# --- the guard on proposals -----------------------------------------------------------------


def reasons_for_outside_range(ctx) -> None:
    """A penalty proposal outside the range of its tier of the published benchmark, or in another
    tier than the circumstances point to, needs reasons (裁量理由); the reviewer then sees it
    flagged. Statutory contradictions (PEN-24/25/26, fines beyond the statutory limits) are flagged
    to the reviewer, not refused here: the legal review is where they are judged."""
    from sanxiang.core.errors import InvalidInput

    data = ctx.data
    if data.get("outcome") != "penalty" or ctx.case.item_id is None:
        return
    if (data.get("reasons_discretion") or "").strip():
        return
    advice = advise(
        ctx.case,
        circumstances=list(data.get("circumstances") or []),
        fine=data.get("fine_amount"),
        declared_level=data.get("discretion_level") or None,
        reasons="",
        with_similar=False,
    )
    if advice.benchmark is None:
        return  # without a published benchmark the ranges are only a reference (DISC-01)
    outside = [c for c in advice.checks if c.code in ("outside_range", "level_differs")]
    if outside:
        raise InvalidInput(
            "insight.discretion.reasons_required",
            "；".join(c.message for c in outside) + _("请填写裁量理由。"),
            field="reasons_discretion",
        )
