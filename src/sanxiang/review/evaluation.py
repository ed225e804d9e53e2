"""Evaluating an agency's review catalog (目录清单) against a proposed decision (rules.md REV-05).

Pure reading: `facts_of` gathers what the catalog looks at, `evaluate` picks the catalog version in
force on the date and says which criteria match and why. Amount thresholds include the boundary
("以上", 民法典 Art. 1259). Flags set on the case are statutory triggers (行政处罚法 Art. 58) and
match even where the catalog does not list them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from typing import Any

from sanxiang.catalog.choices import Category, PartyKind, PenaltyType
from sanxiang.catalog.models import CriterionKind, ReviewCatalog, ReviewCriterion
from sanxiang.catalog.services import review_catalog_in_force
from sanxiang.review.choices import DISCUSSION_FLAGS, FLAG_SOURCES, Flag


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


@dataclass(frozen=True)
class Facts:
    """What the catalog looks at: the proposed decision and the case's circumstances."""

    category: str
    procedure: str
    outcome: str = ""
    penalty_types: frozenset[str] = frozenset()
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    party_kind: str | None = None
    hearing_held: bool = False
    property_value: Decimal | None = None
    flags: frozenset[str] = frozenset()


def facts_of(case, proposal=None, data: Mapping[str, Any] | None = None, flags: Iterable[str] | None = None):
    """Facts of `case` with its proposal — or, where the decision carries its own inputs (an
    on-the-spot decision, an enforcement decision), with the inputs `data` of that transition."""
    if flags is None:
        flags = case.review_flags.values_list("code", flat=True) if case.pk else ()
    party = (proposal.party if proposal is not None and proposal.party_id else None) or case.party
    base = {
        "category": case.category,
        "procedure": case.procedure,
        "party_kind": party.kind if party is not None else None,
        "hearing_held": bool(case.attributes.get("hearing_held_on")),
        "property_value": _money(case.attributes.get("estimated_value")),
        "flags": frozenset(flags),
    }
    if proposal is not None:
        return Facts(
            outcome=proposal.outcome,
            penalty_types=frozenset(proposal.penalty_types or ()),
            fine=_money(proposal.fine_amount),
            confiscation=_money(proposal.confiscation_amount),
            **base,
        )
    data = data or {}
    return Facts(
        outcome=str(data.get("outcome") or data.get("method") or data.get("measure") or ""),
        penalty_types=frozenset(data.get("penalty_types") or ()),
        fine=_money(data.get("fine_amount")),
        confiscation=_money(data.get("confiscation_amount")),
        **base,
    )


@dataclass(frozen=True)
class Match:
    """One criterion that makes the decision major, with the reason in words."""

    code: str
    kind: str
    description: str
    why: str
    source: str
    requires_discussion: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "description": self.description,
            "why": self.why,
            "source": self.source,
            "requires_discussion": self.requires_discussion,
        }


@dataclass
class Result:
    on: dt.date
    catalog: ReviewCatalog | None
    matches: list[Match] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return bool(self.matches)

    @property
    def discussion_required(self) -> bool:
        return any(m.requires_discussion for m in self.matches)

    def summary(self) -> str:
        return "；".join(f"{m.description}（{m.why}）" for m in self.matches)


def _party_label(kind: str) -> str:
    return str(PartyKind(kind).label) if kind else "当事人"


def _amount_rule(criterion: ReviewCriterion, value: Decimal | None, what: str, facts: Facts) -> str | None:
    if value is None or criterion.amount is None:
        return None
    if criterion.party_kind and criterion.party_kind != facts.party_kind:
        return None
    if value < criterion.amount:
        return None
    who = _party_label(criterion.party_kind)
    return f"拟{what}{yuan(value)}，达到对{who}{yuan(criterion.amount)}以上的标准"


def _labels(enum, codes: Iterable[str]) -> str:
    known = dict(enum.choices)
    return "、".join(str(known.get(c, c)) for c in sorted(codes))


def why(criterion: ReviewCriterion, facts: Facts) -> str | None:
    """Why `criterion` matches `facts`, or None when it does not."""
    if criterion.categories and facts.category not in criterion.categories:
        return None
    kind, values = criterion.kind, set(criterion.values or ())
    if kind == CriterionKind.FINE_AT_LEAST:
        return _amount_rule(criterion, facts.fine, "罚款", facts)
    if kind == CriterionKind.CONFISCATION_AT_LEAST:
        return _amount_rule(criterion, facts.confiscation, "没收违法所得、非法财物", facts)
    if kind == CriterionKind.PENALTY_TYPE:
        hit = values & facts.penalty_types
        return f"拟给予{_labels(PenaltyType, hit)}" if hit else None
    if kind == CriterionKind.HEARING_HELD:
        return "本案经过听证程序" if facts.hearing_held else None
    if kind == CriterionKind.MAJOR_PROPERTY_COERCION:
        value, threshold = facts.property_value, criterion.amount
        if value is None or threshold is None or value < threshold:
            return None
        return f"查封、扣押财物估值{yuan(value)}，达到{yuan(threshold)}以上的标准"
    if kind == CriterionKind.CATEGORY_OUTCOME:
        key = f"{facts.category}:{facts.outcome}"
        if any(fnmatchcase(key, pattern) for pattern in values):
            return f"{Category(facts.category).label}：拟作出“{facts.outcome}”决定"
        return None
    if kind == CriterionKind.FLAG:
        hit = values & facts.flags
        return f"已标记“{_labels(Flag, hit)}”" if hit else None
    return None


def match_catalog(catalog: ReviewCatalog | None, facts: Facts) -> list[Match]:
    matches: list[Match] = []
    covered: set[str] = set()
    criteria = list(catalog.criteria.all()) if catalog is not None else []
    for criterion in criteria:
        reason = why(criterion, facts)
        if reason is None:
            continue
        flagged = set(criterion.values or ()) & facts.flags if criterion.kind == CriterionKind.FLAG else set()
        covered |= flagged
        matches.append(
            Match(
                code=criterion.code,
                kind=criterion.kind,
                description=criterion.description,
                why=reason,
                source=criterion.source or (catalog.source if catalog else ""),
                requires_discussion=criterion.requires_discussion or bool(flagged & DISCUSSION_FLAGS),
            )
        )
    for code in sorted(facts.flags - covered):
        flag = Flag(code)
        matches.append(
            Match(
                code=f"flag:{code}",
                kind=CriterionKind.FLAG,
                description=str(flag.label),
                why=f"已标记“{flag.label}”",
                source=FLAG_SOURCES[flag],
                requires_discussion=flag in DISCUSSION_FLAGS,
            )
        )
    return matches


def evaluate(case, facts: Facts, on: dt.date) -> Result:
    """The catalog of the case's agency in force on `on`, matched against `facts`."""
    catalog = review_catalog_in_force(case.agency, on)
    return Result(on=on, catalog=catalog, matches=match_catalog(catalog, facts))
