"""The supervision graph: who may issue what to whom (《行政执法监督条例》 Arts. 2, 6, 42)."""

import pytest

from sanxiang.core.errors import DomainError, Forbidden
from sanxiang.supervision.services import graph
from sanxiang.supervision.services.graph import Relation
from tests.factories import AgencyFactory
from tests.supervision.reg_world import Graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return Graph()


def test_relations(g):
    assert graph.relation(g.city_bureau, g.city_dept) == Relation.GOVERNMENT
    assert graph.relation(g.city_bureau, g.county_dept) == Relation.GOVERNMENT
    assert graph.relation(g.county_bureau, g.county_dept) == Relation.GOVERNMENT
    assert graph.relation(g.county_bureau, g.city_dept) is None  # not below the county
    assert graph.relation(g.city_bureau, g.outside) is None
    assert graph.relation(g.city_dept, g.unit) == Relation.INTERNAL  # 系统内 Art. 42 ¶1
    assert graph.relation(g.city_dept, g.county_dept) == Relation.SECTOR  # Art. 42 ¶3
    assert graph.relation(g.county_dept, g.city_dept) is None
    assert graph.relation(g.city_bureau, g.vertical) == Relation.VERTICAL  # Art. 42 ¶2
    assert graph.relation(g.office, g.county_dept) is None  # 司法所 issues nothing


def test_allowed_kinds(g):
    assert graph.allowed_kinds(g.city_bureau, g.county_dept) == {"notice", "opinion", "decision"}
    assert graph.allowed_kinds(g.city_bureau, g.vertical) == {"upper_notification"}
    assert graph.allowed_kinds(g.city_dept, g.county_dept) == {"notice"}
    assert graph.allowed_kinds(g.city_dept, g.unit) == {"notice", "opinion", "decision"}
    assert graph.allowed_kinds(g.office, g.county_dept) == set()


@pytest.mark.parametrize(
    "issuer,target,kind,code",
    [
        ("city_sup", "vertical", "opinion", "supervision.graph.vertical_notification_only"),
        ("city_sup", "vertical", "decision", "supervision.graph.vertical_notification_only"),
        ("city_sup", "county_dept", "upper_notification", "supervision.graph.not_vertical"),
        ("county_sup", "city_dept", "notice", "supervision.graph.out_of_scope"),
        ("city_sup", "outside", "notice", "supervision.graph.out_of_scope"),
        ("dept_sup", "county_dept", "opinion", "supervision.graph.sector_notice_only"),
        ("office_sup", "county_dept", "notice", "supervision.graph.office_cannot_issue"),
        ("county_head", "county_dept", "notice", "supervision.graph.not_supervisor"),
    ],
)
def test_refusals(g, issuer, target, kind, code):
    actor = getattr(g, issuer)
    with pytest.raises((DomainError, Forbidden)) as refused:
        graph.check_may_issue(actor, actor.agency, getattr(g, target), kind)
    assert refused.value.code == code


def test_entrusted_organisation_is_supervised_through_its_entrusting_agency(g):
    entrusted = AgencyFactory(division=g.town, kind="entrusted_organisation", entrusted_by=g.county_dept)
    assert graph.subject_of(entrusted) == g.county_dept
    assert graph.supervising_bureau(entrusted) == g.county_bureau
    assert graph.relation(g.county_bureau, entrusted) == Relation.GOVERNMENT


def test_supervising_bureau_nearest_above(g):
    assert graph.supervising_bureau(g.county_dept) == g.county_bureau
    assert graph.supervising_bureau(g.city_dept) == g.city_bureau
    assert graph.supervising_bureau(g.office) == g.county_bureau  # township: the county's bureau
    g.county_dept.supervising_bureau = g.city_bureau
    assert graph.supervising_bureau(g.county_dept) == g.city_bureau


def test_visible_agencies_follow_the_graph(g):
    city = set(graph.visible_agencies(g.city_bureau))
    assert {g.county_dept, g.vertical, g.office, g.county_bureau} <= city and g.outside not in city
    office = set(graph.visible_agencies(g.office))
    assert office == {g.office}
    dept = set(graph.visible_agencies(g.city_dept))
    assert dept == {g.city_dept, g.unit, g.county_dept}
