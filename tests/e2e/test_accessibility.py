"""axe-core on the main pages (no serious or critical WCAG 2.1 A/AA violation), the portal at
phone width, and the interface switched to English by the user."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.cases.walk import PATHS, walk
from tests.e2e.helpers import login, serious_accessibility_problems
from tests.publicity.helpers import publication_of, publish_case, resident

STAFF_PAGES = ["/", "/cases/", "/cases/new/", "{case}", "/documents/on-site/", "/catalog/items/"]
PUBLIC_PAGES = ["/login/", "/portal/", "/portal/decisions/", "{decision}", "/portal/officers/verify/"]


def _published_case(cast):
    case = walk(cast, cast_case(cast), PATHS["penalty.general"][:6])
    publish_case(cast, case)
    return case, publication_of(case)


def cast_case(cast):
    from sanxiang.cases import services as case_services

    return case_services.open_case(
        agency=cast.agency,
        procedure="penalty.general",
        actor=cast.officer,
        party=resident(cast),
        item=cast.item,
        handlers=[cast.officer, cast.officer2],
        title="销售过期食品",
        facts="当事人销售过期食品。",
    )


def test_pages_pass_the_accessibility_check(cast, browse):
    case, _publication = _published_case(cast)
    from sanxiang.publicity.models import PublicDecision

    decision = PublicDecision.objects.get()
    pages = {"{case}": f"/cases/{case.number}/", "{decision}": f"/portal/decisions/{decision.pk}/"}
    problems = {}
    public = browse(phone=True)
    for path in PUBLIC_PAGES:
        page = public.go(pages.get(path, path))
        assert page.locator("h1").count(), path
        problems[path] = serious_accessibility_problems(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    officer = browse()
    login(officer, "officer")
    for path in STAFF_PAGES:
        page = officer.go(pages.get(path, path))
        problems[path] = serious_accessibility_problems(page)
    assert not {k: v for k, v in problems.items() if v}, problems

    # the user switches the interface to English; it stays English on every page
    page = officer.go(f"/cases/{case.number}/")
    page.select_option("#lang-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#next-h")).to_have_text("Next step")
    officer.shot("english-case", "界面切换为英文（按用户保存）：案件页。", full_page=True)
    page = officer.go("/")
    expect(page.locator("h1").first).to_contain_text("Workbench")
    officer.shot("english-workbench", "英文界面的工作台。")


def test_printed_pages_leave_out_the_navigation(cast, browse):
    """Case pages and public pages print without the top bar, the buttons and the footer."""
    case, _publication = _published_case(cast)
    from sanxiang.publicity.models import PublicDecision

    decision = PublicDecision.objects.get()
    officer = browse()
    login(officer, "officer")
    for path in (f"/cases/{case.number}/", f"/portal/decisions/{decision.pk}/"):
        page = officer.go(path)
        expect(page.locator(".topbar")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator(".footer")).to_be_hidden()
        expect(page.locator("main h1").first).to_be_visible()
        page.emulate_media(media="screen")
