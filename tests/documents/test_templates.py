"""Every template renders: DOCX opens with python-docx, PDF text is extractable and holds the
Chinese content, and (where pdftoppm exists) the PDF rasterises with ink on the page."""

import io
import shutil
import subprocess

import pytest
from docx import Document as Docx
from PIL import Image
from pypdf import PdfReader

from sanxiang.core import pdf as fonts
from sanxiang.documents import compose, render, services
from sanxiang.documents.catalogue import definitions
from tests.cases.walk import PATHS, inputs_for, walk
from tests.documents.helpers import fire, general_case, hearing_case

pytestmark = pytest.mark.django_db


def _cases(world):
    """One case per stage the templates need; template code → case."""
    simple = walk(world, world.case("penalty.simple"), PATHS["penalty.simple"][:1])
    clue = general_case(world, until="file")
    clue = world.case(party=clue.party, facts="群众举报销售过期食品。")
    inspected = general_case(world, until="inspect")
    inspected = fire(world, inspected, "interview", **inputs_for(world, inspected, "interview"))
    inspected = fire(world, inspected, "preserve_evidence", officers=world.officers(), items="过期牛奶12盒")
    proposed = general_case(world, until="propose")
    decided = general_case(world, until="decide")
    services.issue(decided, "penalty_decision", actor=world.officer)
    no_penalty = general_case(world, until="conclude_investigation")
    basis = [str(a.pk) for a in no_penalty.item.penalty_basis.all()]
    no_penalty = fire(
        world,
        no_penalty,
        "propose",
        outcome="no_penalty",
        legal_basis=basis,
        summary="违法行为轻微并及时改正。",
        reasons_evidence="检查笔录证实已改正。",
        reasons_basis="符合行政处罚法第三十三条。",
        reasons_discretion="没有造成危害后果。",
    )
    no_penalty = walk(world, no_penalty, [("notify", "officer"), ("decide", "head")])
    closed = walk(world, general_case(world, until="decide"), PATHS["penalty.general"][6:])
    heard = hearing_case(world)
    seizure = walk(world, world.case("coercion.measure"), PATHS["coercion.measure"][:2])
    enforcement = world.case("coercion.enforcement")
    enforcement = fire(
        world,
        enforcement,
        "register_basis",
        basis_document="测监处罚〔2026〕1号",
        basis_served_on="2026-01-05",
    )
    enforcement = walk(world, enforcement, PATHS["coercion.enforcement"][:2])
    permit = walk(world, world.case("permit"), PATHS["permit"][:3])
    refused = walk(world, world.case("permit"), PATHS["permit"][:1])
    refused = fire(
        world,
        refused,
        "examine",
        outcome="refuse",
        summary="不符合条件。",
        reasons_evidence="现场核查不符。",
        reasons_basis="不符合许可条件。",
        reasons_discretion="无裁量余地。",
    )
    refused = fire(world, refused, "decide", "head")
    rejected = fire(
        world, world.case("permit"), "reject_application", summary="申请事项依法不需要取得行政许可"
    )
    accepted = walk(world, world.case("permit"), PATHS["permit"][:1])
    return {
        "filing_approval": clue,
        "inspection_record": inspected,
        "interview_record": inspected,
        "preservation_notice": inspected,
        "penalty_notice": proposed,
        "hearing_notice": heard,
        "hearing_transcript": heard,
        "hearing_report": heard,
        "review_opinion": proposed,
        "collective_discussion": proposed,
        "penalty_decision": decided,
        "no_penalty_decision": no_penalty,
        "simple_decision": simple,
        "service_receipt": decided,
        "seizure_decision": seizure,
        "seizure_list": seizure,
        "permit_acceptance": accepted,
        "permit_rejection": rejected,
        "permit_grant": permit,
        "permit_refusal": refused,
        "demand_notice": enforcement,
        "enforcement_decision": enforcement,
        "closing_report": closed,
    }


def _squash(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _docx_text(data: bytes) -> str:
    doc = Docx(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return _squash("".join(p.text for p in doc.paragraphs) + "".join(cells))


def test_every_template_renders_to_docx_and_pdf(world, review_providers):
    cases = _cases(world)
    codes = [d["code"] for d in definitions()]
    assert set(codes) <= set(cases), "a template without a case to render it"
    assert len(codes) >= 22
    for code in codes:
        composed = services.preview(cases[code], code, check=True)
        content = composed.content
        text = compose.plain_text(content)
        assert _squash(content["title"]) in _squash(text)
        assert not fonts.missing(text), (code, fonts.missing(text))
        pdf = render.pdf(content)
        extracted = _pdf_text(pdf)
        for block in content["blocks"]:
            for paragraph in block.get("paragraphs", [])[:2]:
                assert _squash(paragraph)[:12] in extracted, (code, paragraph[:12])
        assert _squash(content["title"]) in extracted
        docx_text = _docx_text(render.docx(content))
        assert _squash(content["title"]) in docx_text
        for block in content["blocks"]:
            for paragraph in block.get("paragraphs", [])[:2]:
                assert _squash(paragraph) in docx_text, (code, paragraph)


def test_issued_document_shows_its_number_hash_and_verification_link(world):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    text = _pdf_text(services.render_document(document, "pdf"))
    assert document.number_text in text
    assert document.sha256 in text
    assert f"/portal/documents/{document.public_id}/" in text
    docx_text = _docx_text(services.render_document(document, "docx"))
    assert document.number_text in docx_text
    for heading in ("证据采信理由", "依据选择理由", "裁量理由", "履行方式和期限", "救济途径和期限"):
        assert heading in text and heading in docx_text


def test_rendering_is_deterministic(world):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    assert services.render_document(document, "pdf") == services.render_document(document, "pdf")
    assert services.render_document(document, "docx") == services.render_document(document, "docx")


def test_font_is_embedded_and_covers_common_and_name_characters():
    assert fonts.FONT_PATH.exists() and fonts.LICENSE_PATH.exists()
    assert "SIL OPEN FONT LICENSE" in fonts.LICENSE_PATH.read_text()
    assert fonts.FONT_PATH.stat().st_size < 4 * 1024 * 1024
    assert fonts.missing("中华人民共和国行政处罚法〔2026〕第一百二十四条罚款捌仟元整（）：；、“”—…") == []
    assert fonts.missing("堃喆昇玥") == []
    assert fonts.missing("𪚥") == ["𪚥"]  # outside the subset: reported, never silently printed as a box


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pdf_rasterises_with_the_chinese_glyphs(world, tmp_path):
    """Render to PNG and look at ink: a page of empty boxes (tofu) or a blank page fails."""
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(services.render_document(document, "pdf"))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(1 for v in page.getdata() if v < 128) / (page.width * page.height)
    assert 0.01 < dark < 0.5, dark

    def ink(text: str) -> float:
        content = {"title": text, "agency": "", "blocks": [], "number": ""}
        path = tmp_path / f"{abs(hash(text))}.pdf"
        path.write_bytes(render.pdf(content))
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(path.with_suffix(""))], check=True
        )
        image = Image.open(path.with_suffix(".png")).convert("L").crop((0, 0, 600, 250))
        return sum(1 for v in image.getdata() if v < 128)

    # Real glyphs and the .notdef box differ: the same count of tofu boxes draws other pixels.
    real, tofu = ink("罚款决定书"), ink("𪚥𪚥𪚥𪚥𪚥")
    assert real > 0 and tofu != real
    assert "罚款决定书" in _pdf_text(
        render.pdf({"title": "罚款决定书", "agency": "", "blocks": [], "number": ""})
    )
