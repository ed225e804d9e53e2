import io

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from sanxiang.documents import services
from tests.documents.helpers import general_case

pytestmark = pytest.mark.django_db


def test_issue_render_decision(world):
    case = general_case(world)
    doc = services.issue(case, "penalty_decision", actor=world.officer)
    assert doc.number_text.endswith("处罚〔2026〕1号")
    pdf = services.render_document(doc, "pdf")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    print(text)
    assert "行政处罚决定书" in text
    d = Docx(io.BytesIO(services.render_document(doc, "docx")))
    assert any("证据采信理由" in p.text for p in d.paragraphs)
