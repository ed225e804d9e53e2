"""What every scenario uses: a browser session per person, the one login helper, screenshots with
captions, the accessibility check and small waits."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.factories import PASSWORD
from tests.security.helpers import totp

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SANXIANG_E2E_SHOTS") or REPO / "var" / "e2e" / "screenshots")
LOCAL_HOSTS = {"127.0.0.1"}
_counters: dict[str, int] = {}


class Session:
    """One person at one browser: a context of its own (cookies, viewport) and one page."""

    def __init__(self, browser, base_url: str, test_name: str, *, phone: bool = False, locale: str = "zh-CN"):
        from tests.e2e.conftest import DESKTOP, PHONE

        self.base_url = base_url
        self.scenario = re.sub(r"^test_", "", re.sub(r"\[.*\]$", "", test_name))
        self.phone = phone
        self.outside: list[str] = []
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            locale=locale,
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=1,
            service_workers="block",
            accept_downloads=True,
        )
        self.context.set_default_timeout(20_000)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()

    def _only_local(self, route):
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, name: str, caption: str, *, full_page: bool = False) -> Path:
        """Save a PNG of what the person sees now, numbered in the scenario's order, with a caption
        for the gallery (docs/screenshots/)."""
        folder = SHOTS / self.scenario
        folder.mkdir(parents=True, exist_ok=True)
        n = _counters[self.scenario] = _counters.get(self.scenario, 0) + 1
        if n == 1:
            for old in folder.glob("*.png"):
                old.unlink()
            (folder / "captions.json").write_text("[]")
        path = folder / f"{n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        captions = json.loads((folder / "captions.json").read_text())
        captions.append({"file": path.name, "caption": caption, "url": urlsplit(self.page.url).path})
        (folder / "captions.json").write_text(json.dumps(captions, ensure_ascii=False, indent=1))
        return path

    def close(self):
        self.context.close()


def login(session: Session, username: str, password: str = PASSWORD):
    """The one way the scenarios log in: the password, then, for the roles that need it
    (SANXIANG_OTP_REQUIRED_ROLES) or an enrolled user, the TOTP code an authenticator app would
    show — from the secret on the enrolment page, or from the user's device in the database."""
    page = session.go("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/login/otp/enrol/" in page.url:
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        session.shot("otp-enrol", "首次登录须启用两步验证：扫描二维码或输入密钥，再输入验证码。")
        page.fill("#id_token", totp(secret))
        page.click("main form[action$='/login/otp/enrol/'] button[type=submit]")
    elif "/login/otp/" in page.url:
        session.shot("otp", "两步验证：输入验证器应用显示的 6 位验证码。")
        page.fill("#id_token", _next_code(username))
        page.click("main form[action$='/login/otp/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))
    return page


def _next_code(username: str) -> str:
    """The code of the user's device for the earliest time step not used yet (a code is accepted
    once; the device also accepts the next step, so a second login within 30 s still works)."""
    from sanxiang.org import otp
    from sanxiang.org.models import User

    device = otp.confirmed_device(User.objects.get(username=username))
    now = time.time()
    step = max(int(now // device.step), device.last_t + 1)
    if step > now // device.step + device.tolerance:
        time.sleep(step * device.step - now - device.tolerance * device.step + 0.5)
    secret = otp.secret_of(device)
    return totp(secret, step * device.step + 1)


def logout(session: Session):
    session.page.click("header form[action$='/logout/'] button")
    session.page.wait_for_url(re.compile(r"/login/"))


def message(page) -> str:
    """The text of the flash messages (role=status) of the page."""
    box = page.locator(".messages")
    return box.inner_text() if box.count() else ""


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2 A/AA rules)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
        " resultTypes: ['violations']})"
    )
    problems = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
            problems.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return problems


def choose(page, selector: str, *texts: str):
    """Select the options of `selector` whose visible text contains each of `texts`."""
    options = page.locator(f"{selector} option")
    labels = options.all_inner_texts()
    values = []
    for text in texts:
        index = next(i for i, label in enumerate(labels) if text in label)
        values.append(options.nth(index).get_attribute("value"))
    page.select_option(selector, values)


def act(session: Session, number: str, label: str, fill=None, *, shot: tuple[str, str] | None = None):
    """On the case page, click the next-step button `label`, fill the form with `fill(page)` and
    confirm; returns the page after the redirect (or the form again, with its errors)."""
    page = session.page
    page.goto(f"{session.base_url}/cases/{number}/")
    page.locator("main a.btn", has_text=label).first.click()
    page.wait_for_url(re.compile(r"/do/"))
    if fill:
        fill(page)
    if shot:
        session.shot(*shot, full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page
