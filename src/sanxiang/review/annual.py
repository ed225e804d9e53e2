"""The annual statistics report's section on legal review (PUB-11: 法制审核及结果), registered in
`core.reports` so that publicity's report shows real figures without importing review."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.core import reports
from sanxiang.review.choices import Outcome
from sanxiang.review.models import Review

OUTCOMES = (Outcome.AGREE, Outcome.AMEND, Outcome.RETURN, Outcome.DISAGREE)


def reviews(year: int, agencies) -> dict[str, Any]:
    """Opinions given in the year per agency and outcome, and how many reviews passed."""
    per: dict[int, Counter] = defaultdict(Counter)
    for agency_id, outcome, passed in Review.objects.filter(
        case__agency__in=agencies, concluded_at__year=year
    ).values_list("case__agency_id", "outcome", "passed"):
        per[agency_id][outcome] += 1
        per[agency_id]["total"] += 1
        per[agency_id]["passed"] += bool(passed)
    rows = [
        [a.name, per[a.pk]["total"], *(per[a.pk][o] for o in OUTCOMES), per[a.pk]["passed"]] for a in agencies
    ]
    return {
        "columns": [_("执法主体"), _("出具审核意见"), *(str(o.label) for o in OUTCOMES), _("审核通过")],
        "rows": rows,
        "total": [_("合计"), *(sum(r[i] for r in rows) for i in range(1, len(OUTCOMES) + 3))],
    }


def register() -> None:
    reports.register_section("annual", "reviews", N_("重大执法决定法制审核及结果"), reviews, order=40)
