"""Bulk import and export: encodings, merged cells, formulas, duplicates, row errors in Chinese,
dry run, all-or-nothing, the import record, historical cases, round trips, the 双公示 layout."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from sanxiang.cases.models import Case
from sanxiang.catalog.models import EnforcementItem, Law
from sanxiang.core.errors import DomainError
from sanxiang.exchange import exporters, publications
from sanxiang.exchange.importers import run_import
from sanxiang.exchange.models import ImportRun, OutboxMessage
from sanxiang.org.models import Agency, Certificate, User
from sanxiang.records.models import Entry
from tests.exchange.helpers import admin
from tests.factories import World, credit_code, person_id

pytestmark = pytest.mark.django_db

AGENCY_HEADER = "机关代码,名称,文号简称,主体类型,区划代码,区划名称,区划层级,执法领域,统一社会信用代码\n"


def agencies_csv(*rows: str) -> str:
    return AGENCY_HEADER + "".join(r + "\n" for r in rows)


def xlsx(rows, *, merge=None, formula=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if formula:
        sheet[formula[0]] = formula[1]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def boss(world):
    return admin(world)


def test_csv_in_utf8_and_in_gbk_import_the_same(boss):
    text = agencies_csv("cg1,测试城管局,测城,行政机关,990901,测试新区,县/区,market")
    run = run_import("agencies", text.encode("utf-8"), filename="a.csv", actor=boss)
    assert run.status == "committed", run.errors
    text2 = text.replace("cg1", "cg2").replace("测试城管局", "测试城管局二")
    run = run_import("agencies", text2.encode("gbk"), filename="a.csv", actor=boss)
    assert run.status == "committed", run.errors
    assert Agency.objects.get(code="cg2").name == "测试城管局二"  # no mojibake
    assert Agency.objects.get(code="cg2").division.name == "测试新区"


def test_an_undecodable_csv_is_refused_clearly_never_mojibake(boss):
    data = "机关代码,名称\n".encode("utf-16-le")[2:] + b"\xff\xfe\x00\xd8"
    run = run_import("agencies", data, filename="bad.csv", actor=boss)
    assert run.status == "rejected"
    assert "编码" in run.errors[0]["reason"]
    big5 = "機關代碼,名稱,文號簡稱,主體類型\ncg3,測試城管局,測城,行政機關\n".encode("big5")
    run = run_import("agencies", big5, filename="big5.csv", actor=boss)
    assert run.status == "rejected"
    assert "编码" in run.errors[0]["reason"] or "表头" in run.errors[0]["reason"]
    assert not Agency.objects.filter(code="cg3").exists()


def test_a_csv_the_csv_module_cannot_parse_is_refused_with_its_line_not_an_exception(boss):
    good = "cr1,测试机关,测,行政机关,990901,测试新区,县/区,market"
    bare_cr = "cr2,测试\r机关,测,行政机关,990901,测试新区,县/区,market"  # unquoted carriage return
    run = run_import("agencies", agencies_csv(good, bare_cr).encode(), filename="cr.csv", actor=boss)
    assert run.status == "rejected" and run.error_count == 1
    assert run.errors[0]["row"] == 3 and "不是有效的 CSV" in run.errors[0]["reason"]
    assert not Agency.objects.filter(code__startswith="cr").exists()
    quoted = '"cr3","测试\r机关",测,行政机关,990901,测试新区,县/区,market'  # quoted: a valid cell
    run = run_import("agencies", agencies_csv(quoted).encode(), filename="cr.csv", actor=boss)
    assert run.status == "committed", run.errors


def test_row_errors_name_row_column_and_reason_and_nothing_is_imported(boss):
    good = credit_code()
    bad_code = good[:-1] + ("1" if good[-1] != "1" else "2")  # wrong check character
    text = agencies_csv(
        "ok1,好机关,好,行政机关,990901,测试新区,县/区,market",
        "ok1,重复机关,重,行政机关,990901,测试新区,县/区,market",
        "bad2,坏机关,坏,不存在的类型,990901,测试新区,县/区,market",
        f"bad3,坏机关三,坏三,行政机关,990901,测试新区,县/区,nosuchfield,{bad_code}",
    )
    run = run_import("agencies", text.encode(), filename="a.csv", actor=boss)
    assert run.status == "rejected"
    by_row = {(e["row"], e["column"]): e["reason"] for e in run.errors}
    assert "与第 2 行重复" in by_row[(3, "")]
    assert "不是可选值" in by_row[(4, "主体类型")]
    assert "执法领域代码不存在" in by_row[(5, "执法领域")]
    assert (5, "统一社会信用代码") in by_row
    assert not Agency.objects.filter(code="ok1").exists()  # all or nothing
    assert run.counts == {} and run.error_count == 4


def test_dry_run_validates_everything_and_changes_nothing_but_is_recorded(boss):
    text = agencies_csv("dry1,试运行机关,试,行政机关,990901,测试新区,县/区,market")
    run = run_import("agencies", text.encode(), filename="a.csv", actor=boss, dry_run=True)
    assert run.status == "valid" and run.counts == {"divisions": 1, "agencies": 1}
    assert not Agency.objects.filter(code="dry1").exists()
    entry = Entry.objects.get(seq=run.entry_seq)
    assert entry.kind == "exchange.import" and entry.payload["dry_run"] is True
    assert entry.payload["sha256"] == run.sha256 and entry.actor == boss


def test_a_service_refusal_during_commit_rolls_back_every_row(boss, world):
    """Validation passes, then the officer service refuses the last row: nothing stays."""
    code = world.agency.code
    text = (
        "用户名,姓名,所属机关代码,角色,执法证号,发证机关,有效期自,有效期至\n"
        f"imp1,导入一,{code},执法人员,IMP-1,测试人民政府,2024-01-01,2028-12-31\n"
        f"imp2,导入二,{code},执法人员,IMP-2,测试人民政府,2024-01-01,2028-12-31\n"
    )
    from sanxiang.org import services as org_services

    original = org_services.issue_certificate
    calls = []

    def refuse_second(**kw):
        calls.append(kw["number"])
        if kw["number"] == "IMP-2":
            raise DomainError("org.certificate.duplicate", "执法证号已存在。", field="number")
        return original(**kw)

    org_services.issue_certificate = refuse_second
    try:
        run = run_import("officers", text.encode(), filename="o.csv", actor=boss)
    finally:
        org_services.issue_certificate = original
    assert calls == ["IMP-1", "IMP-2"]
    assert run.status == "rejected" and "已存在" in run.errors[0]["reason"]
    assert not User.objects.filter(username__in=["imp1", "imp2"]).exists()
    assert not Certificate.objects.filter(number="IMP-1").exists()
    assert not OutboxMessage.objects.filter(key="certificate:IMP-1").exists()


def test_officers_with_certificates_go_through_the_services(boss, world):
    code = world.agency.code
    text = (
        "username,full_name,agency_code,roles,certificate_number,certificate_issuer,valid_from,valid_to\n"
        f"off1,官员一,{code},officer;head,CERT-001,测试人民政府,2024-01-01,2028-12-31\n"
        f"off2,官员二,{code},,,,,\n"
    )
    run = run_import("officers", text.encode(), filename="o.csv", actor=boss)
    assert run.status == "committed", run.errors
    assert run.counts == {"officers": 2, "certificates": 1}
    assert User.objects.get(username="off1").roles == {"officer", "head"}
    assert Certificate.objects.get(number="CERT-001").holder.username == "off1"
    assert OutboxMessage.objects.filter(key="certificate:CERT-001").exists()  # pushed like any issue


def test_xlsx_merged_cells_and_formulas_are_refused_naming_the_cells(boss):
    header = ["机关代码", "名称", "文号简称", "主体类型", "区划代码", "区划名称", "区划层级"]
    row = ["x1", "机关", "机", "行政机关", "990901", "测试新区", "县/区"]
    merged = run_import("agencies", xlsx([header, row, row], merge="E2:E3"), filename="m.xlsx", actor=boss)
    assert merged.status == "rejected" and "E2:E3" in merged.errors[0]["reason"]
    formula = run_import(
        "agencies", xlsx([header, row], formula=("B2", '=A2&"局"')), filename="f.xlsx", actor=boss
    )
    assert formula.status == "rejected"
    assert "B2" in formula.errors[0]["reason"] and "公式" in formula.errors[0]["reason"]
    assert formula.errors[0]["row"] == 2
    ok = run_import("agencies", xlsx([header, row]), filename="ok.xlsx", actor=boss)
    assert ok.status == "committed", ok.errors


def test_unknown_and_missing_columns_refuse_the_file(boss):
    run = run_import("agencies", "机关代码,名称,乱码列\nx,y,z\n".encode(), filename="a.csv", actor=boss)
    assert run.status == "rejected" and "表头无法识别" in run.errors[0]["reason"]
    run = run_import("agencies", "机关代码,名称\nx,y\n".encode(), filename="a.csv", actor=boss)
    assert "缺少必填列" in run.errors[0]["reason"]


def test_laws_items_and_benchmarks_chain(boss, world):
    laws = {
        "rows": [
            {
                "law_code": "示例条例-2026",
                "law_name": "示例条例",
                "version_date": "2026-01-01",
                "article_number": n,
                "text": f"第{n}条正文。",
            }
            for n in (1, 2, 3)
        ]
    }
    run = run_import("laws", json.dumps(laws, ensure_ascii=False).encode(), filename="l.json", actor=boss)
    assert run.status == "committed", run.errors
    assert Law.objects.get(code="示例条例-2026").articles.count() == 3
    items = (
        "事项编码,事项名称,执法类别,实施主体代码,执法领域,处罚依据,法定罚款下限,法定罚款上限\n"
        f"IMPX-1,违反示例条例,行政处罚,{world.agency.code},market,《示例条例》第2条；示例条例:3,1000,50000\n"
    )
    run = run_import("items", items.encode(), filename="i.csv", actor=boss)
    assert run.status == "committed", run.errors
    item = EnforcementItem.objects.get(code="IMPX-1")
    assert sorted(a.number for a in item.penalty_basis.all()) == [2, 3]
    bench = (
        "事项编码,施行日期,制定依据,公布日期,裁量阶次,适用情形,罚款下限,罚款上限\n"
        "IMPX-1,2026-01-01,示例基准,2025-12-20,从轻处罚,首次违法,1000,10000\n"
        "IMPX-1,2026-01-01,示例基准,2025-12-20,一般处罚,一般情形,10000,30000\n"
        "IMPX-1,2026-01-01,示例基准,2025-12-20,一般处罚,重复行,10000,30000\n"
    )
    run = run_import("benchmarks", bench.encode(), filename="b.csv", actor=boss)
    assert run.status == "rejected" and "与第 3 行重复" in run.errors[0]["reason"]
    run = run_import("benchmarks", bench.rsplit("\n", 2)[0].encode() + b"\n", filename="b.csv", actor=boss)
    assert run.status == "committed", run.errors
    assert item.benchmarks.get().levels.count() == 2
    bad = items.replace("IMPX-1", "IMPX-2").replace("第2条", "第99条")
    run = run_import("items", bad.encode(), filename="i.csv", actor=boss)
    assert run.status == "rejected" and "第99条" in run.errors[0]["reason"]


def case_rows(world, n, *, start=1):
    lines = [
        "案件编号,执法主体代码,程序,案由,登记日期,决定日期,结案日期,执法事项编码,当事人类型,当事人,证件号码,统一社会信用代码,法定代表人,罚款金额,来源系统"
    ]
    for i in range(start, start + n):
        if i % 2:
            party = f"自然人,历史当事人{i},{person_id(serial=i % 900 + 1)},,"
        else:
            party = f"法人或其他组织,历史公司{i},,{credit_code()},王五"
        lines.append(
            f"HIST-2023-{i:06d},{world.agency.code},penalty.general,历史案件{i},2023-03-01,2023-04-01,2023-05-01,"
            f"{world.item.code},{party},{1000 + i},旧系统"
        )
    return ("\n".join(lines) + "\n").encode()


def test_historical_cases_enter_as_imported_history_with_record_entries(boss, world):
    run = run_import("cases", case_rows(world, 5), filename="h.csv", actor=boss)
    assert run.status == "committed", run.errors
    assert run.counts["cases"] == 5
    case = Case.objects.get(number="HIST-2023-000002")
    assert case.stage == "closed" and case.year == 2023 and case.fine_amount == 1002
    imported = case.attributes["imported"]
    entry = Entry.objects.get(seq=imported["entry"])
    assert entry.kind == "case.history_imported" and entry.stream == "exchange:history"
    assert ["HIST-2023-000002", imported["sha256"]] in entry.payload["cases"]
    assert case.events.get().transition == "import"
    assert not OutboxMessage.objects.filter(key=f"case:{case.number}").exists()  # the old system decided it
    live = world.case()
    assert live.serial == 1  # 2026 numbering untouched by 2023 history
    again = run_import("cases", case_rows(world, 1, start=5), filename="h2.csv", actor=boss)
    assert again.status == "rejected" and "已存在" in again.errors[0]["reason"]


FULL_CASE_HEADER = (
    "案件编号,执法主体代码,程序,案由,登记日期,阶段,执法事项编码,当事人类型,当事人,证件类型,证件号码,"
    "统一社会信用代码,法定代表人,案情,地点,行为发生日期,立案日期,决定日期,送达日期,结案日期,处理结果,"
    "罚款金额,没收金额,来源系统"
)


def every_column_rows(world) -> bytes:
    """Historical cases using every column: open and closed, persons (ID card, passport) and
    organisations, a party repeated, no party, no item, amounts with and without decimals."""
    company = credit_code()
    rows = [
        f"EQ-1,{world.agency.code},penalty.general,案一,2023-03-01,,{world.item.code},自然人,张三,,"
        f"{person_id(serial=7)},,,售卖过期食品,某街1号,2023-02-27,2023-03-02,2023-04-01,2023-04-03,"
        "2023-05-01,罚款,1200.5,300,旧系统",
        f"EQ-2,{world.agency.code},行政处罚普通程序,案二,2023/3/5,investigated,,法人或其他组织,某公司,,,"
        f"{company.lower()},李四,,,,2023-03-06,,,,,,,",
        f"EQ-3,{world.agency.code},penalty.general,案三,2024年1月9日,served,{world.item.code},自然人,"
        "John Smith,护照,E1234567,,,,,,2024-01-10,2024-02-01,2024-02-02,,,0,,另一系统",
        f"EQ-4,{world.agency.code},penalty.general,案四,2024-01-10,,,,,,,,,,,,,2024-02-01,,2024-03-01,不予处罚,,,",
        f"EQ-5,{world.agency.code},penalty.general,案五,2024-01-11,decided,,法人或其他组织,某公司,,,{company},"
        "李四,,,,2024-01-12,2024-02-02,,,,8000,,",
    ]
    return (FULL_CASE_HEADER + "\n" + "\n".join(rows) + "\n").encode()


def _imported_state():
    """Every stored value the historical-case import writes, without ids the database assigns."""
    from sanxiang.cases.models import CaseEvent, Party
    from sanxiang.core.models import Sequence

    def party(pk):
        return Party.objects.filter(pk=pk).values().first() if pk else None

    def strip(row, *keys):
        return {k: v for k, v in row.items() if k not in ("id", *keys)}

    cases = {}
    for row in Case.objects.filter(number__startswith="EQ-").values():
        assert row["created_at"] and row["updated_at"]  # set, to the time of the import
        cases[row["number"]] = strip(row, "created_at", "updated_at") | {
            "party_id": party(row["party_id"]) and strip(party(row["party_id"]), "created_at", "updated_at")
        }
    events = {
        e.pop("case__number"): strip(e, "case_id")
        for e in CaseEvent.objects.filter(case__number__startswith="EQ-").values(
            "case__number", *[f.attname for f in CaseEvent._meta.concrete_fields]
        )
    }
    entries = list(
        Entry.objects.filter(kind="case.history_imported").order_by("seq").values_list("seq", "body", "hash")
    )
    sequences = dict(Sequence.objects.filter(key__startswith="case:").values_list("key", "value"))
    return cases, events, entries, sequences


@pytest.mark.parametrize("dry_run", [False, True])
def test_fast_case_writer_stores_exactly_what_the_orm_stored(boss, world, monkeypatch, dry_run):
    """`bulkrows.insert` (executemany / COPY) against the ORM's `bulk_create`, field by field, on a
    file using every column; the record entries (hash included) and the reserved serials too."""
    from django.db import transaction

    from sanxiang.core import clock
    from sanxiang.exchange.history import HistoricalCases

    class Undo(Exception):
        pass

    data = every_column_rows(world)
    with clock.frozen(dt.datetime(2026, 3, 10, 10, 0)):
        monkeypatch.setattr(HistoricalCases, "through_orm", True)
        with pytest.raises(Undo), transaction.atomic():
            reference = run_import("cases", data, filename="eq.csv", actor=boss)
            assert reference.status == "committed", reference.errors
            expected = _imported_state()
            raise Undo
        monkeypatch.setattr(HistoricalCases, "through_orm", False)
        run = run_import("cases", data, filename="eq.csv", actor=boss, dry_run=dry_run)
    if dry_run:
        assert run.status == "valid" and not Case.objects.filter(number__startswith="EQ-").exists()
        return
    assert run.status == "committed" and run.counts == reference.counts == {"parties": 3, "cases": 5}
    got = _imported_state()
    assert got == expected
    cases = got[0]
    assert str(cases["EQ-1"]["fine_amount"]) == "1200.50" and cases["EQ-1"]["act_date"] == dt.date(
        2023, 2, 27
    )
    assert cases["EQ-2"]["stage"] == "investigated" and cases["EQ-2"]["closed_on"] is None
    assert cases["EQ-3"]["party_id"]["id_type"] == "passport" and cases["EQ-4"]["party_id"] is None
    assert cases["EQ-2"]["party_id"] == cases["EQ-5"]["party_id"]  # one party, registered once


def test_historical_cases_are_validated_like_a_form(boss, world):
    data = case_rows(world, 2).decode()
    data = data.replace("2023-04-01", "2023-02-01", 1)  # decided before opened
    data = data.replace("penalty.general,历史案件2", "no.such,历史案件2")
    run = run_import("cases", data.encode(), filename="h.csv", actor=boss)
    reasons = " ".join(e["reason"] for e in run.errors)
    assert run.status == "rejected"
    assert "不能早于登记日期" in reasons and "未知的执法程序" in reasons
    assert not Case.objects.filter(number__startswith="HIST").exists()


def test_only_admins_import(world):
    with pytest.raises(DomainError):
        run_import("agencies", b"x", filename="a.csv", actor=world.officer)


def test_export_imports_back_round_trip(boss, world, tmp_path):
    run_import("cases", case_rows(world, 4), filename="h.csv", actor=boss)
    for fmt in ("csv", "xlsx", "json"):
        path = tmp_path / f"cases.{fmt}"
        result = exporters.export("cases", fmt, path, actor=boss)
        assert result["rows"] == 4
    rows = json.loads((tmp_path / "cases.json").read_text())
    assert rows["schema"] == "sanxiang.cases" and rows["version"] == 1
    assert rows["rows"][0]["number"] == "HIST-2023-000001"
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    assert sheet["A1"].value == "案件编号" and sheet["A2"].value == "HIST-2023-000001"
    other = World()
    text = (tmp_path / "cases.csv").read_text(encoding="utf-8-sig")
    moved = text.replace(world.agency.code, other.agency.code).replace(world.item.code, other.item.code)
    moved = moved.replace("HIST-", "MOVED-")
    run = run_import("cases", moved.encode(), filename="back.csv", actor=boss)
    assert run.status == "committed", run.errors
    assert Case.objects.filter(number__startswith="MOVED-").count() == 4
    for kind in ("agencies", "officers", "laws", "items", "benchmarks"):
        assert exporters.export(kind, "csv", tmp_path / f"{kind}.csv", actor=boss)["rows"] >= 0
    assert Entry.objects.filter(kind="exchange.export").count() == 8


def test_publications_feed_in_the_shuang_gongshi_layout_through_the_registered_source(boss, tmp_path):
    previous = publications._providers.pop("penalty", None)  # exchange.feeds registers the real one
    try:
        with pytest.raises(DomainError):
            exporters.export("publications-penalty", "csv", tmp_path / "p.csv", actor=boss)
    finally:
        if previous is not None:
            publications.register_source("penalty", previous)

    def stand_in(since, until):
        yield {
            "CF_XDR_MC": "测试食品有限公司",
            "CF_XDR_LB": "法人及非法人组织",
            "CF_XDR_SHXYM": "91350100M000100Y43",
            "CF_WSH": "测市监罚〔2026〕1号",
            "CF_WFXW": "销售过期食品",
            "CF_SY": "销售过期食品12件",
            "CF_YJ": "《食品安全法》第一百二十四条",
            "CF_CFLB": ["罚款"],
            "CF_NR": "罚款八千元",
            "CF_NR_FK": "0.8",
            "CF_JDRQ": dt.date(2026, 3, 2),
            "CF_CFJG": "测试市场监督管理局",
        }

    previous = publications._providers.get("penalty")
    publications.register_source("penalty", stand_in)
    try:
        result = exporters.export("publications-penalty", "csv", tmp_path / "p.csv", actor=boss)
        keys = exporters.export("publications-penalty", "json", tmp_path / "p.json", actor=boss)
    finally:
        publications.unregister_source("penalty")
        if previous is not None:
            publications.register_source("penalty", previous)
    lines = (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[0] == "行政相对人名称" and header[13] == "行政处罚决定书文号" and len(header) == 30
    assert "0.800000" in lines[1] and "2026-03-02" in lines[1]
    assert result["missing_required"]["CF_CFJGDM"] == 1  # reported, not silently passed
    row = json.loads((tmp_path / "p.json").read_text())["rows"][0]
    assert row["CF_CFLB"] == "罚款" and row["CF_NR_FK"] == "0.800000"
    assert keys["rows"] == 1


def test_cli_import_and_export(boss, world, tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text(agencies_csv("cli1,命令行机关,命,行政机关,990901,测试新区,县/区,market"), encoding="gbk")
    call_command("import", "agencies", str(path), "--dry-run", "--actor", boss.username)
    assert "试运行通过" in capsys.readouterr().out
    assert not Agency.objects.filter(code="cli1").exists()
    call_command("import", "agencies", str(path), "--actor", boss.username)
    assert Agency.objects.filter(code="cli1").exists()
    with pytest.raises(SystemExit):
        call_command("import", "agencies", str(path), "--actor", boss.username)  # now a duplicate
    assert "已存在" in capsys.readouterr().out
    out = tmp_path / "agencies.xlsx"
    call_command("export", "agencies", "--format", "xlsx", "-o", str(out))
    assert load_workbook(out).active["A1"].value == "机关代码"
    assert ImportRun.objects.count() == 3


def test_case_list_downloads_as_csv_and_xlsx_with_the_same_scope(world, client):
    from tests.factories import PASSWORD

    world.case()
    World().case()  # another agency's case must not leak
    assert client.login(username=world.officer.username, password=PASSWORD)
    response = client.get("/cases/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("案件编号,案由")
    assert len(body.strip().splitlines()) == 2
    response = client.get("/cases/?format=xlsx&q=过期")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet["A1"].value == "案件编号"


@pytest.mark.slow
def test_a_large_file_with_one_bad_row_at_the_end_imports_nothing(boss, world):
    """20,000 rows (10⁵ in bench FULL): streamed through validation; the duplicate in the last row
    rejects the file and not one case is created."""
    from bench.bench_exchange import _case_csv

    data = _case_csv(world, 20_000)
    data += data.splitlines(keepends=True)[1]
    run = run_import("cases", data, filename="big.csv", actor=boss)
    assert run.status == "rejected" and run.rows == 20_001
    assert run.errors == [{"row": 20_002, "column": "", "reason": "与第 2 行重复"}]
    assert not Case.objects.filter(number__startswith="BENCH-").exists()
