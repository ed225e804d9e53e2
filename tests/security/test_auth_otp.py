"""TOTP two-factor (django-otp): mandatory for admins and supervisors, optional for the others;
enrolment with a server-drawn QR code; nothing reachable before the code; the demo's secret
(issue 10 item 2; docs/security-auth.md)."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.core.roles import Role
from sanxiang.org import otp
from sanxiang.org.models import SecurityEvent, SecurityEventKind
from tests.factories import PASSWORD, AgencyFactory, staff
from tests.security.helpers import REQUIRED_ROLES, code_for, totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory()


def login(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD, "next": "/cases/"})


def test_required_roles_default_to_admin_and_supervisor():
    assert set(REQUIRED_ROLES) == {Role.ADMIN, Role.SUPERVISOR}


def test_supervisor_without_device_must_enrol_before_anything(strict, agency, client):
    supervisor = staff(agency, Role.SUPERVISOR, username="sun")
    response = login(client, "sun")
    assert response.status_code == 302 and response["Location"].startswith("/login/otp/enrol/?next=/cases/")
    for path in ("/cases/", "/", "/org/officers/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith("/login/otp/enrol/"), path
    api = client.get("/api/cases/")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"

    page = client.get("/login/otp/enrol/?next=/cases/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="id_token"' in html
    assert "no-store" in page["Cache-Control"]  # the secret is on this page
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert secret == otp.secret_of(device)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # the QR is SVG, no inline script

    wrong = client.post("/login/otp/enrol/", {"token": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.content.decode()
    done = client.post("/login/otp/enrol/", {"token": totp(secret), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    kinds = set(SecurityEvent.objects.filter(user=supervisor).values_list("kind", flat=True))
    assert {SecurityEventKind.LOGIN, SecurityEventKind.OTP_FAILED, SecurityEventKind.OTP_ENROLLED} <= kinds


def test_enrolled_user_gives_the_code_after_the_password(strict, agency, client):
    admin = staff(agency, Role.ADMIN, username="root")
    device = otp.enrol_with_secret(admin, otp.DEMO_SECRET)
    response = login(client, "root")
    assert response.status_code == 302 and response["Location"].startswith("/login/otp/?next=/cases/")
    assert client.get("/cases/")["Location"].startswith("/login/otp/")
    page = client.get("/login/otp/?next=/cases/")
    assert page.status_code == 200 and 'id="id_token"' in page.content.decode()
    bad = client.post("/login/otp/", {"token": "12345", "next": "/cases/"})
    assert bad.status_code == 422
    good = totp(otp.DEMO_SECRET)
    ok = client.post("/login/otp/", {"token": good, "next": "/cases/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/cases/").status_code == 200
    assert SecurityEvent.objects.filter(user=admin, kind=SecurityEventKind.OTP_VERIFIED).count() == 1
    # the same code cannot be replayed in another session
    other = type(client)()
    login(other, "root")
    assert other.post("/login/otp/", {"token": good}).status_code == 422
    assert other.post("/login/otp/", {"token": code_for(device, step_offset=1)}).status_code == 302


def test_wrong_codes_count_towards_the_lockout(strict, agency, client):
    strict.SANXIANG_LOGIN_MAX_FAILURES = 3
    admin = staff(agency, Role.ADMIN, username="root")
    otp.enrol_with_secret(admin)
    login(client, "root")
    good = totp(otp.DEMO_SECRET)
    wrong = "000000" if good != "000000" else "111111"
    client.post("/login/otp/", {"token": wrong})
    client.post("/login/otp/", {"token": wrong})
    locked = client.post("/login/otp/", {"token": wrong})
    assert locked.status_code == 302 and locked["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert login(client, "root").status_code == 429


def test_officers_may_enrol_and_are_then_asked(strict, agency, client):
    staff(agency, Role.OFFICER, username="lin")
    assert login(client, "lin")["Location"] == "/cases/"  # optional: straight in
    page = client.get("/login/otp/enrol/")
    assert page.status_code == 200 and "须使用两步验证" not in page.content.decode()
    secret = otp.secret_of(TOTPDevice.objects.get(user__username="lin"))
    assert client.post("/login/otp/enrol/", {"token": totp(secret)}).status_code == 302
    client.post("/logout/")
    assert login(client, "lin")["Location"].startswith("/login/otp/")


def test_the_setting_makes_other_roles_mandatory(strict, agency, client):
    strict.SANXIANG_OTP_REQUIRED_ROLES = [Role.OFFICER]
    staff(agency, Role.OFFICER, username="lin")
    assert login(client, "lin")["Location"].startswith("/login/otp/enrol/")
    strict.SANXIANG_OTP_REQUIRED_ROLES = []
    client.post("/logout/")
    staff(agency, Role.SUPERVISOR, username="sun")
    assert login(client, "sun")["Location"] == "/cases/"


def test_demo_accounts_get_the_documented_secret(strict, agency):
    supervisor = staff(agency, Role.SUPERVISOR, username="supervisor")
    officer = staff(agency, Role.OFFICER, username="officer")
    assert otp.enrol_demo_accounts() == 1
    assert otp.enrol_demo_accounts() == 1  # idempotent
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed and otp.secret_of(device) == otp.DEMO_SECRET == "SANXIANGDEMOTOTPSANXIANGDEMOTOTP"
    assert device.verify_token(totp(otp.DEMO_SECRET))  # what any authenticator app shows
    assert not TOTPDevice.objects.filter(user=officer).exists()
