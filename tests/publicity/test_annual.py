"""The annual statistics report (P5): the `sanxiang report` dispatcher, HTML/XLSX/PDF output,
sections that plug in by registration, and publication on the portal."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from sanxiang.core import reports
from sanxiang.core.roles import Role
from sanxiang.publicity import annual, services
from sanxiang.publicity.models import PublicReport
from tests.factories import PASSWORD, staff
from tests.publicity.helpers import decide_simple, decided_case, editor, on, publish_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(world):
    with on(dt.date(2025, 6, 10)):
        publish_case(world, decided_case(world))
        decide_simple(world)
    return world


def test_report_counts_decisions_fines_and_timeliness(year_2025):
    world = year_2025
    data = annual.build(2025, [world.agency])
    sections = {s["key"]: s for s in data["sections"]}
    decisions = sections["decisions"]
    penalty_col = decisions["columns"].index("行政处罚")
    assert decisions["rows"][0][penalty_col] == 2
    assert sections["fines"]["total"][2] == "8,100.00"
    timeliness = sections["publication"]["total"]
    assert timeliness[1:4] == [2, 1, 0]  # two decisions, one published on time, none late
    assert timeliness[4] == 1  # the simple-procedure decision is still unpublished and past due
    assert sections["reviews"]["available"] is True  # registered by the review app
    assert sections["av_coverage"]["available"] is True  # registered by the records app


def test_sections_plug_in_by_registration(db):
    def reviews(year, agencies):
        return {"columns": ["机关", "审核"], "rows": [["甲", 3]]}

    before = reports._sections["annual"]["reviews"]
    try:
        reports.register_section("annual", "reviews", "法制审核", reviews, order=40)
        annual.register_sections()  # the placeholder does not replace a real section
        data = annual.build(2025, [])
        assert next(s for s in data["sections"] if s["key"] == "reviews")["rows"] == [["甲", 3]]
    finally:
        reports._sections["annual"]["reviews"] = before


@pytest.mark.parametrize("fmt", ["html", "xlsx", "pdf"])
def test_report_command_writes_each_format(year_2025, tmp_path, fmt):
    out = tmp_path / f"annual.{fmt}"
    stdout = io.StringIO()
    call_command("report", "annual", "--year", "2025", "--format", fmt, "-o", str(out), stdout=stdout)
    body = out.read_bytes()
    assert "annual report 2025" in stdout.getvalue()
    if fmt == "html":
        text = body.decode()
        assert "2025年度行政执法统计年报" in text and "<svg" in text and "音视频记录覆盖率" in text
        assert "数据来源尚未接入" not in text  # every section has its source now
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        assert "罚没金额" in book.sheetnames
    else:
        from pypdf import PdfReader

        assert body.startswith(b"%PDF") and b"FontFile" in body  # the Chinese font is embedded
        reader = PdfReader(io.BytesIO(body))
        fonts = reader.pages[0]["/Resources"]["/Font"].values()
        assert any("SanxiangSerifSC" in font.get_object()["/BaseFont"] for font in fonts)  # core.pdf's font
        text = "".join(page.extract_text() for page in reader.pages)
        assert "2025年度行政执法统计年报" in text and "罚没金额" in text


def test_report_command_lists_and_refuses_unknown(db):
    stdout = io.StringIO()
    call_command("report", stdout=stdout)
    assert "annual" in stdout.getvalue()
    with pytest.raises(CommandError):
        call_command("report", "nope")
    with pytest.raises(CommandError):
        call_command("report", "annual", "--year", "1800", "-o", "/tmp/x.html")


def test_annual_report_is_published_on_the_portal(year_2025, client):
    world = year_2025
    services.publish_annual_report(2025, actor=editor(world), agency=world.agency)
    report = PublicReport.objects.get(year=2025)
    assert report.scope_code == world.agency.code and report.entry_seq
    page = client.get(f"/portal/reports/2025/{world.agency.code}/")
    assert page.status_code == 200 and "2025年度行政执法统计年报" in page.content.decode()
    assert client.get("/portal/reports/").status_code == 200
    assert client.get("/portal/reports/2025/nope/").status_code == 404


def test_only_supervisors_publish_a_division_report(year_2025):
    world = year_2025
    with pytest.raises(services.Forbidden):
        services.publish_annual_report(2025, actor=editor(world))
    supervisor = staff(world.agency, Role.SUPERVISOR, certified=False)
    report = services.publish_annual_report(2025, actor=supervisor)
    assert report.scope_code.startswith("division-")


def test_staff_report_page_downloads(year_2025, client):
    world = year_2025
    assert client.login(username=editor(world).username, password=PASSWORD)
    page = client.get("/publicity/annual/?year=2025")
    assert page.status_code == 200 and "罚没金额" in page.content.decode()
    assert client.get("/publicity/annual/?year=2025&format=pdf")["Content-Type"] == "application/pdf"
    assert client.get("/publicity/annual/?year=abc").status_code == 200
