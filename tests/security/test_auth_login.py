"""Password login: Argon2 hashing, lockout per username and per address without revealing which
usernames exist, the login audit, idle expiry (issue 10 item 2; docs/security-auth.md)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache

from sanxiang import settings as production
from sanxiang.core.roles import Role
from sanxiang.org.models import SecurityEvent, SecurityEventKind
from tests.factories import PASSWORD, AgencyFactory, staff
from tests.security.helpers import age_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return staff(AgencyFactory(), Role.OFFICER, username="lin")


def login(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_production_hashes_with_argon2_and_a_login_upgrades_a_pbkdf2_hash(settings, officer, client):
    hashers = production.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers  # old hashes still verify
    settings.PASSWORD_HASHERS = hashers
    officer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    officer.save(update_fields=["password"])
    assert login(client, "lin").status_code == 302
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$argon2id$")
    assert officer.check_password(PASSWORD)


def test_password_rules_are_configured():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in production.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(names)


def test_lockout_after_n_failures_refuses_even_the_right_password(settings, officer, client):
    settings.SANXIANG_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        response = login(client, "lin", "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    third = login(client, "lin", "wrong-password")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert "登录失败次数过多" in third.content.decode()
    refused = login(client, "lin")  # the right password, during the cool-down
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    kinds = list(SecurityEvent.objects.filter(username="lin").values_list("kind", flat=True))
    assert kinds.count(SecurityEventKind.LOGIN_FAILED) == 3
    assert kinds.count(SecurityEventKind.LOCKED_OUT) == 2  # reaching the limit, then the refusal
    cache.clear()  # the cool-down is over
    assert login(client, "lin").status_code == 302


def test_lockout_does_not_reveal_whether_the_username_exists(settings, officer, client):
    settings.SANXIANG_LOGIN_MAX_FAILURES = 2
    answers = {}
    for username in ("lin", "nobody-here"):
        for _ in range(2):
            login(client, username, "wrong-password", REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        response = login(client, username, "wrong-password", REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        page = response.content.decode()
        page = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)  # the username typed, the CSRF token
        answers[username] = (response.status_code, response["Retry-After"], page)
    assert answers["lin"] == answers["nobody-here"]
    assert answers["lin"][0] == 429


def test_lockout_per_address_across_usernames(settings, officer, client):
    settings.SANXIANG_LOGIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        login(client, f"guess{n}", "wrong-password", REMOTE_ADDR="203.0.113.9")
    assert login(client, "lin", REMOTE_ADDR="203.0.113.9").status_code == 429
    # a forged X-Forwarded-For does not make a new client
    assert login(client, "lin", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    assert login(client, "lin", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_success_clears_the_username_count(settings, officer, client):
    settings.SANXIANG_LOGIN_MAX_FAILURES = 3
    login(client, "lin", "wrong-password")
    login(client, "lin", "wrong-password")
    assert login(client, "lin").status_code == 302
    client.post("/logout/")
    login(client, "lin", "wrong-password")
    login(client, "lin", "wrong-password")
    assert login(client, "lin").status_code == 302


def test_the_audit_records_logins_logouts_and_failures_without_passwords(officer, client):
    login(client, "lin", "Secret-Typo-42", REMOTE_ADDR="192.0.2.5", HTTP_USER_AGENT="Browser/1.0")
    login(client, "ghost", "Another-Secret-7")
    login(client, "lin", REMOTE_ADDR="192.0.2.5", HTTP_USER_AGENT="Browser/1.0")
    client.post("/logout/")
    events = list(SecurityEvent.objects.order_by("id"))
    assert [e.kind for e in events] == ["login_failed", "login_failed", "login", "logout"]
    failed, ghost, ok, out = events
    assert (failed.username, failed.user, failed.ip, failed.user_agent) == (
        "lin",
        None,
        "192.0.2.5",
        "Browser/1.0",
    )
    assert ghost.username == "ghost"
    assert ok.user == officer and out.user == officer
    for event in events:
        values = " ".join(str(getattr(event, f.attname)) for f in SecurityEvent._meta.fields)
        assert "Secret" not in values and PASSWORD not in values


def test_the_audit_is_read_only_in_the_admin(officer, client):
    admin = staff(AgencyFactory(), Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    login(client, "lin", "wrong-password")
    client.force_login(admin)
    page = client.get("/admin/org/securityevent/")
    assert page.status_code == 200 and "lin" in page.content.decode()
    event = SecurityEvent.objects.filter(kind="login_failed").get()
    assert client.get("/admin/org/securityevent/add/").status_code == 403
    assert client.post(f"/admin/org/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/org/securityevent/{event.pk}/change/", {"username": "changed"})
    event.refresh_from_db()
    assert event.username == "lin"
    officer_client = type(client)()
    officer_client.force_login(officer)
    assert officer_client.get("/admin/org/securityevent/").status_code == 302  # not staff: to the login


def test_an_idle_session_ends_and_the_login_returns_to_the_page(strict, officer, client):
    assert login(client, "lin").status_code == 302
    assert client.get("/cases/").status_code == 200
    age_session(client, seen=strict.SANXIANG_SESSION_IDLE_SECONDS + 60)
    response = client.get("/cases/?page=2")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/cases/%3Fpage%3D2")
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED, user=officer).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT).exists()


def test_an_active_session_stays(strict, officer, client):
    login(client, "lin")
    age_session(client, seen=strict.SANXIANG_SESSION_IDLE_SECONDS - 60)
    assert client.get("/cases/").status_code == 200
