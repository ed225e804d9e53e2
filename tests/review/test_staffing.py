"""REV-06: reviewers at least 5% of enforcement officers, flagged per agency; the ratio is a rule
parameter an agency may override."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.catalog import rules
from sanxiang.catalog.services import set_rule_parameter
from sanxiang.core.roles import Role
from sanxiang.review import selectors, services
from tests.factories import AgencyFactory, staff

pytestmark = pytest.mark.django_db


def agency_with(officers: int, reviewers: int):
    agency = AgencyFactory()
    for _ in range(officers):
        staff(agency, Role.OFFICER, certified=False)
    for _ in range(reviewers):
        staff(agency, Role.REVIEWER, certified=False)
    return agency


@pytest.mark.parametrize(
    ("officers", "reviewers", "below"),
    [
        (20, 1, False),
        (21, 1, True),
        (40, 2, False),
        (41, 2, True),
        (19, 0, True),
        (0, 0, False),
        (0, 1, False),
    ],
)
def test_five_percent_flag(officers, reviewers, below):
    s = selectors.staffing(agency_with(officers, reviewers))
    assert s.below is below
    assert s.min_ratio == Decimal("0.05")
    assert "118号" in s.citation
    if below:
        assert s.needed >= 1


def test_agency_override_and_advisers_shown_apart():
    agency = agency_with(10, 1)
    assert not selectors.staffing(agency).below  # 10%
    set_rule_parameter(
        "REV-06.min_ratio",
        value={"value": 0.2},
        effective_from=None,
        source="本机关规定",
        actor=None,
        agency=agency,
    )
    rules.cache.invalidate()
    s = selectors.staffing(agency)
    assert s.below and s.needed == 1
    head = staff(agency, Role.HEAD, certified=False)
    lawyer = staff(AgencyFactory(), Role.OFFICER, certified=False, is_legal_adviser=True)
    services.appoint(
        agency, actor=head, user=lawyer, kind="legal_adviser", basis="聘书", starts_on=dt.date(2026, 1, 1)
    )
    s = selectors.staffing(agency)
    assert s.advisers == 1 and s.reviewers == 1 and s.below  # advisers do not count toward the ratio


def test_staffing_in_scope_is_only_the_users_agencies():
    mine, other = agency_with(3, 1), agency_with(3, 0)
    user = staff(mine, Role.HEAD, certified=False)
    assert [s.agency for s in selectors.staffing_in_scope(user)] == [mine]
    assert other
