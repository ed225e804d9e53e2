"""案件分析报告: empty and full periods through the builder, the page, the API and the CLI; HTML and
PDF; the section registry; and the optional LLM rewrite that may never change a figure."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanxiang.core.roles import Role
from sanxiang.insight import analysis
from tests.factories import World, staff
from tests.insight.helpers import decided

pytestmark = pytest.mark.django_db
EMPTY = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
FULL = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@pytest.fixture
def full(world):
    for fine in (8000, 9000, 10000, 11000):
        decided(world, fine, level="lighter", reasons="初次违法。")
    decided(world, 60000, level="standard", reasons="无", on=dt.date(2026, 3, 5))
    return world


def facts_of(report, key):
    return next(s for s in report["sections"] if s["key"] == key)["facts"]


def test_an_empty_period_says_so_and_never_divides_by_zero(world):
    report = analysis.build(*EMPTY, [world.agency])
    assert "共登记案件0件，作出决定0件" in report["summary"][0]
    assert facts_of(report, "fines") == ["期间内没有处以罚款的决定，无法计算罚款分布。"]
    assert facts_of(report, "items") == ["期间内没有作出行政处罚决定。"]
    fines = next(s for s in report["sections"] if s["key"] == "fines")
    assert all(row[2] == "—" for row in fines["rows"]) and fines["chart"] is None
    text = json.dumps(report, ensure_ascii=False)
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert analysis.render_pdf(report).startswith(b"%PDF")
    assert "没有处以罚款" in analysis.render_html(report)


def test_a_full_period_with_its_figures(full):
    report = analysis.build(*FULL, [full.agency])
    assert "作出决定5件" in report["summary"][0]
    items = facts_of(report, "items")
    assert items[0].startswith("期间内作出行政处罚决定5件，涉及1个事项") and "占100.0%" in items[0]
    assert "罚款合计98,000.00元，中位数10,000.00元，最高60,000.00元" in facts_of(report, "fines")[0]
    trend = next(s for s in report["sections"] if s["key"] == "trend")
    assert trend["rows"] == [
        ["2026-01", 0, 0],
        ["2026-02", 0, 4],
        ["2026-03", 5, 1],
    ]  # opened at the frozen clock
    assert trend["chart"]["series"][1]["data"] == [0, 4, 1]
    html = analysis.render_html(report)
    assert "<svg" in html and "<script" not in html
    assert analysis.render_pdf(report).startswith(b"%PDF")


def test_a_period_must_be_ordered(world):
    with pytest.raises(Exception) as refused:
        analysis.build(dt.date(2026, 2, 1), dt.date(2026, 1, 1), [world.agency])
    assert refused.value.code == "insight.period.reversed"


def test_sections_come_from_the_registry(world, monkeypatch):
    monkeypatch.setattr(analysis, "_sections", dict(analysis._sections))
    analysis.register_section(
        "test_clues", "线索统计", 65, lambda f, t, a: {"facts": ["期间内新增线索0条。"]}
    )
    analysis.register_section("nothing", "无数据", 66, lambda f, t, a: None)
    report = analysis.build(*EMPTY, [world.agency])
    keys = [s["key"] for s in report["sections"]]
    assert keys.index("test_clues") > keys.index("review") and "nothing" not in keys
    assert "期间内新增线索0条。" in report["summary"]


def test_cli_door_html_and_pdf(full, tmp_path, capsys):
    out = tmp_path / "a.pdf"
    call_command(
        "report", "analysis", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "pdf", "-o", str(out)
    )
    assert out.read_bytes().startswith(b"%PDF")
    html = tmp_path / "a.html"
    call_command(
        "report",
        "analysis",
        "--from",
        "2024-01-01",
        "--to",
        "2024-02-01",
        "--format",
        "html",
        "-o",
        str(html),
    )
    assert "共登记案件0件" in html.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("report", "analysis", "--from", "2026-02-01", "--to", "2026-01-01", "-o", str(html))


def test_page_and_api(client, full):
    reviewer = staff(full.agency, Role.REVIEWER, certified=False)
    client.force_login(reviewer)
    page = client.get("/insight/analysis/", {"from": "2026-01-01", "to": "2026-03-31"})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-chart="chart-trend"' in body and 'id="chart-trend"' in body
    assert "vendor/echarts/echarts.min.js" in body and "core/charts.js" in body
    pdf = client.get("/insight/analysis/", {"from": "2026-01-01", "to": "2026-03-31", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    api = client.get("/api/insight/analysis/", {"from": "2026-01-01", "to": "2026-03-31"})
    assert api.status_code == 200 and "作出决定5件" in api.json()["summary"][0]
    other = World()
    client.force_login(staff(other.agency, Role.REVIEWER, certified=False))
    api = client.get("/api/insight/analysis/", {"from": "2026-01-01", "to": "2026-03-31"})
    assert "作出决定0件" in api.json()["summary"][0]  # another agency's cases are out of scope


@pytest.fixture
def llm(settings, monkeypatch):
    settings.SANXIANG_LLM_URL = "http://llm.invalid/v1"
    answers = []

    def post(url, body):
        assert url == "http://llm.invalid/v1/chat/completions"
        return {"choices": [{"message": {"content": answers.pop(0)}}]}

    monkeypatch.setattr(analysis, "_post", post)
    return answers


def test_llm_rewrite_is_used_only_when_its_figures_are_the_computed_ones(full, llm):
    llm.append("本期共作出决定5件，处罚集中于1个事项，罚款合计98,000元，中位数10000元。")
    report = analysis.build(*FULL, [full.agency])
    assert report["summary_source"] == "llm" and "98,000元" in report["summary"][0]

    llm.append("本期共作出决定6件，罚款合计98,000元。")  # one figure changed
    report = analysis.build(*FULL, [full.agency])
    assert report["summary_source"] == "template" and "作出决定5件" in report["summary"][0]

    llm.append("本期共作出决定五件。")  # figures in Chinese numerals cannot be checked
    assert analysis.build(*FULL, [full.agency])["summary_source"] == "template"


def test_llm_failure_keeps_the_template(full, settings, monkeypatch):
    settings.SANXIANG_LLM_URL = "http://llm.invalid/v1"

    def broken(url, body):
        raise OSError("connection refused")

    monkeypatch.setattr(analysis, "_post", broken)
    assert analysis.build(*FULL, [full.agency])["summary_source"] == "template"


def test_llm_off_by_default(full, monkeypatch):
    monkeypatch.setattr(analysis, "_post", lambda *a: pytest.fail("called"))
    assert analysis.build(*FULL, [full.agency])["summary_source"] == "template"
