"""Single sign-on through an identity platform (org/sso.py), against a real OIDC provider on
127.0.0.1: RS256 id tokens from a JWKS endpoint, PKCE checked by the provider, nonce checked by us.
The platform only finds existing active staff; what comes after the login (second factor, events)
is the same as after a password."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from sanxiang.core.roles import Role
from sanxiang.org.models import SecurityEvent, SecurityEventKind
from tests.factories import AgencyFactory, staff

pytestmark = pytest.mark.django_db
CLIENT_ID = "sanxiang-city"


class Provider:
    """A minimal identity platform: /token, /userinfo, /jwks. `approve()` plays the person who
    logs in at the platform's own page and is sent back with a one-time code."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key
        self.grants: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def approve(self, authorize_url: str, claims: dict) -> tuple[str, str]:
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.grants[code] = {"nonce": query["nonce"], "challenge": query["code_challenge"], "claims": claims}
        return code, query["state"]

    def _token(self, form: dict) -> tuple[int, dict]:
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None:
            return 400, {"error": "invalid_grant"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.url,
                "aud": CLIENT_ID,
                "sub": "s-1",
                "nonce": grant["nonce"],
                "iat": now,
                "exp": now + 300,
            },
            self.signing_key,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        access = secrets.token_urlsafe(16)
        self.grants[f"access:{access}"] = grant
        return 200, {"id_token": id_token, "access_token": access, "token_type": "Bearer"}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                self._send(*provider._token(form))

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    self._send(200, {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                elif self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    grant = provider.grants.get(f"access:{token}")
                    self._send(200, grant["claims"]) if grant else self._send(401, {"error": "invalid_token"})
                else:
                    self._send(404, {})

        return Handler


@pytest.fixture
def provider(settings):
    platform = Provider()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{platform.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{platform.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{platform.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{platform.url}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "sanxiang.org.sso.GovernmentIdBackend",
    ]
    yield platform
    platform.server.shutdown()


@pytest.fixture
def officer():
    return staff(AgencyFactory(), Role.OFFICER, username="li.officer")


def sso_login(client: Client, provider: Provider, claims: dict, next_url: str = "/cases/"):
    started = client.get(f"/login/sso/?next={next_url}")
    assert started.status_code == 302 and started["Location"].startswith(f"{provider.url}/authorize?")
    code, state = provider.approve(started["Location"], claims)
    return client.get(f"/login/sso/callback/?code={code}&state={state}")


def test_a_known_officer_is_logged_in_and_the_login_recorded(provider, officer):
    client = Client()
    answer = sso_login(client, provider, {"preferred_username": "li.officer", "sub": "s-1"})
    assert answer.status_code == 302 and answer["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN, user=officer).exists()


def test_the_login_page_offers_the_platform_only_when_configured(settings, provider):
    assert "/login/sso/" in Client().get("/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "/login/sso/" not in Client().get("/login/").content.decode()
    assert Client().get("/login/sso/").status_code == 404
    assert Client().get("/login/sso/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    "claims",
    [{"preferred_username": "nobody"}, {"preferred_username": ""}, {"sub": "s-1"}],
    ids=["unknown-account", "empty-claim", "no-claim"],
)
def test_no_account_is_created_for_a_person_without_one(provider, officer, claims):
    from sanxiang.org.models import User

    users = User.objects.count()
    client = Client()
    answer = sso_login(client, provider, claims)
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users
    assert "统一身份认证登录未成功" in client.get("/login/").content.decode()
    if claims.get("preferred_username"):
        assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, username="nobody").exists()


def test_an_inactive_account_is_refused(provider, officer):
    officer.is_active = False
    officer.save()
    client = Client()
    sso_login(client, provider, {"preferred_username": "li.officer"})
    assert "_auth_user_id" not in client.session


def test_a_token_signed_by_another_key_is_refused_and_recorded(provider, officer):
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = Client()
    answer = sso_login(client, provider, {"preferred_username": "li.officer"})
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.LOGIN_FAILED, detail__startswith="sso:"
    ).exists()


def test_a_platform_that_is_down_gives_a_refused_login_not_an_error(provider, officer):
    client = Client()
    started = client.get("/login/sso/")
    code, state = provider.approve(started["Location"], {"preferred_username": "li.officer"})
    provider.server.shutdown()
    provider.server.server_close()
    answer = client.get(f"/login/sso/callback/?code={code}&state={state}")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_a_code_replayed_or_a_state_from_another_browser_does_not_log_in(provider, officer):
    client = Client()
    started = client.get("/login/sso/")
    code, state = provider.approve(started["Location"], {"preferred_username": "li.officer"})
    intruder = Client()
    intruder.get("/login/sso/")  # a session of its own, with other states
    assert intruder.get(f"/login/sso/callback/?code={code}&state={state}").status_code == 400
    assert "_auth_user_id" not in intruder.session


def test_the_second_factor_still_applies_after_the_platform(settings, provider):
    settings.SANXIANG_OTP_REQUIRED_ROLES = ["supervisor"]
    staff(AgencyFactory(), Role.SUPERVISOR, username="wang.supervisor")
    client = Client()
    sso_login(client, provider, {"preferred_username": "wang.supervisor"})
    assert "_auth_user_id" in client.session
    answer = client.get("/cases/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/otp/")
