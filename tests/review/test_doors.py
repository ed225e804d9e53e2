"""The gate and the review acts through every door: API, web UI and admin (the service door is
test_gate). The issue's check: a major case's decision refused through the API until a review
passes, and refused again after the proposed fine is edited."""

import pytest
from rest_framework.test import APIClient

from sanxiang.core.roles import Role
from sanxiang.review.models import Review
from tests.factories import PASSWORD, AgencyFactory, staff
from tests.review.helpers import FINDINGS_OK, ReviewWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(db):
    return ReviewWorld()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def decide_via_api(rw, case):
    return api(rw.head).post(
        f"/api/cases/{case.pk}/transitions/", {"name": "decide", "data": {}}, format="json"
    )


def test_api_gate_then_review_then_refused_again_after_the_fine_is_edited(rw):
    case = rw.major_case()
    response = decide_via_api(rw, case)
    assert response.status_code == 409
    assert response.json()["code"] == "review.gate.not_passed"
    assert response.json()["details"]["criteria"] == ["FINE-O"]

    status = api(rw.officer).get(f"/api/review/cases/{case.pk}/").json()
    assert status["status"] == "required" and status["matches"][0]["code"] == "FINE-O"

    submitted = api(rw.officer).post(
        f"/api/review/cases/{case.pk}/submit/", {"evidence_list": "1. 笔录\n2. 报告"}, format="json"
    )
    assert submitted.status_code == 201, submitted.json()
    pk = submitted.json()["id"]
    again = api(rw.officer).post(
        f"/api/review/cases/{case.pk}/submit/", {"evidence_list": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "review.submit.pending"
    assert api(rw.chief).post(f"/api/review/reviews/{pk}/accept/").status_code == 200
    assigned = api(rw.chief).post(
        f"/api/review/reviews/{pk}/assign/", {"reviewer": rw.officer.username}, format="json"
    )
    assert assigned.status_code == 403 and assigned.json()["code"] == "review.sod.reviewer_is_handler"
    assert (
        api(rw.chief)
        .post(f"/api/review/reviews/{pk}/assign/", {"reviewer": rw.reviewer.username}, format="json")
        .status_code
        == 200
    )
    mine = api(rw.reviewer).get("/api/review/reviews/?mine=1").json()
    assert [r["id"] for r in mine["results"]] == [pk] and mine["results"][0]["due_on"] == "2026-03-17"
    findings = {a: {"result": r, "notes": n} for a, (r, n) in FINDINGS_OK.items()}
    partial = {k: v for k, v in findings.items() if k != "facts"}
    incomplete = api(rw.reviewer).post(
        f"/api/review/reviews/{pk}/conclude/",
        {"outcome": "agree", "opinion": "同意。", "findings": partial},
        format="json",
    )
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "review.opinion.findings_incomplete"
    concluded = api(rw.reviewer).post(
        f"/api/review/reviews/{pk}/conclude/",
        {"outcome": "agree", "opinion": "同意。", "findings": findings},
        format="json",
    )
    assert concluded.status_code == 200 and concluded.json()["passed"] is True
    assert api(rw.reviewer).get(f"/api/review/reviews/{pk}/opinion/").json()["outcome"] == "agree"

    # the handler edits the proposed fine: the review is void, the API refuses the decision again
    basis = [str(a.pk) for a in case.item.penalty_basis.all()]
    revised = api(rw.officer).post(
        f"/api/cases/{case.pk}/transitions/",
        {
            "name": "revise_proposal",
            "data": {
                "outcome": "penalty",
                "penalty_types": ["fine"],
                "fine_amount": "55000",
                "legal_basis": basis,
                "summary": "改为五万五千元。",
                "reasons_evidence": "证据相互印证。",
                "reasons_basis": "适用《食品安全法》第一百二十四条。",
                "reasons_discretion": "从轻。",
            },
        },
        format="json",
    )
    assert revised.status_code == 200, revised.json()
    assert Review.objects.get(pk=pk).state == "voided"
    response = decide_via_api(rw, case)
    assert response.status_code == 409 and response.json()["code"] == "review.gate.not_passed"


def test_api_scoping_and_roles(rw):
    case = rw.major_case()
    review = rw.submit(case)
    outsider = staff(AgencyFactory(), Role.REVIEWER, certified=False, legal_qualification="X")
    assert api(outsider).get(f"/api/review/reviews/{review.pk}/").status_code == 404
    assert api(outsider).get(f"/api/review/cases/{case.pk}/").status_code == 404
    assert api(outsider).post(f"/api/review/reviews/{review.pk}/accept/").status_code == 404
    assert api(outsider).get("/api/review/reviews/").json()["count"] == 0
    response = api(rw.officer).post(f"/api/review/reviews/{review.pk}/accept/")
    assert response.status_code == 403 and response.json()["code"] == "review.not_review_body"
    assert APIClient().get("/api/review/reviews/").status_code in (401, 403)


def test_api_coordination_and_discussion(rw):
    case = rw.major_case()
    review = rw.submit(case)
    from sanxiang.review import services

    review = services.assign(services.accept(review, actor=rw.chief), actor=rw.chief, reviewer=rw.reviewer)
    services.conclude(
        review,
        actor=rw.reviewer,
        outcome="disagree",
        opinion="不同意。",
        findings={**FINDINGS_OK, "facts": ("problem", "证据不足。")},
    )
    contest = api(rw.officer).post(
        f"/api/review/reviews/{review.pk}/contest/", {"reason": "证据充分。"}, format="json"
    )
    assert contest.status_code == 201
    cid = contest.json()["id"]
    decided = api(rw.head2).post(
        f"/api/review/contests/{cid}/decide/", {"decision": "refer", "reasons": "讨论。"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "referred"
    body = {
        "held_on": "2026-03-10",
        "attendees": [rw.head3.username, rw.head.username],
        "minutes": "同意拟处理意见。",
        "outcome": "approve",
        "contest": cid,
    }
    discussed = api(rw.head2).post(f"/api/review/cases/{case.pk}/discussions/", body, format="json")
    assert discussed.status_code == 200, discussed.json()
    assert discussed.json()["status"] == "passed"
    assert decide_via_api(rw, case).status_code == 200


def test_api_catalog_staffing_overview(rw):
    body = {
        "effective_from": "2026-04-01",
        "source": "2026年修订",
        "criteria": [
            {"code": "F1", "kind": "fine_at_least", "description": "罚款3万元以上", "amount": "30000"}
        ],
    }
    assert api(rw.officer).post("/api/review/catalogs/", body, format="json").status_code == 403
    created = api(rw.chief).post("/api/review/catalogs/", body, format="json")
    assert created.status_code == 201 and created.json()["version"] == 2
    retro = api(rw.chief).post(
        "/api/review/catalogs/", {**body, "effective_from": "2026-03-01"}, format="json"
    )
    assert retro.status_code == 422 and retro.json()["code"] == "review.catalog.retroactive"
    published = (
        api(rw.head).get(f"/api/review/catalogs/published/?agency={rw.agency.code}&on=2026-04-01").json()
    )
    assert published["version"] == 2 and published["criteria"][0]["amount"] == "30000.00"
    staffing = api(rw.head).get("/api/review/staffing/").json()
    assert staffing[0]["reviewers"] == 2 and staffing[0]["officers"] == 2
    assert api(rw.head).get("/api/review/overview/").status_code == 200


def test_web_decide_form_refused_with_the_gate_message(rw, client):
    case = rw.major_case()
    web(client, rw.head)
    response = client.post(f"/cases/{case.number}/do/decide/", {"version": case.version})
    assert response.status_code == 422
    assert "法制审核" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "notified"


def test_web_full_review(rw, client):
    case = rw.major_case()
    officer = web(client, rw.officer)
    page = officer.get(f"/cases/{case.number}/")
    assert page.status_code == 200 and "须法制审核" in page.content.decode()
    response = officer.post(f"/review/cases/{case.number}/submit/", {"evidence_list": ""})
    assert response.status_code == 422 and "证据材料清单" in response.content.decode()
    response = officer.post(f"/review/cases/{case.number}/submit/", {"evidence_list": "1. 笔录"})
    assert response.status_code == 302
    review = Review.objects.get(case=case)
    client.logout()
    chief = web(client, rw.chief)
    assert chief.get("/review/").status_code == 200
    assert chief.post(f"/review/{review.pk}/accept/").status_code == 302
    bad = chief.post(f"/review/{review.pk}/assign/", {"reviewer": rw.head.username})
    assert bad.status_code == 422 and "已审批本案事项" in bad.content.decode()
    assert chief.post(f"/review/{review.pk}/assign/", {"reviewer": rw.reviewer.username}).status_code == 302
    client.logout()
    reviewer = web(client, rw.reviewer)
    page = reviewer.get(f"/review/{review.pk}/")
    assert page.status_code == 200 and "出具审核意见" in page.content.decode()
    form = {f"{a}_result": r for a, (r, _) in FINDINGS_OK.items()}
    incomplete = reviewer.post(
        f"/review/{review.pk}/checklist/",
        {**form, "facts_result": "", "outcome": "agree", "opinion": "同意。", "conclude": "1"},
    )
    assert incomplete.status_code == 422 and "事实与证据" in incomplete.content.decode()
    done = reviewer.post(
        f"/review/{review.pk}/checklist/", {**form, "outcome": "agree", "opinion": "同意。", "conclude": "1"}
    )
    assert done.status_code == 302
    assert reviewer.get(f"/review/{review.pk}/opinion/").status_code == 200
    client.logout()
    head = web(client, rw.head)
    assert head.get("/review/head/").status_code == 200
    assert head.post(f"/cases/{case.number}/do/decide/", {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.stage == "decided"


def test_web_pages_render_for_each_role(rw, client):
    case = rw.major_case()
    rw.pass_review(case)
    supervisor = staff(rw.agency, Role.SUPERVISOR, certified=False)
    for user, urls in (
        (
            rw.head,
            [
                "/",
                "/review/",
                "/review/head/",
                "/review/overview/",
                "/review/bodies/",
                f"/review/bodies/{rw.agency.code}/",
                "/review/catalogs/",
                f"/review/catalogs/{rw.agency.code}/",
                f"/review/catalogs/{rw.agency.code}/new/",
                f"/review/cases/{case.number}/discussion/",
            ],
        ),
        (rw.reviewer, ["/", "/review/"]),
        (supervisor, ["/", "/review/overview/"]),
    ):
        web(client, user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
        client.logout()


def test_web_out_of_scope_is_404(rw, client):
    review = rw.submit(rw.major_case())
    outsider = staff(AgencyFactory(), Role.HEAD, certified=False)
    web(client, outsider)
    assert client.get(f"/review/{review.pk}/").status_code == 404
    assert client.post(f"/review/{review.pk}/accept/").status_code == 404
    assert client.get(f"/review/cases/{review.case.number}/submit/").status_code == 404


def test_web_catalog_editing_publishes_a_new_version(rw, client):
    web(client, rw.head)
    form = {
        "effective_from": "2026-03-20",
        "source": "2026年修订",
        "note": "提高个人罚款标准",
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        "c-0-code": "F1",
        "c-0-kind": "fine_at_least",
        "c-0-description": "对自然人处以3万元以上罚款",
        "c-0-party_kind": "person",
        "c-0-amount": "30000",
        "c-1-code": "",
    }
    response = client.post(f"/review/catalogs/{rw.agency.code}/new/", form)
    assert response.status_code == 302
    history = client.get(f"/review/catalogs/{rw.agency.code}/").content.decode()
    assert "第2版" in history and "F1" in history
    retro = client.post(f"/review/catalogs/{rw.agency.code}/new/", {**form, "effective_from": "2026-03-01"})
    assert retro.status_code == 422


def test_admin_is_not_a_bypass(rw, client):
    case = rw.major_case()
    review = rw.submit(case)
    admin_user = staff(rw.agency, Role.ADMIN, certified=False, is_staff=True, is_superuser=True)
    web(client, admin_user)
    assert client.get("/admin/review/review/").status_code == 200
    change = client.post(f"/admin/review/review/{review.pk}/change/", {"passed": "on", "state": "concluded"})
    assert change.status_code == 403
    assert client.post("/admin/review/review/add/", {}).status_code == 403
    assert client.post(f"/admin/review/review/{review.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/catalog/reviewcatalog/{rw.catalog.pk}/change/", {}).status_code == 403
    assert client.post(f"/admin/cases/proposal/{case.current_proposal.pk}/change/", {}).status_code == 403
    review.refresh_from_db()
    assert review.state == "submitted" and not review.passed
    decision = decide_via_api(rw, case)
    assert decision.status_code == 409
