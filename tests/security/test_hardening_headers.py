"""Security headers on every kind of response (staff page, portal page, API, open-data API),
the production cookie and HSTS settings, and the CSP itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rest_framework.test import APIClient

from sanxiang import settings as production
from sanxiang.core.roles import Role
from tests.factories import AgencyFactory, staff

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def check(response):
    policy = directives(response[CSP])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert (
        "camera=(self)" in response["Permissions-Policy"] and "payment=()" in response["Permissions-Policy"]
    )
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_headers_on_staff_portal_and_api_responses(client):
    officer = staff(AgencyFactory(), Role.OFFICER)
    check(client.get("/login/"))
    check(client.get("/portal/"))
    check(client.get("/api/open/decisions"))
    client.force_login(officer)
    check(client.get("/cases/"))
    api = APIClient()
    api.force_login(officer)
    check(api.get("/api/cases/"))
    check(client.get("/no-such-page/"))  # errors too


def test_only_the_api_docs_page_allows_inline_styles(client):
    officer = staff(AgencyFactory(), Role.OFFICER)
    client.force_login(officer)
    docs = client.get("/api/docs/")
    assert "'unsafe-inline'" in directives(docs[CSP])["style-src"]
    assert docs.has_header("ETag")  # the API's conditional GET answers a second visit with 304 …
    again = client.get("/api/docs/", HTTP_IF_NONE_MATCH=docs["ETag"])
    assert (
        again.status_code == 304 and "'unsafe-inline'" in directives(again[CSP])["style-src"]
    )  # … same policy
    assert directives(docs[CSP])["script-src"] == ["'self'"]
    assert "blob:" in directives(docs[CSP])["worker-src"]
    assert directives(client.get("/cases/")[CSP])["worker-src"] == ["'self'"]


def test_production_turns_on_secure_cookies_and_hsts(tmp_path):
    env = {
        **os.environ,
        "SANXIANG_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "sanxiang.example.gov.cn",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "SANXIANG_INSTANCE_NAME": "test",
        "SANXIANG_VAR_DIR": str(tmp_path),
        "PYTHONPATH": "src",
    }
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SANXIANG_OTP_REQUIRED_ROLES",
    ]
    code = f"import json, sanxiang.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    values = json.loads(out.stdout)
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SANXIANG_OTP_REQUIRED_ROLES"] == ["admin", "supervisor"]
    # and the demo (this process) runs over plain HTTP on 127.0.0.1
    assert not production.SESSION_COOKIE_SECURE and production.SECURE_HSTS_SECONDS == 0


def test_ruff_security_rules_stand_in_for_bandit():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(production.REPO_DIR) / "pyproject.toml").read_text())
    lint = config["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]  # flake8-bandit
    assert not [rule for rule in lint.get("ignore", []) if rule.startswith("S") and rule != "S101"]
