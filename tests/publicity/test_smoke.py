import pytest

from sanxiang.publicity.models import PublicDecision
from tests.publicity.helpers import decided_case, publication_of, publish_case

pytestmark = pytest.mark.django_db


def test_decision_publishes_masked(world, client):
    case = decided_case(
        world, facts="当事人王建国（身份证号见卷宗）于建设路18号3栋501室销售过期食品，电话13912345678。"
    )
    pub = publication_of(case)
    assert pub.status == "draft"
    publish_case(world, case)
    d = PublicDecision.objects.get()
    assert d.party_name == "王某某"
    assert "13912345678" not in d.facts and "王建国" not in d.facts
    r = client.get("/portal/decisions/?q=过期食品")
    assert r.status_code == 200
    assert "王某某" in r.content.decode()
    r = client.get(f"/portal/decisions/{d.pk}/")
    assert r.status_code == 200
