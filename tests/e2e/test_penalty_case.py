"""The whole general-procedure penalty case, clicked through by everyone who touches it."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e import media
from tests.e2e.helpers import act, choose, login, message

VIOLATION = "销售超过保质期的散装熟食"


def test_penalty_case_from_filing_to_publication(cast, browse, tmp_path):
    officer = browse()
    page = login(officer, "officer")
    officer.shot("officer-workbench", "执法人员登录后的工作台：待办、我承办的案件、时限预警。")

    # 1. the officer registers the case, with a new party (a natural person)
    page.goto(officer.base_url + "/cases/new/")
    page.select_option("#id_procedure", "penalty.general")
    page.fill("#id_title", VIOLATION)
    choose(page, "#id_item", "销售不符合食品安全标准的食品")
    page.fill("#id_facts", f"群众举报当事人{VIOLATION}，现场发现过期熟食12盒。")
    page.fill("#id_place", "云溪市东城区建设路18号")
    choose(page, "#id_handlers", "林晓峰", "周雨桐")
    page.select_option("#id_party_kind", "person")
    page.fill("#id_party_name", cast.party["name"])
    page.fill("#id_party_id_number", cast.party["id_number"])
    page.fill("#id_party_address", cast.party["address"])
    page.fill("#id_party_phone", cast.party["phone"])
    officer.shot("register-case", "登记案件：程序、案由、执法事项、承办人和当事人。", full_page=True)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(VIOLATION)
    number = page.locator("h1 small").inner_text().strip()
    assert "已登记案件" in message(page)
    officer.shot("case-registered", "案件已登记：页面顶部是办理进度，“下一步”列出可办理的环节。")

    # 2. the head approves the filing
    head = browse()
    login(head, "head")
    head.shot("head-workbench", "负责人的工作台：待我审批的案件。")
    page = act(head, number, "批准立案")
    assert "已办理：批准立案" in message(page)

    # 3. on-site inspection: two photos and a body-camera video, then the inspection record
    for title, kind, name in [
        ("现场货架照片", "photo", "shelf.png"),
        ("过期熟食标签照片", "photo", "label.png"),
        ("现场检查执法记录仪视频", "video", "bodycam.mp4"),
    ]:
        page = officer.page
        page.goto(f"{officer.base_url}/cases/{number}/")
        page.click("text=上传证据")
        page.set_input_files("#id_file", str(media.write(tmp_path, name, kind, f"{number}-{name}")))
        page.fill("#id_title", title)
        page.select_option("#id_evidence_type", "audiovisual" if kind == "video" else "physical")
        page.select_option("#id_media_kind", kind)
        page.select_option("#id_act", "inspection")
        if kind == "video":
            page.fill("#id_device_number", "DSJ-0042")
            choose(page, "#id_captured_by", "林晓峰")
            page.fill("#id_captured_at", "2026-03-10T09:20")
            page.fill("#id_captured_until", "2026-03-10T09:50")
            page.fill("#id_place", "云溪市东城区建设路18号")
            officer.shot(
                "upload-video",
                "上传执法记录仪视频：关联“现场检查”，填写记录仪编号与采集时间。",
                full_page=True,
            )
        page.click("main form button[type=submit]")
        expect(page.locator(".messages")).to_contain_text(title)

    def inspection(page):
        choose(page, "#f-officers", "林晓峰", "周雨桐")
        page.fill("#f-findings", "货架上有超过保质期的散装熟食12盒，标签日期为2026年3月1日。")

    page = act(
        officer, number, "现场检查", inspection, shot=("inspection", "现场检查：两名执法人员与检查情况。")
    )
    assert "已办理：现场检查" in message(page)
    officer.shot(
        "evidence", "证据与音像记录：照片缩略图、视频及其记录仪信息，已关联现场检查。", full_page=True
    )

    page = act(
        officer, number, "调查终结", lambda p: p.fill("#f-report", "事实清楚，证据确凿，建议给予罚款。")
    )

    # 4. a proposal whose fine makes the decision major (the catalog: 2万元以上 for a natural person)
    def proposal(page):
        page.select_option("#f-outcome", "penalty")
        page.select_option("#f-penalty_types", ["fine"])
        page.fill("#f-fine_amount", "30000")
        page.select_option("#f-legal_basis", index=0)
        page.fill("#f-summary", "拟处罚款三万元。")
        page.fill("#f-reasons_evidence", "现场检查笔录、照片与视频相互印证。")
        page.fill("#f-reasons_basis", "违法行为符合《食品安全法》第一百二十四条规定的情形。")
        page.fill("#f-reasons_discretion", "货值较大，在一般阶次内处罚。")

    page = act(officer, number, "提出拟处理意见", proposal, shot=("proposal", "提出拟处理意见：罚款三万元。"))
    expect(page.locator("#review-h")).to_contain_text("须法制审核")
    officer.shot("major", "罚款达到审核目录标准：案件页标明“须法制审核”及所符合的情形。", full_page=True)

    def notice(page):
        page.fill("#f-served_on", "2026-03-10")
        page.check("#f-hearing_right")
        page.check("#f-rights_waived")

    page = act(officer, number, "送达事先告知书", notice)
    assert "已办理" in message(page), page.locator("main").inner_text()[:500]

    # 5. the head tries to decide: refused, and told why
    page = head.page
    page.goto(f"{head.base_url}/cases/{number}/")
    decide = page.locator("main span", has=page.locator(".btn.disabled", has_text="作出处罚决定")).last
    expect(decide.locator(".action-blocked")).to_contain_text("未经法制审核")
    head.shot("head-refused", "负责人尝试作出决定：按钮不可用，并说明须先通过法制审核。")
    page.goto(f"{head.base_url}/cases/{number}/do/decide/")
    page.click("main form button[type=submit]")
    expect(page.locator("#form-error")).to_contain_text("法制审核")
    head.shot("head-refused-form", "直接提交决定也被拒绝，错误以中文说明原因。")

    # 6. the officer submits for legal review
    page = officer.page
    page.goto(f"{officer.base_url}/cases/{number}/")
    page.click("text=提交法制审核")
    page.fill("#id_evidence_list", "1. 现场检查笔录\n2. 现场照片2张\n3. 执法记录仪视频")
    officer.shot("submit-review", "送审：材料从案件中自动核对，承办人填写证据材料清单。", full_page=True)
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已送审")

    # 7. the reviewer accepts, works the checklist and returns it for more material
    reviewer = browse()
    page = login(reviewer, "reviewer")
    reviewer.shot("reviewer-workbench", "法制审核人员的工作台：审核待办。")
    page.goto(f"{reviewer.base_url}/review/")
    page.locator("main a", has_text=number).first.click()
    page.click("text=材料齐全，受理")
    expect(page.locator(".messages")).to_contain_text("已受理")
    choose(page, "#f-reviewer", "王思远")
    page.click("form[action$='/assign/'] button")
    expect(page.locator(".messages")).to_contain_text("已分配审核人")
    review_url = page.url

    def checklist(page, problem: bool, outcome: str, opinion: str):
        for fieldset in page.locator("fieldset.review-aspect").all():
            result = (
                "problem" if problem and "事实" in fieldset.locator("legend").inner_text() else "compliant"
            )
            fieldset.locator("select").select_option(result)
            if result == "problem":
                fieldset.locator("textarea, input[type=text]").first.fill(
                    "缺少抽样检验报告，过期事实仅有标签照片。"
                )
        page.select_option("#id_outcome", outcome)
        page.fill("#id_opinion", opinion)

    checklist(page, True, "return", "请补充抽样检验报告后重新送审。")
    reviewer.shot(
        "checklist-return", "审核人逐项审核：事实与证据“存在问题”，意见为退回补充材料。", full_page=True
    )
    page.click("button[name=conclude]")
    expect(page.locator(".messages")).to_contain_text("已出具审核意见")

    # 8. the officer supplements the material and submits again
    page = officer.page
    page.goto(f"{officer.base_url}/cases/{number}/")
    page.click("text=上传证据")
    page.set_input_files("#id_file", str(media.write(tmp_path, "report.pdf", "document", f"{number}-report")))
    page.fill("#id_title", "抽样检验报告")
    page.select_option("#id_evidence_type", "documentary")
    page.select_option("#id_media_kind", "document")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("抽样检验报告")
    page.click("text=提交法制审核")
    page.fill("#id_evidence_list", "1. 现场检查笔录\n2. 现场照片2张\n3. 执法记录仪视频\n4. 抽样检验报告")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("第2轮")

    # 9. the reviewer agrees
    page = reviewer.page
    page.goto(f"{reviewer.base_url}/review/")
    page.locator("main a", has_text=number).first.click()
    assert page.url != review_url
    page.click("text=材料齐全，受理")
    choose(page, "#f-reviewer", "王思远")
    page.click("form[action$='/assign/'] button")
    checklist(page, False, "agree", "事实清楚，证据确凿，依据正确，裁量适当，同意。")
    page.click("button[name=conclude]")
    expect(page.locator("h1")).to_contain_text("审核通过")
    reviewer.shot("review-passed", "第二轮审核同意：审核通过。", full_page=True)

    # 10. the head decides
    page = act(head, number, "作出处罚决定")
    assert "已办理" in message(page), page.locator("main").inner_text()[:800]
    head.shot("decided", "负责人作出处罚决定；案件进入“已决定”，公示期限开始计算。", full_page=True)

    # 11. the decision document is generated, issued and served
    page = officer.page
    page.goto(f"{officer.base_url}/cases/{number}/")
    row = page.locator("#docs-h + .table-wrap tr", has_text="行政处罚决定书")
    row.locator("a", has_text="预览并出具").click()
    officer.shot("document-preview", "预览行政处罚决定书：说理部分可编辑，出具时编号。", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已出具行政处罚决定书")
    document_number = re.search(r"东市监处罚〔2026〕\d+号", message(page)).group(0)
    officer.shot("document-issued", "决定书已出具：文号、内容哈希和公开核验页面。", full_page=True)
    pdf = page.request.get(
        officer.base_url + page.locator("main a", has_text="PDF").first.get_attribute("href")
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.click("text=登记送达")
    page.select_option("#method", "direct")
    page.fill("#served_on", "2026-03-10")
    page.fill("#recipient", cast.party["name"])
    page.fill("#place", cast.party["address"])
    officer.shot("serve", "登记送达：方式、日期、签收人；送达后案件自动进入“已送达”。", full_page=True)
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已登记送达")
    page.goto(f"{officer.base_url}/cases/{number}/")
    expect(page.locator(".stage-track [aria-current=step]")).to_have_text("已送达")

    # 12. the publicity editor publishes the decision before its due date
    editor = browse()
    page = login(editor, "editor")
    page.goto(f"{editor.base_url}/publicity/")
    editor.shot("publicity-desk", "公示管理员的公示台：待公示的决定按期限排列。", full_page=True)
    page.locator("main a", has_text=VIOLATION).first.click()
    due = page.locator("dt:text('公示期限') + dd").inner_text()
    assert re.search(r"2026-03-\d\d", due), due  # due after the decision (2026-03-10): not late
    assert "逾期" not in due
    page.check("#cr")
    page.click("form[action$='/check/'] button")
    expect(page.locator(".messages")).to_contain_text("已办理")
    editor.shot(
        "publication-checked", "审核通过：预览脱敏后的公示内容（当事人姓名、证件号已隐去）。", full_page=True
    )
    page.click("form[action$='/publish/'] button")
    expect(page.locator(".messages")).to_contain_text("已办理")

    # 13. the public finds it on the portal by a part of the violation, with the party masked
    public = browse(phone=True)
    page = public.go("/portal/")
    public.shot("portal-home", "公示网站首页（手机 360 像素宽）。", full_page=True)
    page.fill("main input[name=q]", "保质期的散装")
    page.locator("main form[role=search] button, main form button").first.click()
    hit = page.locator("main a", has_text=VIOLATION).first
    expect(hit).to_be_visible()
    results = page.locator("main").inner_text()
    assert cast.party["name"] not in results and "王某某" in results, results[:400]
    public.shot("portal-search", "公众按违法行为的片段检索到该决定；当事人姓名已脱敏。", full_page=True)
    hit.click()
    detail = page.locator("main").inner_text()
    assert document_number in detail
    assert cast.party["name"] not in detail and cast.party["id_number"] not in detail
    assert cast.party["phone"] not in detail
    public.shot("portal-decision", "决定公示详情：文号、违法事实、处罚内容；个人信息已脱敏。", full_page=True)

    # 14. … and verifies the officer's certificate by the link its QR code carries
    certificate = cast.officer.certificates.get().number
    page = public.go(f"/portal/officers/verify/{certificate}/card/")
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert (
        page.request.get(public.base_url + qr.get_attribute("src"))
        .headers["content-type"]
        .startswith("image/svg")
    )
    link = page.locator(".cert-card .url").inner_text().strip()
    assert link.startswith(public.base_url)
    page.goto(link)
    expect(page.locator(".verify-status")).to_contain_text("有效")
    assert "林晓峰" in page.locator("main").inner_text()
    public.shot("certificate-verified", "扫描执法证核验卡上的二维码：证件有效。", full_page=True)

    # 15. the supervisor sees the case and exports its dossier, which verifies
    supervisor = browse()
    page = login(supervisor, "supervisor")
    supervisor.shot("supervisor-workbench", "执法监督人员的工作台。", full_page=True)
    # the case is on the supervision dashboard: the headline figure leads to the cases behind it
    page.goto(f"{supervisor.base_url}/supervision/dashboard/")
    expect(page.locator(".kpi").first).to_be_visible()
    supervisor.shot(
        "supervisor-dashboard",
        "执法监督看板：本期案件、时限、审核、公示及时性与音像记录覆盖。",
        full_page=True,
    )
    page.locator(".kpi", has_text="本期新增案件").click()
    expect(page.locator("main a", has_text=number).first).to_be_visible()
    supervisor.shot("dashboard-drill-down", "点击看板上的数字，列出其背后的案件。", full_page=True)
    page.locator("main a", has_text=number).first.click()
    # I7: a supervisor states why before reading the case; the reason goes into the record
    supervisor.shot("access-reason", "监督人员调阅案卷须说明理由，理由记入全过程记录。", full_page=True)
    page.fill("#gate-reason", "案卷评查")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(VIOLATION)
    supervisor.shot("supervisor-case", "监督人员查看案件（只读）。", full_page=True)
    with page.expect_download() as download:
        page.click("text=导出案卷")
    dossier = tmp_path / "dossier.zip"
    download.value.save_as(dossier)
    key = tmp_path / "public-key.pem"
    key.write_bytes(page.request.get(supervisor.base_url + "/portal/transparency/public-key.pem").body())
    check = subprocess.run(
        [sys.executable, "-m", "sanxiang.dossier_verify", str(dossier), "--public-key", str(key)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
