"""Catalog evaluation, table-driven: thresholds and party types at their boundaries (以上 includes
the boundary), every criterion kind, and the catalog version in force on the decision date."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.catalog.models import ReviewCriterion
from sanxiang.review.evaluation import Facts, evaluate, facts_of, why
from tests.review.helpers import CRITERIA, ReviewWorld, make_catalog

D = Decimal
BY_CODE = {c["code"]: c for c in CRITERIA}


def criterion(code: str) -> ReviewCriterion:
    fields = {k: v for k, v in BY_CODE[code].items()}
    return ReviewCriterion(**fields)


def facts(**kw) -> Facts:
    base = {"category": "penalty", "procedure": "penalty.general", "outcome": "penalty"}
    return Facts(**{**base, **kw})


FINE_TABLE = [
    # (criterion, party kind, fine, matches)
    ("FINE-P", "person", D("19999.99"), False),
    ("FINE-P", "person", D("20000.00"), True),
    ("FINE-P", "person", D("20000.01"), True),
    ("FINE-P", "organisation", D("20000.00"), False),  # the person threshold does not apply to companies
    ("FINE-P", None, D("99999"), False),
    ("FINE-O", "organisation", D("49999.99"), False),
    ("FINE-O", "organisation", D("50000.00"), True),
    ("FINE-O", "organisation", D("1000000"), True),
    ("FINE-O", "person", D("50000.00"), False),
    ("FINE-O", "organisation", None, False),
    ("FINE-O", "organisation", D("0"), False),
]


@pytest.mark.parametrize(("code", "party", "fine", "matches"), FINE_TABLE)
def test_fine_thresholds_by_party_type(code, party, fine, matches):
    reason = why(criterion(code), facts(party_kind=party, fine=fine))
    assert (reason is not None) is matches
    if matches:
        assert f"{fine:,.2f}" in reason and "以上" in reason


CONFISCATION_TABLE = [
    ("person", D("49999.99"), False),
    ("person", D("50000"), True),
    ("organisation", D("50000"), True),  # no party kind on the criterion: any party
    (None, D("50000"), True),
]


@pytest.mark.parametrize(("party", "value", "matches"), CONFISCATION_TABLE)
def test_confiscation_threshold_any_party(party, value, matches):
    assert (why(criterion("CONF"), facts(party_kind=party, confiscation=value)) is not None) is matches


KIND_TABLE = [
    ("REVOKE", {"penalty_types": frozenset({"revoke_licence"})}, True),
    ("REVOKE", {"penalty_types": frozenset({"fine", "lower_qualification"})}, True),
    ("REVOKE", {"penalty_types": frozenset({"fine", "warning"})}, False),
    ("CLOSE", {"penalty_types": frozenset({"order_closure"})}, True),
    ("CLOSE", {"penalty_types": frozenset({"restrict_practice"})}, True),
    ("CLOSE", {"penalty_types": frozenset({"suspend_licence"})}, False),
    ("HEARING", {"hearing_held": True}, True),
    ("HEARING", {"hearing_held": False}, False),
    ("SEIZE", {"property_value": D("99999.99")}, False),
    ("SEIZE", {"property_value": D("100000")}, True),
    ("SEIZE", {"property_value": None}, False),
    ("REFUSE", {"category": "permit", "outcome": "refuse"}, True),
    ("REFUSE", {"category": "permit", "outcome": "grant"}, False),
    ("REFUSE", {"category": "penalty", "outcome": "refuse"}, False),  # scoped to permits
    ("FLAG", {"flags": frozenset({"complex"})}, True),
    ("FLAG", {"flags": frozenset({"serious_violation"})}, False),  # not listed in this criterion
    ("FLAG", {"flags": frozenset()}, False),
]


@pytest.mark.parametrize(("code", "kw", "matches"), KIND_TABLE)
def test_each_criterion_kind(code, kw, matches):
    assert (why(criterion(code), facts(**kw)) is not None) is matches


def test_category_scope_excludes_other_categories():
    scoped = ReviewCriterion(
        code="X", kind="fine_at_least", description="x", amount=D("1"), categories=["permit"]
    )
    assert why(scoped, facts(fine=D("100"))) is None
    assert why(scoped, facts(fine=D("100"), category="permit")) is not None


@pytest.mark.django_db
def test_flags_match_even_without_a_catalog_and_require_discussion_when_complex():
    world = ReviewWorld(catalog=False)
    case = world.case()
    result = evaluate(case, facts_of(case, flags=["complex"]), dt.date(2026, 3, 10))
    assert result.catalog is None
    assert [m.code for m in result.matches] == ["flag:complex"]
    assert result.discussion_required
    assert not evaluate(case, facts_of(case), dt.date(2026, 3, 10)).required


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decided_on", "version", "required"),
    [
        (dt.date(2025, 12, 31), 1, False),  # v1: companies from 100,000
        (dt.date(2026, 1, 1), 2, True),  # v2 in force from this day: companies from 50,000
        (dt.date(2026, 3, 10), 2, True),
        (dt.date(2024, 12, 31), None, False),  # before any catalog
    ],
)
def test_the_version_in_force_on_the_decision_date_applies(decided_on, version, required):
    world = ReviewWorld(catalog=False)
    old = [{**c, "amount": D("100000")} if c["code"] == "FINE-O" else c for c in CRITERIA]
    make_catalog(world.agency, effective_from=dt.date(2025, 1, 1), criteria=old)
    make_catalog(world.agency, effective_from=dt.date(2026, 1, 1))
    case = world.major_case(fine="60000")
    result = evaluate(case, facts_of(case, case.current_proposal), decided_on)
    assert (result.catalog.version if result.catalog else None) == version
    assert result.required is required
