"""三项制度考评: each indicator on hand-built data with a known answer, empty periods and agencies,
weights and targets, ranking, the CLI in all three formats, and the analysis-report section."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sanxiang.catalog import rules
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.publicity.models import PublicReport
from sanxiang.review.models import Classification
from sanxiang.supervision.models import ScorecardIndicator
from sanxiang.supervision.services import scorecard
from tests.factories import AgencyFactory, certify, staff
from tests.supervision.helpers_dash import YEAR, aware, city, deadline, event, publication, set_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    rules.cache.invalidate()


def card_of(agency, date_from=YEAR[0], date_to=YEAR[1]):
    return scorecard.compute([agency], date_from, date_to)[0]


def test_publication_on_time_counts_published_and_overdue_not_pending_or_withheld(world):
    d = dt.date(2026, 1, 5)
    publication(world.agency, decided=d, due=dt.date(2026, 1, 14), first=dt.date(2026, 1, 10))  # on time
    publication(world.agency, decided=d, due=dt.date(2026, 1, 14), first=dt.date(2026, 1, 20))  # late
    publication(world.agency, decided=d, due=dt.date(2026, 1, 14), status="draft")  # overdue, unpublished
    publication(
        world.agency, decided=dt.date(2026, 3, 9), due=dt.date(2026, 3, 18), status="draft"
    )  # pending
    publication(world.agency, decided=d, due=dt.date(2026, 1, 14), status="withheld")
    publication(
        world.agency, decided=dt.date(2025, 12, 1), due=dt.date(2025, 12, 10), status="draft"
    )  # other year
    ind = card_of(world.agency).get("publication_on_time")
    assert (ind.numerator, ind.denominator) == (1, 3)
    assert ind.display == "33.3%"
    assert ind.met is False


def test_major_reviewed_requires_a_passed_review_before_the_decision():
    from tests.review.helpers import ReviewWorld

    w = ReviewWorld()
    reviewed = w.major_case()
    w.pass_review(reviewed)
    w.decide(reviewed)
    unreviewed = w.case()
    Classification.objects.create(
        case=unreviewed,
        evaluated_on=dt.date(2026, 3, 1),
        required=True,
        trigger="test",
        created_at=aware(dt.date(2026, 3, 1)),
    )
    set_case(unreviewed, decided_on=dt.date(2026, 3, 2))
    minor = w.case()  # decided but not major: not counted
    set_case(minor, decided_on=dt.date(2026, 3, 2))
    ind = card_of(w.agency).get("major_reviewed")
    assert (ind.numerator, ind.denominator) == (1, 2)
    assert ind.target == 1.0 and ind.met is False


def test_reviewer_ratio_uses_rev06_as_target(world):
    staff(world.agency, Role.OFFICER)  # 3 officers
    ind = card_of(world.agency).get("reviewer_ratio")
    assert (ind.numerator, ind.denominator) == (0, 3)
    assert ind.value == 0 and ind.target == pytest.approx(float(rules.param("REV-06.min_ratio").value))
    assert "REV-06" in ind.source
    staff(world.agency, Role.REVIEWER, certified=False)
    ind = card_of(world.agency).get("reviewer_ratio")
    assert (ind.numerator, ind.denominator) == (1, 3)
    assert ind.met is True


def test_av_coverage_counts_required_acts_with_a_video(world):
    from sanxiang.records.models import AVCoverage
    from tests.records.helpers import upload

    moves = scorecard.required_av_transitions()
    procedure, transitions = next((p, t) for p, t in sorted(moves.items()) if "seizure" in t.values())
    name = next(n for n, act in transitions.items() if act == "seizure")
    case = world.case(procedure=procedure)
    covered = event(case, name, aware(dt.date(2026, 2, 3)))
    event(case, name, aware(dt.date(2026, 2, 4)))  # missing
    event(case, name, aware(dt.date(2026, 2, 5)), data={"measure": "freeze"})  # freezing: no AV rule applies
    video = upload(world, case, kind="video", title="查封视频")
    AVCoverage.objects.create(event=covered, evidence=video)
    ind = card_of(world.agency).get("av_coverage")
    assert (ind.numerator, ind.denominator) == (1, 2)


def test_certified_officers_on_the_period_end(world):
    expired = staff(world.agency, Role.OFFICER, certified=False)
    certify(expired, valid_to=dt.date(2025, 12, 31))
    staff(world.agency, Role.OFFICER, certified=False)
    ind = card_of(world.agency).get("certified_officers")
    assert (ind.numerator, ind.denominator) == (2, 4)
    assert ind.display == "50.0%"


def test_within_time_limit_looks_at_the_procedures_legal_limit(world):
    on_time, late, other = world.case(), world.case(), world.case()
    for case in (on_time, late, other):
        set_case(case, closed_on=dt.date(2026, 2, 20))
    deadline(on_time, "decision", "met", dt.date(2026, 2, 1))
    deadline(late, "decision", "late", dt.date(2026, 2, 1))
    deadline(other, "statement", "late", dt.date(2026, 2, 1))  # not the legal time limit
    ind = card_of(world.agency).get("within_time_limit")
    assert (ind.numerator, ind.denominator) == (2, 3)


def test_dossier_completeness_needs_a_document_and_evidence(world):
    from sanxiang.documents import services as documents
    from tests.records.helpers import upload

    complete, no_docs, empty = world.case(), world.case(), world.case()
    documents.issue(complete, "filing_approval", actor=world.officer)
    upload(world, complete)
    upload(world, no_docs)
    for case in (complete, no_docs, empty):
        set_case(case, closed_on=dt.date(2026, 3, 1))
    ind = card_of(world.agency).get("dossier_completeness")
    assert (ind.numerator, ind.denominator) == (1, 3)


def test_correction_rate_excludes_withdrawn_and_is_lower_is_better(world):
    case = world.case()
    for result in ("upheld", "revoked", "changed", "withdrawn"):
        event(
            case,
            "record_remedy",
            aware(dt.date(2026, 2, 2)),
            {"remedy_kind": "reconsideration", "remedy_result": result},
        )
    event(
        case,
        "record_remedy",
        aware(dt.date(2025, 2, 2)),
        {"remedy_kind": "litigation", "remedy_result": "revoked"},
    )
    ind = card_of(world.agency).get("correction_rate")
    assert (ind.numerator, ind.denominator) == (2, 3)
    assert ind.direction == "lower" and ind.met is False
    assert ind.score == pytest.approx(ind.weight * (1 - 2 / 3) / (1 - ind.target))


def test_annual_report_on_time_for_the_agency_or_its_division():
    _bureau, _supervisor, a, b = city()
    PublicReport.objects.create(
        year=2025, scope_code="aa", scope_name="甲局", published_at=aware(dt.date(2026, 1, 20))
    )
    cards = {c.agency.code: c for c in scorecard.compute([a.agency, b.agency], *YEAR)}
    assert (
        cards["aa"].get("annual_report_on_time").numerator,
        cards["aa"].get("annual_report_on_time").denominator,
    ) == (1, 1)
    assert cards["bb"].get("annual_report_on_time").display == "0.0%"  # due 31 Jan passed, nothing published
    PublicReport.objects.create(
        year=2025, scope_code="division-430500", scope_name="测试市", published_at=aware(dt.date(2026, 1, 30))
    )
    assert card_of(b.agency).get("annual_report_on_time").display == "100.0%"
    # a period without a due date in it: no data
    assert (
        card_of(a.agency, dt.date(2026, 2, 1), dt.date(2026, 3, 1)).get("annual_report_on_time").value is None
    )


def test_empty_period_and_agency_without_cases_show_no_data():
    agency = AgencyFactory()
    card = card_of(agency, dt.date(2026, 2, 1), dt.date(2026, 2, 28))  # no report due in February
    assert all(i.value is None for i in card.indicators)
    assert card.total is None and card.total_display == "无数据" and card.rank is None
    data = card.as_dict()
    assert all(v["value"] is None and v["display"] == "无数据" for v in data["indicators"].values())
    # over the year the statistics report was due (31 January) even without cases: 0%, not no data
    year = card_of(agency)
    assert [i.code for i in year.indicators if i.value is not None] == ["annual_report_on_time"]
    assert year.total == 0


def test_period_must_not_end_before_it_starts(world):
    with pytest.raises(InvalidInput):
        scorecard.compute([world.agency], dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_ranking_and_configurable_weights():
    _bureau, supervisor, a, b = city()
    staff(a.agency, Role.REVIEWER, certified=False)  # a meets the staffing target, b does not
    cards = scorecard.compute([a.agency, b.agency], *YEAR)
    assert [c.agency.code for c in cards] == ["aa", "bb"] and [c.rank for c in cards] == [1, 2]
    ratio = ScorecardIndicator.objects.get(code="reviewer_ratio")
    with pytest.raises(Forbidden):
        scorecard.configure_indicator(ratio, actor=a.head, weight=0, target="0.05", enabled=True)
    with pytest.raises(InvalidInput):
        scorecard.configure_indicator(ratio, actor=supervisor, weight=1, target="5", enabled=True)
    scorecard.configure_indicator(ratio, actor=supervisor, weight=10, target="0.05", enabled=False)
    cards = scorecard.compute([a.agency, b.agency], *YEAR)
    assert cards[0].get("reviewer_ratio") is None
    assert cards[0].rank == cards[1].rank == 1  # tied without the staffing indicator


@pytest.mark.parametrize("fmt", ["json", "xlsx", "html"])
def test_cli_report_in_each_format(tmp_path, fmt):
    _bureau, _supervisor, a, _b = city()
    publication(a.agency, decided=dt.date(2026, 1, 5), due=dt.date(2026, 1, 14), first=dt.date(2026, 1, 10))
    out = tmp_path / f"scorecard.{fmt}"
    stdout = io.StringIO()
    call_command("report", "scorecard", "--year", "2026", "--format", fmt, "-o", str(out), stdout=stdout)
    assert "scorecard 2026" in stdout.getvalue()
    if fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert {d["agency"] for d in data} == {"aa", "bb"}  # the justice bureau is not assessed
        aa = next(d for d in data if d["agency"] == "aa")
        pub = aa["indicators"]["publication_on_time"]
        assert pub["value"] == 1.0 and pub["target"] == 1.0 and "公示" in pub["definition"]
        assert aa["indicators"]["correction_rate"]["value"] is None
    elif fmt == "xlsx":
        book = load_workbook(out)
        assert book.sheetnames == ["排名", "指标明细"]
        rows = list(book["指标明细"].values)
        assert rows[0][:3] == ("执法主体", "指标", "值") and len(rows) == 1 + 2 * 9
    else:
        html = out.read_text(encoding="utf-8")
        assert "三项制度考评" in html and "甲局" in html and "无数据" in html


def test_cli_rejects_an_unknown_agency(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未找到执法主体"):
        call_command(
            "report", "scorecard", "--year", "2026", "--agency", "nope", "-o", str(tmp_path / "x.json")
        )


def test_scorecard_changes_section(world):
    staff(world.agency, Role.REVIEWER, certified=False)
    section = scorecard.scorecard_changes_section(dt.date(2026, 1, 1), dt.date(2026, 3, 1), [world.agency])
    assert set(section) >= {"facts", "columns", "rows"}
    assert section["rows"][0][0] == world.agency.name and section["facts"]


def test_web_scorecard_ranking_and_downloads(client):
    _bureau, supervisor, a, _b = city()
    client.force_login(supervisor)
    page = client.get("/supervision/scorecard/?period=year&at=2026-03-01&agency=aa")
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲局" in body and "乙局" in body and "指标明细" in body and 'data-chart="chart-ranking"' in body
    data = json.loads(client.get("/supervision/scorecard/?period=year&at=2026-03-01&format=json").content)
    assert {d["agency"] for d in data["agencies"]} == {"aa", "bb"}
    assert client.get("/supervision/scorecard/?format=xlsx").status_code == 200
    # a head sees only their own agency
    client.force_login(a.head)
    body = client.get("/supervision/scorecard/").content.decode()
    assert "甲局" in body and "乙局" not in body
    assert client.get("/supervision/scorecard/settings/").status_code == 404
    client.force_login(supervisor)
    ind = ScorecardIndicator.objects.get(code="publication_on_time")
    client.post(
        "/supervision/scorecard/settings/",
        {"indicator": ind.pk, "weight": "20", "target": "0.9", "enabled": "on"},
    )
    ind.refresh_from_db()
    assert float(ind.weight) == 20 and float(ind.target) == 0.9
