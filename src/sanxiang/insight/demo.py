"""Insight in the demo: one decision that stands out in its comparable group (同案不同罚).

The demo's fines are drawn inside their tier, so no group has an outlier by chance. Once a group
(same item, level and circumstances) has at least three decided fines, the next standard case of
that group that will be decided has its proposal revised by its handler to a fine well above (or,
where the statutory maximum leaves no room, well below) the group's — with the tier and the
reasons left unchanged, the way such outliers arise. The
assistant then flags it on the case and review pages, and the outlier page explains it.
Every other proposal already explains itself: the assistant reads its circumstances from the
reasons the demo writes (marked "从文字识别").
"""

from __future__ import annotations

import logging
import statistics
from decimal import ROUND_HALF_UP, Decimal

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case
from sanxiang.insight import outliers
from sanxiang.insight.discretion import infer_circumstances

log = logging.getLogger(__name__)
DECIDED_TARGETS = ("decided", "served", "executed", "closed")
VARIANTS = ("standard", "major")
_done: set[int] = set()  # id(cast) of the loads that already have their outlier


def register(hooks) -> None:
    hooks.after("propose", procedure="penalty.general")(_maybe_outlier)


def _peers(case: Case, level: str, codes: tuple[str, ...]) -> list[Decimal]:
    decided = Case.objects.filter(
        item__name=case.item.name, decided_on__isnull=False, fine_amount__gt=0, category=case.category
    ).exclude(pk=case.pk)
    members = outliers.members_of(decided)
    return [m.fine for m in members if m.level == level and m.circumstances == codes]


def _stands_out(fines: list[Decimal], fine: Decimal, settings: outliers.Settings) -> bool:
    values = [*fines, fine]
    q1, q3 = outliers._quartiles(values)
    spread = (q3 - q1) * settings.iqr_factor
    median = Decimal(str(statistics.median(values)))
    outside = fine > q3 + spread or fine < q1 - spread
    return outside and abs(fine - median) / median >= settings.min_deviation


def _round(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100


def _odd_fine(case: Case, fines: list[Decimal]) -> Decimal | None:
    """Well above the group if the statutory maximum allows, else well below it (not under the
    statutory minimum)."""
    settings = outliers.Settings.current()
    high, low = _round(max(fines) * Decimal("2.5")), _round(min(fines) / 3)
    if case.item.max_fine is not None:
        high = min(high, case.item.max_fine)
    if case.item.min_fine is not None:
        low = max(low, case.item.min_fine)
    for fine in (high, low):
        if fine > 0 and _stands_out(fines, fine, settings):
            return fine
    return None


def _maybe_outlier(case: Case, transition: str, cast) -> None:
    plan = cast.plan_of(case) if cast is not None else None
    if (
        id(cast) in _done
        or plan is None
        or plan.variant not in VARIANTS
        or plan.target not in DECIDED_TARGETS
    ):
        return
    proposal = case.current_proposal
    if proposal is None or not proposal.fine_amount or not proposal.discretion_level or case.item is None:
        return
    codes = tuple(infer_circumstances(proposal.reasons_discretion))
    fines = _peers(case, proposal.discretion_level, codes)
    if len(fines) < 3:
        return
    fine = _odd_fine(case, fines)
    if fine is None:
        return
    data = dict(plan.proposal or {})
    data.update(
        fine_amount=str(fine),
        summary=proposal.summary.split("，罚款")[0] + f"，罚款人民币{fine:,.0f}元。",
    )
    case_services.transition(case, "revise_proposal", actor=plan.lead, data=data)
    _done.add(id(cast))
    log.info("demo: %s revised to a fine of %s, an outlier of its comparable group", case.number, fine)
