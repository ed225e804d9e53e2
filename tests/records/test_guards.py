"""I4 (audio/video) and 说理 (reasons) guards, through the service, the API and the web form:
a seizure whose completion is refused until its video is attached; a decision refused until the
three reasons are written — and both end up in the record."""

import pytest
from rest_framework.test import APIClient

from sanxiang.cases import services
from sanxiang.core.errors import DomainError
from sanxiang.records import avrules
from sanxiang.records.models import AVCoverage, Entry
from tests.cases.walk import PATHS, inputs_for, walk
from tests.factories import PASSWORD
from tests.records.helpers import bodycam_video, upload

pytestmark = pytest.mark.django_db


def seizure_ready(world):
    case = world.case("coercion.measure")
    return services.transition(case, "approve", actor=world.head, data=inputs_for(world, case, "approve"))


def test_rules_are_data_with_sources():
    rules = avrules.rules()
    required = {r.act for r in rules if r.required}
    assert {"seizure", "demolition"} <= required
    assert {"inspection", "hearing", "service", "interview"} <= {r.act for r in rules if not r.required}
    assert all(r.source and r.confidence in "PSU" for r in rules)
    service = avrules.rule_for("service", {"method": "lien"}, {})
    assert service is not None and not service.required
    assert avrules.rule_for("service", {"method": "direct"}, {}) is None
    assert avrules.rule_for("seizure", {"measure": "freeze"}, {}) is None
    assert avrules.rule_for("enforcement", {}, {"method": "substitute"}).required
    assert not avrules.rule_for("enforcement", {}, {"method": "surcharge"}).required


def test_seizure_refused_until_its_video_is_attached(world):
    case = seizure_ready(world)
    data = inputs_for(world, case, "execute")
    with pytest.raises(DomainError) as refused:
        services.transition(case, "execute", actor=world.officer, data=data)
    assert refused.value.code == "records.av.required" and "全程音像记录" in refused.value.message
    upload(world, case, title="现场照片", act="seizure")  # a photo is not a recording of the act
    with pytest.raises(DomainError):
        services.transition(case, "execute", actor=world.officer, data=data)
    upload(world, case, kind="video", title="别的行为的录像", act="")  # nor is a video of nothing
    with pytest.raises(DomainError):
        services.transition(case, "execute", actor=world.officer, data=data)
    video = bodycam_video(world, case, "seizure", title="查封现场录像")
    case = services.transition(case, "execute", actor=world.officer, data=data)
    assert case.stage == "in_force"
    event = case.events.get(transition="execute")
    assert list(AVCoverage.objects.filter(event=event).values_list("evidence", flat=True)) == [video.pk]
    entry = Entry.objects.filter(case=case, kind="case.transition").order_by("-seq").first()
    assert entry.payload["av"] == [
        {"evidence": video.entry.seq, "sha256": video.blob.sha256, "media_kind": "video"}
    ]
    assert entry.payload["act"] == "seizure"
    rows = {r.label: r for r in avrules.coverage(case)}
    assert rows["实施查封扣押"].status == "covered"


def test_a_video_covers_one_act_only(world):
    from sanxiang.org.services import require_qualified_officers  # noqa: F401 - the act needs officers

    case = world.case("coercion.enforcement")
    case = walk(world, case, [("demand", "officer")])
    case = services.transition(
        case, "decide", actor=world.head, data={"method": "demolition", "urgent": True}
    )
    case.attributes["basis_served_on"] = "2025-01-01"
    case.save(update_fields=["attributes"])
    data = {"officers": world.officers(), "structure": "违法搭建棚屋"}
    with pytest.raises(DomainError, match="全程音像记录"):
        services.transition(case, "demolish", actor=world.officer, data=data)
    bodycam_video(world, case, "demolition")
    assert services.transition(case, "demolish", actor=world.officer, data=data).stage == "executed"


def test_freezing_deposits_needs_no_video(world):
    case = seizure_ready(world)
    data = dict(inputs_for(world, case, "execute"), measure="freeze")
    assert services.transition(case, "execute", actor=world.officer, data=data).stage == "in_force"


def test_av_guard_through_api_and_web(world, client):
    case = seizure_ready(world)
    data = inputs_for(world, case, "execute")
    api = APIClient()
    api.force_authenticate(world.officer)
    response = api.post(
        f"/api/cases/{case.pk}/transitions/", {"name": "execute", "data": data}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "records.av.required"
    assert client.login(username=world.officer.username, password=PASSWORD)
    page = client.get(f"/cases/{case.number}/")
    assert (
        "须全程录像" in page.content.decode()
        and f"/records/cases/{case.number}/evidence/new/?act=seizure" in page.content.decode()
    )
    form = {**data, "officers": data["officers"]}
    refused = client.post(f"/cases/{case.number}/do/execute/", form)
    assert refused.status_code == 422 and "全程音像记录" in refused.content.decode()
    bodycam_video(world, case, "seizure")
    done = client.post(f"/cases/{case.number}/do/execute/", form)
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == "in_force"


def test_recommended_acts_are_flagged_not_blocked(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:2])  # file, inspect — no recording
    rows = [r for r in avrules.coverage(case) if r.event is not None]
    assert rows and rows[0].status == "missing" and rows[0].badge == "warn"
    photo = upload(world, case, title="检查照片", event=case.events.get(transition="inspect").seq)
    rows = [r for r in avrules.coverage(case) if r.event is not None]
    assert rows[0].status == "covered" and rows[0].items == [photo]


# --- reasons (说理) ------------------------------------------------------------------------------


def proposed_without_reasons(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:3])
    data = dict(inputs_for(world, case, "propose"), reasons_basis="", reasons_discretion="  ")
    case = services.transition(case, "propose", actor=world.officer, data=data)
    return services.transition(case, "notify", actor=world.officer, data=inputs_for(world, case, "notify"))


def test_decision_refused_without_the_three_reasons(world):
    case = proposed_without_reasons(world)
    with pytest.raises(DomainError) as refused:
        services.transition(case, "decide", actor=world.head, data={})
    assert refused.value.code == "documents.reasons.missing"
    assert "依据选择理由" in refused.value.message and "裁量理由" in refused.value.message
    assert "证据采信理由" not in refused.value.message
    data = inputs_for(world, case, "propose")
    case = services.transition(case, "revise_proposal", actor=world.officer, data=data)
    case = services.transition(case, "decide", actor=world.head, data={})
    decided = Entry.objects.filter(case=case, kind="case.transition").order_by("-seq").first()
    reasons = decided.payload["proposal"]["reasons"]
    assert reasons == {
        "evidence": data["reasons_evidence"],
        "basis": data["reasons_basis"],
        "discretion": data["reasons_discretion"],
    }
    assert decided.payload["proposal"]["fine_amount"] == "8000.00"


def test_reasons_guard_through_api_and_web(world, client):
    case = proposed_without_reasons(world)
    api = APIClient()
    api.force_authenticate(world.head)
    response = api.post(f"/api/cases/{case.pk}/transitions/", {"name": "decide", "data": {}}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "documents.reasons.missing"
    assert client.login(username=world.head.username, password=PASSWORD)
    refused = client.post(f"/cases/{case.number}/do/decide/", {})
    assert refused.status_code == 422 and "说明理由" in refused.content.decode()


def test_timeline_shows_reasons_evidence_and_anchoring(world, client):
    from sanxiang.records.checkpoints import make_checkpoint

    case = walk(world, world.case(), PATHS["penalty.general"][:6])
    upload(world, case, title="现场照片")
    make_checkpoint()
    later = upload(world, case, title="补充照片")
    assert client.login(username=world.officer.username, password=PASSWORD)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "全过程记录" in html and "已签名" in html and "待签名" in html
    assert "首次违法，积极配合调查" in html  # the discretion reason, from the decision's entry
    assert f"/records/evidence/{later.pk}/thumb.jpg" in html
    assert "证据与音像记录" in html and "导出案卷" in html
