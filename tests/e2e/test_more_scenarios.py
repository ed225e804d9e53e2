"""The shorter scenarios: a ticket on a phone, a seizure that needs its video, and a stranger at the
door of a case."""

from __future__ import annotations

from playwright.sync_api import expect

from sanxiang.cases import services as case_services
from tests.e2e import media
from tests.e2e.helpers import act, choose, login, message
from tests.factories import company


def test_simple_procedure_ticket_on_a_phone(cast, browse, tmp_path):
    officer = browse(phone=True)
    page = login(officer, "officer")
    officer.shot("phone-workbench", "手机上的工作台（360 像素宽）。", full_page=True)
    page.goto(officer.base_url + "/documents/on-site/")
    page.select_option("#id_party_kind", "person")
    page.fill("#id_party_name", "李小龙")
    page.fill("#id_party_id", cast.party["id_number"])
    page.fill("#id_party_address", "云溪市东城区人民路1号")
    choose(page, "#id_item", "销售不符合食品安全标准的食品")
    page.fill("#id_place", "云溪市东城区人民路1号门前")
    page.fill("#id_facts", "当事人占用人行道摆摊销售散装食品。")
    page.fill("#id_fine_amount", "100")
    page.select_option("#id_legal_basis", index=0)
    choose(page, "#id_partner", "周雨桐")
    page.set_input_files("#photos", str(media.write(tmp_path, "stall.png", "photo", "stall")))
    officer.shot("phone-ticket", "简易程序当场处罚：一页表单，手机上单手可填。", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form is {width}px wide on a 360px phone"
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已作出当场处罚决定")
    officer.shot("phone-ticket-done", "决定已作出：打开决定书 PDF 当场交付当事人。", full_page=True)
    pdf = page.locator("main a", has_text="PDF").first.get_attribute("href")
    response = page.request.get(officer.base_url + pdf)
    assert response.ok and response.body().startswith(b"%PDF")


def test_seizure_is_refused_until_its_video_is_attached(cast, browse, tmp_path):
    officer, head = browse(), browse()
    page = login(officer, "officer")
    page.goto(officer.base_url + "/cases/new/")
    page.select_option("#id_procedure", "coercion.measure")
    page.fill("#id_title", "扣押涉嫌过期的冷冻肉品")
    choose(page, "#id_handlers", "林晓峰", "周雨桐")
    page.select_option("#id_party_kind", "organisation")
    page.fill("#id_party_name", "云溪冷链食品有限公司")
    page.fill("#id_party_credit_code", company(cast.agency).credit_code)
    page.fill("#id_party_legal_representative", "赵六")
    page.fill("#id_party_address", "云溪市东城区冷库路9号")
    page.click("main button[type=submit]")
    number = page.locator("h1 small").inner_text().strip()

    login(head, "head")
    act(head, number, "批准实施", lambda p: p.select_option("#f-measure", "detain"))

    def seizure(page):
        choose(page, "#f-officers", "林晓峰", "周雨桐")
        page.select_option("#f-measure", "detain")
        page.fill("#f-items", "冷冻猪肉20箱")
        page.fill("#f-place", "云溪市东城区冷库路9号")

    page = act(officer, number, "实施查封扣押", seizure)
    expect(page.locator("#form-error")).to_contain_text("录像")
    officer.shot(
        "seizure-refused", "没有全程录像，查封扣押不能办结：页面说明须先上传执法记录仪视频。", full_page=True
    )

    page.goto(f"{officer.base_url}/cases/{number}/")
    page.locator("#av-h ~ .table-wrap a", has_text="上传录像").first.click()
    page.set_input_files("#id_file", str(media.write(tmp_path, "seize.mp4", "video", number)))
    page.fill("#id_title", "扣押过程执法记录仪视频")
    page.fill("#id_device_number", "DSJ-0042")
    choose(page, "#id_captured_by", "林晓峰")
    page.fill("#id_captured_at", "2026-03-10T08:30")
    page.fill("#id_captured_until", "2026-03-10T09:10")
    page.fill("#id_place", "云溪市东城区冷库路9号")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("扣押过程执法记录仪视频")

    page = act(officer, number, "实施查封扣押", seizure)
    assert "已办理" in message(page), page.locator("main").inner_text()[:600]
    officer.shot("seizure-done", "上传视频后查封扣押办结，录像自动关联该执法行为。", full_page=True)


def test_a_user_of_another_agency_cannot_reach_the_case(cast, browse):
    case = case_services.open_case(
        agency=cast.agency,
        procedure="penalty.general",
        actor=cast.officer,
        party=company(cast.agency),
        item=cast.item,
        handlers=[cast.officer, cast.officer2],
        title="涉嫌无证经营",
    )
    stranger = browse()
    page = login(stranger, "outsider")
    for path in (
        f"/cases/{case.number}/",
        f"/cases/{case.number}/do/file/",
        f"/records/cases/{case.number}/dossier.zip",
        f"/records/cases/{case.number}/evidence/new/",
        f"/review/cases/{case.number}/submit/",
    ):
        response = page.request.get(stranger.base_url + path)
        assert response.status == 404, (path, response.status)
    page.goto(f"{stranger.base_url}/cases/?q={case.number}")
    assert case.number not in page.locator("main").inner_text()
    page.goto(f"{stranger.base_url}/cases/{case.number}/")
    stranger.shot("other-agency", "其他机关的用户按地址访问本案：页面不存在（不泄露案件是否存在）。")
