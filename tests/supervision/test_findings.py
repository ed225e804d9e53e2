"""Findings: the taxonomy, evidence and rule required, never deleted (only amended with a reason,
through every door), and each detection rule with a positive and a negative case."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case, Deadline
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.org.models import Division, DivisionLevel
from sanxiang.records.models import Entry
from sanxiang.supervision.choices import FindingStatus, MisconductKind
from sanxiang.supervision.models import Finding, FindingAmendment
from sanxiang.supervision.services import clues as clue_services
from sanxiang.supervision.services import findings as svc
from sanxiang.supervision.services.detection import DETECTORS, run_detectors
from tests.cases.walk import PATHS, walk
from tests.factories import PASSWORD, company, credit_code, staff
from tests.publicity.helpers import decided_case
from tests.supervision.helpers import Bureau

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def bureau(world):
    return Bureau(world)


def hits(code, today=TODAY):
    return list(DETECTORS[code].detect(today))


def finding(bureau, world, **kw):
    kw.setdefault("kind", MisconductKind.ARBITRARY_FINE)
    return svc.create_finding(
        actor=bureau.supervisor,
        agency=world.agency,
        title="超出裁量幅度罚款",
        description="罚款超出裁量基准且未说明理由。",
        evidence=[{"type": "case", "ref": "X-1", "text": "决定书"}],
        rule_code="行政处罚法 Art. 34",
        **kw,
    )


def test_the_taxonomy_has_the_regulations_ten_kinds_and_the_three_systems():
    values = set(MisconductKind.values)
    for kind in ("not_filed", "buck_passing", "fine_instead", "out_of_area", "profit_driven",
                 "arbitrary_charge", "arbitrary_fine", "arbitrary_inspection", "arbitrary_seizure",
                 "not_published", "missing_av", "decided_before_review", "unqualified"):  # fmt: skip
        assert kind in values


def test_a_finding_needs_evidence_and_a_rule(bureau, world):
    with pytest.raises(InvalidInput) as refused:
        svc.create_finding(
            actor=bureau.supervisor, kind="not_filed", agency=world.agency, title="t", description="d",
            evidence=[], rule_code="R",
        )  # fmt: skip
    assert refused.value.field == "evidence"
    with pytest.raises(InvalidInput) as refused:
        svc.create_finding(
            actor=bureau.supervisor, kind="not_filed", agency=world.agency, title="t", description="d",
            evidence=[{"text": "x"}], rule_code="",
        )  # fmt: skip
    assert refused.value.field == "rule_code"
    assert not Finding.objects.exists()


def test_amended_with_a_reason_never_deleted(bureau, world):
    item = finding(bureau, world)
    with pytest.raises(InvalidInput):
        svc.amend_finding(item, actor=bureau.supervisor, reason="", changes={"severity": "major"})
    item = svc.amend_finding(
        item, actor=bureau.supervisor, reason="复核后认定", changes={"status": "confirmed"}
    )
    with pytest.raises(DomainError):
        svc.amend_finding(item, actor=bureau.supervisor, reason="跳过", changes={"status": "open"})
    item = svc.amend_finding(
        item, actor=bureau.supervisor, reason="撤销：证据不足", changes={"status": "withdrawn"}
    )
    assert item.status == FindingStatus.WITHDRAWN and item.version == 3
    [first, second] = FindingAmendment.objects.filter(finding=item).order_by("seq")
    assert first.changes == {"status": {"before": "open", "after": "confirmed"}}
    assert second.reason == "撤销：证据不足"
    kinds = list(Entry.objects.filter(stream=item.stream).values_list("kind", flat=True))
    assert kinds == ["finding.recorded", "finding.amended", "finding.amended"]
    with pytest.raises(DomainError):
        item.delete()
    assert Finding.objects.filter(pk=item.pk).exists()


def test_no_delete_through_the_api_or_the_admin(bureau, world, client):
    item = finding(bureau, world)
    api = APIClient()
    api.login(username=bureau.supervisor.username, password=PASSWORD)
    assert api.delete(f"/api/findings/{item.pk}/").status_code == 405
    amended = api.post(
        f"/api/findings/{item.pk}/amend/", {"reason": "", "changes": {"severity": "major"}}, format="json"
    )
    assert amended.status_code == 422 and amended.json()["code"] == "supervision.finding.reason"
    ok = api.post(
        f"/api/findings/{item.pk}/amend/",
        {"reason": "更严重", "changes": {"severity": "major"}},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["amendments"][0]["reason"] == "更严重"
    from django.contrib import admin

    assert not admin.site._registry[Finding].has_delete_permission(None)
    client.login(username=bureau.supervisor.username, password=PASSWORD)
    assert client.get(f"/supervision/findings/{item.pk}/").status_code == 200
    assert client.get("/supervision/findings/").status_code == 200
    # the agency concerned sees its findings; another agency does not
    assert list(Finding.objects.restrict(world.head)) == [item]
    assert not Finding.objects.restrict(staff(bureau.other_agency, "head", certified=False)).exists()


def test_detector_not_filed(bureau, world):
    clue = bureau.clue(received_on=dt.date(2026, 2, 2))
    [hit] = hits("FD-NOT-FILED")
    assert hit.clue == clue and hit.agency == world.agency
    clue_services.link(clue, actor=bureau.supervisor, cases=[world.case()])
    assert hits("FD-NOT-FILED") == []


def test_detector_not_filed_not_before_the_due_date(bureau):
    bureau.clue(received_on=dt.date(2026, 3, 2))
    assert hits("FD-NOT-FILED") == []


def test_detector_buck_passing(bureau, world):
    clue = bureau.clue()
    for target in (world.agency, bureau.other_agency):
        clue = clue_services.assess(
            clue, actor=bureau.supervisor, assessment="转", decision="transfer", transfer_to=target
        )
    assert hits("FD-BUCK-PASSING") == []
    clue_services.assess(
        clue, actor=bureau.supervisor, assessment="转", decision="transfer", transfer_to=world.agency
    )
    [hit] = hits("FD-BUCK-PASSING")
    assert hit.agency == world.agency


def test_detector_fine_without_order_to_correct(world):
    case = decided_case(world)
    [hit] = hits("FD-FINE-INSTEAD")
    assert hit.case.pk == case.pk
    case.proposals.update(summary="拟处罚款八千元，并责令当事人立即改正。")
    assert hits("FD-FINE-INSTEAD") == []


def test_detector_out_of_area(world):
    far = Division.objects.create(code="990999", name="远山县", level=DivisionLevel.COUNTY)
    outsider = case_services.register_party(
        agency=world.agency, actor=None, kind="organisation", name="远山公司", credit_code=credit_code(),
        address=f"{far.name}青松路1号", legal_representative="李四",
    )  # fmt: skip
    local = case_services.register_party(
        agency=world.agency, actor=None, kind="organisation", name="本地公司", credit_code=credit_code(),
        address=f"{world.agency.division.name}人民路1号", legal_representative="李四",
    )  # fmt: skip
    walk(world, world.case(party=local), PATHS["penalty.general"][:1])
    assert hits("FD-OUT-OF-AREA") == []
    case = walk(world, world.case(party=outsider), PATHS["penalty.general"][:1])
    [hit] = hits("FD-OUT-OF-AREA")
    assert hit.case.pk == case.pk


def test_detector_fine_revenue_concentrated(world):
    decided_case(world)
    assert hits("FD-PROFIT") == []  # 8000 yuan: under the least total looked at
    decided_case(world, party=company(world.agency, name="第二公司"))
    [hit] = hits("FD-PROFIT")
    assert hit.agency == world.agency and "2026-03" in hit.title


def test_detector_inspections_over_quota_or_without_plan(world):
    party = company(world.agency)
    for day in (dt.date(2026, 1, 5), dt.date(2026, 2, 5)):
        svc.record_inspection(
            actor=world.officer, party=party, inspected_on=day, basis="年度计划", planned=True, plan_ref="P1"
        )
    assert hits("FD-INSPECTION") == []
    svc.record_inspection(actor=world.officer, party=party, inspected_on=dt.date(2026, 3, 2))
    found = {h.key.split(":")[0] for h in hits("FD-INSPECTION")}
    assert found == {"visit", "quota"}
    with pytest.raises(InvalidInput):
        svc.record_inspection(actor=world.officer, party=party, inspected_on=dt.date(2026, 3, 11))


def test_detector_seizures_held_past_their_limit(world):
    case = walk(world, world.case("coercion.measure"), PATHS["coercion.measure"][:2])
    assert Deadline.objects.filter(case=case, code="term").exists()
    assert hits("FD-SEIZURE") == []
    Deadline.objects.filter(case=case, code="term").update(status="overdue")
    [hit] = hits("FD-SEIZURE")
    assert hit.case.pk == case.pk


def test_run_detectors_records_open_findings_once(bureau, world):
    decided_case(world)
    created = run_detectors(codes=["FD-FINE-INSTEAD"])
    assert len(created) == 1 and created[0].status == FindingStatus.OPEN
    assert created[0].supervising_agency == bureau.agency and created[0].evidence
    assert run_detectors(codes=["FD-FINE-INSTEAD"]) == []
    assert Case.objects.count() == 1
