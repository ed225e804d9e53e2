"""同案不同罚 (X5): comparable-case groups and the decisions that stand out in them.

A comparable group is the decided penalty cases of the same enforcement item (by name and statutory
penalty basis, so the same power of two agencies compares), the same discretion level (阶次) and
the same circumstances (情节). Within a group, a fine is an outlier when it lies outside the
interquartile fences and also deviates from the median by a share at least the configured one
(rule parameters SX-X5-01: statistical, not legal numbers). Groups smaller than the configured
size are marked statistically weak (样本不足，仅供参考); groups of two cannot say which differs.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, Proposal
from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category
from sanxiang.catalog.models import EnforcementItem
from sanxiang.insight.discretion import infer_circumstances, label, level_label


@dataclass
class Member:
    case: Case
    fine: Decimal
    level: str
    circumstances: tuple[str, ...]
    inferred: bool
    officers: list[str]
    penalty_types: tuple[str, ...]
    has_reasons: bool


@dataclass
class Outlier:
    member: Member
    ratio: float  # fine / median
    direction: str  # high | low
    explanation: list[str]


@dataclass
class Group:
    item_name: str
    level: str
    circumstances: tuple[str, ...]
    members: list[Member]
    weak: bool = False
    median: Decimal = Decimal(0)
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    fences: tuple[Decimal, Decimal] | None = None
    outliers: list[Outlier] = field(default_factory=list)
    note: str = ""

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def spread(self) -> str:
        return f"{self.high / self.low:.1f}" if self.low > 0 else "—"

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def circumstance_labels(self) -> str:
        return "、".join(label(c) for c in self.circumstances) or _("未录入情节")

    @property
    def agencies(self) -> list[tuple[str, int, Decimal]]:
        by: dict[str, list[Decimal]] = defaultdict(list)
        for m in self.members:
            by[m.case.agency.name].append(m.fine)
        return sorted(((name, len(f), statistics.median(f)) for name, f in by.items()), key=lambda r: r[0])

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item_name,
            "level": self.level,
            "level_label": self.level_label,
            "circumstances": list(self.circumstances),
            "size": self.size,
            "statistically_weak": self.weak,
            "median": f"{self.median:.2f}",
            "min": f"{self.low:.2f}",
            "max": f"{self.high:.2f}",
            "note": self.note,
            "agencies": [{"agency": a, "cases": n, "median": f"{m:.2f}"} for a, n, m in self.agencies],
            "cases": [m.case.number for m in self.members],
            "outliers": [
                {
                    "case": o.member.case.number,
                    "agency": o.member.case.agency.name,
                    "fine_amount": f"{o.member.fine:.2f}",
                    "ratio_to_median": round(o.ratio, 2),
                    "direction": o.direction,
                    "explanation": o.explanation,
                }
                for o in self.outliers
            ],
        }


@dataclass
class Settings:
    min_group_size: int
    iqr_factor: Decimal
    min_deviation: Decimal
    citation: str

    @classmethod
    def current(cls, on: dt.date | None = None) -> Settings:
        size = rules.param("SX-X5-01.min_group_size", on=on)
        return cls(
            int(size.value),
            Decimal(str(rules.param("SX-X5-01.iqr_factor", on=on).value)),
            Decimal(str(rules.param("SX-X5-01.min_deviation", on=on).value)),
            size.citation,
        )


def decided_penalties(cases, date_from: dt.date, date_to: dt.date):
    return (
        cases.filter(
            category=Category.PENALTY,
            decided_on__gte=date_from,
            decided_on__lte=date_to,
            item__isnull=False,
            fine_amount__gt=0,
        )
        .select_related("agency", "item", "party")
        .prefetch_related("handlers")
    )


def _item_keys(item_ids: set[int]) -> dict[int, tuple]:
    basis: dict[int, list[int]] = defaultdict(list)
    through = EnforcementItem.penalty_basis.through.objects.filter(enforcementitem_id__in=item_ids)
    for row in through.values("enforcementitem_id", "article_id"):
        basis[row["enforcementitem_id"]].append(row["article_id"])
    names = dict(EnforcementItem.objects.filter(pk__in=item_ids).values_list("pk", "name"))
    return {pk: (names[pk], tuple(sorted(basis.get(pk, [])))) for pk in item_ids}


def members_of(cases) -> list[Member]:
    cases = list(cases)
    proposals = {
        p.case_id: p for p in Proposal.objects.filter(case__in=[c.pk for c in cases], superseded=False)
    }
    members = []
    for case in cases:
        p = proposals.get(case.pk)
        codes = tuple(sorted(p.circumstances)) if p and p.circumstances else ()
        inferred = False
        if p is not None and not codes:
            codes, inferred = tuple(infer_circumstances(p.reasons_discretion)), True
        members.append(
            Member(
                case=case,
                fine=Decimal(case.fine_amount),
                level=(p.discretion_level if p else "") or "",
                circumstances=codes,
                inferred=inferred,
                officers=sorted(u.display_name for u in case.handlers.all()),
                penalty_types=tuple(sorted(p.penalty_types)) if p else (),
                has_reasons=bool(p and p.reasons_discretion.strip()),
            )
        )
    return members


def _quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    q = statistics.quantiles(values, n=4, method="inclusive")
    return Decimal(str(q[0])), Decimal(str(q[2]))


def detect(cases, date_from: dt.date, date_to: dt.date, settings: Settings | None = None) -> list[Group]:
    """Comparable groups of ≥2 decided fines in the period among `cases` (already scoped), with
    their outliers; groups with outliers first, then by spread."""
    settings = settings or Settings.current(date_to)
    members = members_of(decided_penalties(cases, date_from, date_to))
    keys = _item_keys({m.case.item_id for m in members})
    buckets: dict[tuple, list[Member]] = defaultdict(list)
    for m in members:
        buckets[(keys[m.case.item_id], m.level, m.circumstances)].append(m)
    groups = []
    for ((name, _basis), level, circumstances), group_members in buckets.items():
        if len(group_members) < 2:
            continue
        group = Group(name, level, circumstances, sorted(group_members, key=lambda m: m.case.number))
        _measure(group, settings)
        groups.append(group)
    groups.sort(key=lambda g: (not g.outliers, -(float(g.high / g.low) if g.low else 0), g.item_name))
    return groups


def _measure(group: Group, settings: Settings) -> None:
    fines = [m.fine for m in group.members]
    group.median = Decimal(str(statistics.median(fines)))
    group.low, group.high = min(fines), max(fines)
    group.weak = group.size < settings.min_group_size
    if group.size < 3:
        group.note = _("仅两件案件，无法判断哪一件偏离，仅列示差异。")
        return
    q1, q3 = _quartiles(fines)
    spread = (q3 - q1) * settings.iqr_factor
    group.fences = (q1 - spread, q3 + spread)
    if group.weak:
        group.note = _("组内仅%(size)s件，少于%(min_group_size)s件，统计意义有限，仅供参考。") % {
            "size": group.size,
            "min_group_size": settings.min_group_size,
        }
    for m in group.members:
        if group.median <= 0:
            continue
        deviation = abs(m.fine - group.median) / group.median
        outside = m.fine < group.fences[0] or m.fine > group.fences[1]
        if outside and deviation >= settings.min_deviation:
            group.outliers.append(
                Outlier(
                    m,
                    float(m.fine / group.median),
                    "high" if m.fine > group.median else "low",
                    explain(m, group),
                )
            )


def explain(member: Member, group: Group) -> list[str]:
    """What differs between this decision and the rest of its group."""
    others = [m for m in group.members if m is not member]
    ratio = member.fine / group.median
    lines = [
        _("罚款%(fine)s元，为组内中位数%(median)s元的%(ratio)s倍（组内%(size)s件，%(low)s至%(high)s元）。")
        % {
            "fine": format(member.fine, ",.2f"),
            "median": format(group.median, ",.2f"),
            "ratio": format(ratio, ".2f"),
            "size": group.size,
            "low": format(group.low, ",.2f"),
            "high": format(group.high, ",.2f"),
        }
    ]
    other_agencies = Counter(m.case.agency.name for m in others)
    if member.case.agency.name not in other_agencies:
        lines.append(
            _("执法主体不同：本案为%(agency)s，组内其他案件为%(others)s。")
            % {"agency": member.case.agency.name, "others": "、".join(other_agencies)}
        )
    other_officers = {o for m in others for o in m.officers}
    if member.officers and not set(member.officers) & other_officers:
        lines.append(
            _("承办人不同：本案由%(officers)s承办，组内其他案件的承办人均不是他们。")
            % {"officers": "、".join(member.officers)}
        )
    usual_types = Counter(m.penalty_types for m in others).most_common(1)
    if usual_types and member.penalty_types != usual_types[0][0]:
        lines.append(
            _("处罚种类不同：本案为%(this)s，组内多数为%(usual)s。")
            % {"this": _types(member.penalty_types), "usual": _types(usual_types[0][0])}
        )
    kinds = Counter(m.case.party.kind for m in others if m.case.party_id)
    if member.case.party_id and kinds and member.case.party.kind not in kinds:
        lines.append(_("当事人类型不同：本案为%(kind)s。") % {"kind": member.case.party.get_kind_display()})
    if not member.has_reasons:
        lines.append(_("本案未说明裁量理由。"))
    if len(lines) == 1:
        lines.append(_("阶次、情节、事项相同，未发现可解释差异的其他因素，建议复核裁量理由。"))
    if member.inferred or any(m.inferred for m in others):
        lines.append(_("情节系从裁量理由文字中识别，请核对后再下结论。"))
    return lines


def _types(types: tuple[str, ...]) -> str:
    from sanxiang.catalog.choices import PenaltyType

    return "、".join(str(PenaltyType(t).label) for t in types if t in PenaltyType.values) or "—"
