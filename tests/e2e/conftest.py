"""Real-browser end-to-end tests: Debian's Chromium driven by Playwright against a live server that
the tests start on 127.0.0.1 over a fresh test database (pytest-django's `live_server`).

Run them with `make e2e` (installs Chromium from Debian's packages when it is missing). Screenshots
of every step go to var/e2e/screenshots/ (or SANXIANG_E2E_SHOTS); `make gallery` writes them, with
an index page, to docs/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make between
# browser steps are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The live server listens on 127.0.0.1 only, on a port the system picks.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1:0")

CHROMIUM = os.environ.get("SANXIANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium package")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings, tmp_path_factory):
    """Fast password hashing for the many test users, checkpoint keys in a temporary folder, and
    the production login rules (second factor, re-authentication window)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # the browser runs with the production login rules (tests/conftest.py relaxes them for the
    # rest of the suite): the supervisor gives a TOTP code, decisions follow a recent login
    from tests.security.helpers import IDLE_SECONDS, REAUTH_SECONDS, REQUIRED_ROLES

    settings.SANXIANG_OTP_REQUIRED_ROLES = REQUIRED_ROLES
    settings.SANXIANG_REAUTH_SECONDS = REAUTH_SECONDS
    settings.SANXIANG_SESSION_IDLE_SECONDS = IDLE_SECONDS
    settings.SANXIANG_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"
    from sanxiang.catalog import rules

    rules.cache.invalidate()
    yield
    rules.cache.invalidate()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def cast(transactional_db):
    from tests.e2e.world import Cast

    return Cast()


@pytest.fixture
def browse(browser, base_url, request):
    """`browse(phone=False)` opens a fresh browser context (its own cookies) on the live server.
    Every request that leaves 127.0.0.1 is blocked and counted; the test fails if there was one."""
    from tests.e2e.helpers import Session

    sessions: list[Session] = []

    def open_session(*, phone: bool = False, language: str = "zh-CN") -> Session:
        session = Session(browser, base_url, request.node.name, phone=phone, locale=language)
        sessions.append(session)
        return session

    yield open_session
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # what each person saw when the test failed
        from tests.e2e.helpers import REPO

        folder = REPO / "var" / "e2e" / "failures" / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(sessions):
            s.page.screenshot(path=str(folder / f"{i}.png"), full_page=True)
            (folder / f"{i}.html").write_text(s.page.content())
    outside = [url for s in sessions for url in s.outside]
    for s in sessions:
        s.close()
    assert not outside, f"pages requested something outside 127.0.0.1: {outside}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
