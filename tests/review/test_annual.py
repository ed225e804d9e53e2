"""The annual statistics report shows real review figures (PUB-11), not the placeholder."""

import pytest

from sanxiang.publicity import annual
from tests.review.helpers import ReviewWorld

pytestmark = pytest.mark.django_db


def test_annual_report_counts_opinions_by_outcome_and_passes():
    rw = ReviewWorld()
    rw.pass_review(rw.major_case())
    rw.major_case(fine="80000")  # proposed, never submitted: not counted
    data = annual.build(2026, [rw.agency])
    section = next(s for s in data["sections"] if s["key"] == "reviews")
    assert section["available"] is True
    assert section["columns"][1:] == [
        "出具审核意见",
        "同意",
        "建议修改",
        "退回补充材料",
        "不同意",
        "审核通过",
    ]
    assert section["rows"] == [[rw.agency.name, 1, 1, 0, 0, 0, 1]]
    assert section["total"] == ["合计", 1, 1, 0, 0, 0, 1]
    assert (
        next(s for s in annual.build(2025, [rw.agency])["sections"] if s["key"] == "reviews")["total"][1] == 0
    )
