"""The same rules through every door: service, API, web pages, admin, command line, portal."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.documents import services
from sanxiang.documents.models import Document, DocumentNumber, DocumentTemplate, ServiceRecord
from sanxiang.records import samples
from tests.cases.walk import PATHS, walk
from tests.documents.helpers import fire, general_case
from tests.factories import PASSWORD, World, staff

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def without_reasons(world):
    """A decided case whose proposal lacks the reasons (as if decided before the rule)."""
    case = general_case(world)
    case.current_proposal.__class__.objects.filter(pk=case.current_proposal.pk).update(reasons_discretion="")
    return case


# --- reasons required through every door --------------------------------------------------------


def test_reasons_required_by_the_service(world):
    with pytest.raises(DomainError) as refused:
        services.issue(without_reasons(world), "penalty_decision", actor=world.officer)
    assert refused.value.code == "documents.reasons.missing" and "裁量理由" in refused.value.message
    assert not DocumentNumber.objects.exists()


def test_reasons_required_to_decide(world):
    case = general_case(world, until="propose")
    basis = [str(a.pk) for a in case.item.penalty_basis.all()]
    fire(
        world,
        case,
        "revise_proposal",
        outcome="penalty",
        penalty_types=["fine"],
        fine_amount="8000",
        legal_basis=basis,
        summary="拟罚款",
        reasons_evidence="证据充分",
        reasons_basis="依据明确",
    )
    fire(world, case, "notify", served_on="2026-03-10", rights_waived=True)
    with pytest.raises(DomainError) as refused:
        fire(world, case, "decide", "head")
    assert refused.value.code == "documents.reasons.missing" and refused.value.field == "reasons_discretion"
    case.refresh_from_db()
    assert case.stage == "notified"
    response = api(world.head).post(f"/api/cases/{case.pk}/transitions/", {"name": "decide"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "documents.reasons.missing"


def test_facts_not_established_needs_no_discretion_reasons(world):
    case = general_case(world, until="propose")
    basis = [str(a.pk) for a in case.item.penalty_basis.all()]
    reasons = {"reasons_evidence": "证据不足以认定", "reasons_basis": "依据行政处罚法第五十七条"}
    fire(
        world,
        case,
        "revise_proposal",
        outcome="not_established",
        legal_basis=basis,
        summary="违法事实不能成立",
        **reasons,
    )
    fire(world, case, "notify", served_on="2026-03-10", rights_waived=True)
    fire(world, case, "decide", "head")
    case.refresh_from_db()
    assert case.stage == "decided" and case.outcome == "not_established"


def test_reasons_required_through_the_api(world):
    case = without_reasons(world)
    response = api(world.officer).post(
        "/api/documents/", {"case": case.number, "template": "行政处罚决定书"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "documents.reasons.missing" and response.json()["message"]
    preview = api(world.officer).get(f"/api/documents/preview/?case={case.number}&template=penalty_decision")
    assert preview.status_code == 200 and preview.json()["problem"]["code"] == "documents.reasons.missing"


def test_reasons_required_through_the_web(client, world):
    case = without_reasons(world)
    web(client, world.officer)
    url = f"/documents/case/{case.number}/penalty_decision/"
    page = client.get(url)
    assert page.status_code == 200 and "裁量理由" in page.content.decode()
    response = client.post(url, {"override_facts": "违法事实"})
    assert response.status_code == 422 and "决定书须载明裁量理由" in response.content.decode()
    assert not Document.objects.exists()


def test_reasons_required_on_the_command_line(world, tmp_path):
    case = without_reasons(world)
    with pytest.raises(CommandError, match=r"documents\.reasons\.missing"):
        call_command(
            "document", case.number, "penalty_decision", "--format", "pdf", "-o", str(tmp_path / "x.pdf")
        )


def test_wrong_stage_is_refused(world):
    case = general_case(world, until="propose")
    with pytest.raises(DomainError) as refused:
        services.issue(case, "penalty_decision", actor=world.officer)
    assert refused.value.code == "documents.template.wrong_stage"
    with pytest.raises(DomainError) as refused:
        services.issue(case, "permit_grant", actor=world.officer)
    assert refused.value.code == "documents.template.wrong_procedure"


# --- API ----------------------------------------------------------------------------------------


def test_api_issue_list_file_correct_void_and_serve(world):
    case = general_case(world)
    client = api(world.officer)
    response = client.post(
        "/api/documents/", {"case": case.number, "template": "penalty_decision"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].endswith("处罚〔2026〕1号") and len(body["sha256"]) == 64 and body["entry"]
    listed = client.get(f"/api/documents/?case={case.number}").json()
    assert listed["count"] == 1
    pdf = client.get(f"/api/documents/{body['id']}/file/?as=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    bad = client.post(
        f"/api/documents/{body['id']}/services/",
        {"method": "direct", "served_on": "2026-03-01"},
        format="json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "documents.service.before_issue"
    served = client.post(
        f"/api/documents/{body['id']}/services/",
        {"method": "direct", "served_on": "2026-03-10", "recipient": "李四"},
        format="json",
    )
    assert served.status_code == 201, served.json()
    case.refresh_from_db()
    assert case.stage == "served"
    void = api(world.head).post(f"/api/documents/{body['id']}/void-number/", {"reason": "错"}, format="json")
    assert void.status_code == 409 and void.json()["code"] == "documents.number.served"


def test_api_and_web_are_scoped(client, world):
    document = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    stranger = World()
    assert api(stranger.officer).get(f"/api/documents/{document.pk}/").status_code == 404
    assert api(stranger.officer).get("/api/documents/").json()["count"] == 0
    web(client, stranger.officer)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/file.pdf").status_code == 404
    assert client.get(f"/documents/case/{document.case.number}/penalty_decision/").status_code == 404


def test_supervisor_reads_but_cannot_issue(world):
    supervisor_agency = World().agency  # the justice bureau of the same division (supervision graph)
    supervisor_agency.division = world.agency.division
    supervisor_agency.is_justice_bureau = True
    supervisor_agency.save(update_fields=["division", "is_justice_bureau"])
    supervisor = staff(supervisor_agency, Role.SUPERVISOR, certified=False)
    case = general_case(world)
    with pytest.raises(DomainError) as refused:
        services.issue(case, "penalty_decision", actor=supervisor)
    assert refused.value.code == "documents.read_only"


# --- web pages ----------------------------------------------------------------------------------


def test_web_case_section_preview_issue_detail_serve(client, world):
    case = general_case(world)
    web(client, world.officer)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "执法文书" in page and "行政处罚决定书" in page and "剩余" in page
    url = f"/documents/case/{case.number}/penalty_decision/"
    assert "证据采信理由" in client.get(url).content.decode()
    draft = client.get(f"{url}draft.pdf")
    assert draft.status_code == 200 and draft.content[:4] == b"%PDF"
    response = client.post(url, {"override_facts": "经查，当事人销售过期食品12件。"})
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    assert document.content["blocks"][1]["paragraphs"] == ["经查，当事人销售过期食品12件。"]
    detail = client.get(f"/documents/{document.pk}/").content.decode()
    assert document.number_text in detail and document.sha256 in detail
    assert client.get(f"/documents/{document.pk}/file.docx").status_code == 200
    form = client.post(
        f"/documents/{document.pk}/serve/", {"method": "electronic", "served_on": "2026-03-10"}
    )
    assert form.status_code == 422 and "确认书" in form.content.decode()
    form = client.post(
        f"/documents/{document.pk}/serve/",
        {"method": "direct", "served_on": "2026-03-10", "recipient": "李四"},
    )
    assert form.status_code == 302
    case.refresh_from_db()
    assert case.stage == "served" and ServiceRecord.objects.get().recipient == "李四"


def test_web_correction_makes_a_new_version(client, world):
    document = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    web(client, world.officer)
    response = client.post(f"/documents/{document.pk}/correct/", {"reason": "", "override_facts": "新事实"})
    assert response.status_code == 422
    response = client.post(
        f"/documents/{document.pk}/correct/", {"reason": "笔误", "override_facts": "新的违法事实表述"}
    )
    assert response.status_code == 302
    versions = list(Document.objects.filter(case=document.case).order_by("version"))
    assert [v.status for v in versions] == ["superseded", "issued"]
    assert (
        versions[1].number_id == versions[0].number_id
        and versions[1].entry.corrects_id == versions[0].entry_id
    )


def test_workbench_shows_alerts(client, world):
    from sanxiang.cases import deadlines

    case = general_case(world, until="file")
    fire(world, case, "preserve_evidence", officers=world.officers(), items="样品")
    with clock.frozen(clock.today().replace(day=20)):
        deadlines.tick()
    web(client, world.officer)
    page = client.get("/").content.decode()
    assert "时限预警" in page and case.number in page


# --- on-site simple procedure (phone page) -----------------------------------------------------


def _on_site_post(world, **overrides):
    basis = world.item.penalty_basis.first()
    data = {
        "party_kind": "person",
        "party_name": "王五",
        "party_id": __import__("tests.factories", fromlist=["person_id"]).person_id(),
        "party_address": "测试路9号",
        "item": world.item.pk,
        "place": "人民路与解放路交叉口",
        "facts": "占道经营，经劝阻拒不改正。",
        "fine_amount": "150",
        "legal_basis": [str(basis.pk)],
        "partner": world.partner.pk,
    }
    data.update(overrides)
    return data


def test_on_site_decision_gives_the_numbered_document_at_once(client, world):
    web(client, world.officer)
    page = client.get("/documents/on-site/")
    assert page.status_code == 200 and "简易程序" in page.content.decode()
    photo = io.BytesIO(samples.png("scene"))
    photo.name = "scene.png"
    response = client.post("/documents/on-site/", {**_on_site_post(world), "photos": [photo]})
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.code == "simple_decision" and re.search(r"简罚〔2026〕1号$", document.number_text)
    assert document.case.stage == "decided" and document.case.evidence.filter(media_kind="photo").count() == 1
    done = client.get(response["Location"]).content.decode()
    assert document.number_text in done
    assert client.get(f"/documents/{document.pk}/file.pdf").content[:4] == b"%PDF"


def test_on_site_above_the_threshold_is_refused_and_leaves_nothing(client, world):
    from sanxiang.cases.models import Case

    web(client, world.officer)
    response = client.post("/documents/on-site/", _on_site_post(world, fine_amount="201"))
    assert response.status_code == 422 and "简易程序上限200" in response.content.decode()
    assert not Case.objects.exists() and not DocumentNumber.objects.exists()


# --- portal verification ------------------------------------------------------------------------


def test_portal_verification_shows_only_public_facts(client, world):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    url = services.verification_url(document).split("8000", 1)[1]
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "一致" in body and document.number_text in body
    assert case.party.name not in body and case.party.credit_code not in body and "过期" not in body
    wrong = client.get(url.replace(document.sha256, "0" * 64)).content.decode()
    assert "不一致" in wrong
    assert client.get("/portal/documents/nope/").status_code == 404
    found = client.get("/portal/documents/", {"number": document.number_text, "h": document.sha256})
    assert "一致" in found.content.decode()
    missing = client.get("/portal/documents/", {"number": document.number_text, "h": "1" * 64})
    assert "没有与该文号和哈希相符的文书" in missing.content.decode()


# --- admin: templates are data with versions ----------------------------------------------------


def test_agency_variant_is_a_new_version_and_issued_documents_keep_theirs(world):
    admin_user = staff(world.agency, Role.ADMIN, certified=False)
    base = DocumentTemplate.objects.get(code="penalty_decision", agency=None)
    sections = [*base.sections[:-1], {"type": "text", "text": "本机关监督电话：12345。"}, base.sections[-1]]
    first = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    variant = services.revise_template(
        base, actor=admin_user, agency=world.agency, sections=sections, note="增加监督电话"
    )
    assert variant.version == 1 and variant.agency == world.agency
    second = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    assert second.template == variant and "本机关监督电话：12345。" in str(second.content)
    assert first.template == base and "监督电话" not in str(first.content)
    with pytest.raises(DomainError) as refused:
        services.revise_template(base, actor=admin_user, agency=world.agency, requires_reasons=False)
    assert refused.value.code == "documents.template.reasons"
    with pytest.raises(DomainError) as refused:
        services.revise_template(base, actor=world.officer, agency=world.agency, sections=sections)
    assert refused.value.code == "documents.template.forbidden"
    with pytest.raises(DomainError) as refused:
        services.revise_template(base, actor=admin_user, agency=world.agency, sections=[{"text": "{% if %}"}])
    assert refused.value.code == "documents.template.syntax"


def test_admin_saves_a_template_as_a_new_version(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.invalid", PASSWORD)
    client.force_login(root)
    base = DocumentTemplate.objects.get(code="hearing_notice", agency=None)
    import json

    response = client.post(
        f"/admin/documents/documenttemplate/{base.pk}/change/",
        {
            "agency": world.agency.pk,
            "name": base.name,
            "abbreviation": "听告",
            "numbered": "on",
            "active": "on",
            "note": "本地文号代字",
            "sections_json": json.dumps(base.sections, ensure_ascii=False),
        },
    )
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.abbreviation == "听通"
    assert DocumentTemplate.objects.get(code="hearing_notice", agency=world.agency).abbreviation == "听告"


def test_seeding_is_idempotent():
    from sanxiang.documents.catalogue import load_templates

    before = DocumentTemplate.objects.count()
    assert load_templates() == 0 and DocumentTemplate.objects.count() == before >= 22


# --- command line -------------------------------------------------------------------------------


def test_document_command_by_code_or_chinese_name(world, tmp_path):
    case = general_case(world)
    draft = tmp_path / "draft.docx"
    call_command("document", case.number, "行政处罚决定书", "--format", "docx", "-o", str(draft))
    assert draft.read_bytes()[:2] == b"PK"
    document = services.issue(case, "penalty_decision", actor=world.officer)
    pdf = tmp_path / "issued.pdf"
    call_command("document", case.number, "penalty_decision", "--format", "pdf", "-o", str(pdf))
    from pypdf import PdfReader

    text = "".join("".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
    assert document.number_text in text and document.sha256 in text
    with pytest.raises(CommandError, match=r"documents\.template\.unknown"):
        call_command("document", case.number, "不存在的文书", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="没有案件"):
        call_command("document", "NOPE-1", "penalty_decision", "-o", str(tmp_path / "x"))


def test_walk_paths_still_run_with_documents_installed(world):
    for procedure, steps in PATHS.items():
        case = walk(world, world.case(procedure), steps)
        assert case.is_closed, procedure
