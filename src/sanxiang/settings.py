"""Django settings for Sanxiang.

Configuration comes from the environment (see docs/deploy.md). With nothing set, Sanxiang runs as
the embedded demo: SQLite under ./var/, files under ./var/media, DEBUG off, bound to 127.0.0.1.
`SANXIANG_ENV=production` makes every required value mandatory, so a misconfigured server fails at
start instead of running with demo defaults.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SANXIANG_VAR_DIR", REPO_DIR / "var")).resolve()
PRODUCTION = os.environ.get("SANXIANG_ENV", "demo") == "production"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION and default is None:
        raise ImproperlyConfigured(f"{name} must be set when SANXIANG_ENV=production")
    return default


def _demo_secret_key() -> str:
    """A per-installation key kept under var/, so sessions survive restarts of the demo."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _env("SECRET_KEY") or _demo_secret_key()
DEBUG = os.environ.get("SANXIANG_DEBUG") == "1"
ALLOWED_HOSTS = (_env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (os.environ.get("CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs page served from our own static files, never a CDN
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # bounded contexts, in dependency order (an app may import only those above it)
    "sanxiang.core",
    "sanxiang.org",
    "sanxiang.catalog",
    "sanxiang.cases",
    "sanxiang.records",
    "sanxiang.documents",
    "sanxiang.review",
    "sanxiang.publicity",
    "sanxiang.portal",
    "sanxiang.supervision",
    "sanxiang.insight",
    "sanxiang.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sanxiang.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sanxiang.org.middleware.AuthGuardMiddleware",  # idle expiry and the second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxiang.core.context_processors.navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (psycopg 3) through DATABASE_URL in production.
# SQLite runs in WAL mode with IMMEDIATE transactions so concurrent writers queue instead of
# failing half-way with "database is locked" on a read-to-write upgrade.
SQLITE_PATH = VAR_DIR / "sanxiang.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}") or "", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-sanxiang.sqlite3")}
elif _env("SANXIANG_PG_PREPARED", "1") == "1":
    # Parameters bound by the server and statements prepared after two uses: PostgreSQL then parses
    # and plans each of the API's fixed queries once per connection, not once per request — a
    # fifth of a case read's CPU (docs/performance.md, API). SANXIANG_PG_PREPARED=0 turns it off,
    # e.g. behind a pooler in transaction mode that cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "login"
# Argon2id first (docs/security-auth.md); PBKDF2 stays so older hashes still verify, and a login
# with one rehashes it with Argon2.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders, but expects the folder
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The checkpoint signing key lives outside the database (DESIGN.md: keys).
SANXIANG_KEY_DIR = Path(os.environ.get("SANXIANG_KEY_DIR", VAR_DIR / "keys")).resolve()

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "sanxiang.org.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "sanxiang.core.renderers.JSONRenderer",  # DRF's body, encoded by orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "sanxiang.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "sanxiang.core.api.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sanxiang.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanxiang API",
    "DESCRIPTION": "三项制度 — 行政执法公示、执法全过程记录、重大执法决定法制审核",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # choice sets whose field names collide across apps get stable names in the schema
    "ENUM_NAME_OVERRIDES": {
        "AppointmentKindEnum": "sanxiang.review.choices.AppointmentKind",
        "ReviewOutcomeEnum": "sanxiang.review.choices.Outcome",
    },
}

# Whole public pages cached for visitors without a session (portal/pagecache.py); 0 turns it off.
SANXIANG_PORTAL_CACHE_SECONDS = int(os.environ.get("SANXIANG_PORTAL_CACHE_SECONDS", "30"))
CACHE_URL = os.environ.get("SANXIANG_CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:  # e.g. redis://127.0.0.1:6379/1 — one cache shared by every process
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}

# --- background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SANXIANG_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANXIANG_LOG_LEVEL", "WARNING")},
    "loggers": {"sanxiang": {"level": os.environ.get("SANXIANG_LOG_LEVEL", "INFO")}},
}

SANXIANG_SITE_NAME = _("三项制度执法平台")
DEMO_PASSWORD = "sanxiang-demo"  # documented in README; only the demo loader uses it  # noqa: S105

# --- records (issue 3): supervised access at the case pages (I7); see records/middleware.py ----
MIDDLEWARE += ["sanxiang.records.middleware.AccessMiddleware"]
# --- exchange and production profile (issue 8; docs/deploy.md) ---------------------------------
# The name this instance signs its outbox messages with (the receiver's "source"), the API's system
# tokens and their scopes, conditional GET (ETag/If-None-Match) on the API, request metrics, reads
# routed to a replica for the portal and reports, and JSON logs.
SANXIANG_INSTANCE_NAME = os.environ.get("SANXIANG_INSTANCE_NAME", "sanxiang")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"].append("sanxiang.exchange.auth.SystemTokenAuthentication")
REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"].append("sanxiang.exchange.auth.TokenScopePermission")
MIDDLEWARE.insert(1, "sanxiang.exchange.middleware.MetricsMiddleware")
MIDDLEWARE.append("sanxiang.exchange.middleware.ApiConditionalGetMiddleware")
MIDDLEWARE.append("sanxiang.exchange.middleware.ReplicaReadsMiddleware")
SANXIANG_METRICS_TOKEN = os.environ.get("SANXIANG_METRICS_TOKEN", "")
SANXIANG_METRICS_ALLOW = [
    a for a in os.environ.get("SANXIANG_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a
]
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sanxiang.exchange.dbrouter.ReplicaRouter"]
SANXIANG_REPLICA_PATHS = [p for p in os.environ.get("SANXIANG_REPLICA_PATHS", "/portal/").split(",") if p]
if os.environ.get("SANXIANG_LOG_FORMAT") == "json":
    LOGGING["formatters"]["json"] = {"()": "sanxiang.exchange.logjson.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
if PRODUCTION and not os.environ.get("SANXIANG_INSTANCE_NAME"):
    raise ImproperlyConfigured("SANXIANG_INSTANCE_NAME must be set when SANXIANG_ENV=production")

# Optional OpenAI-compatible endpoint that may rewrite the case analysis report's summary (insight);
# off unless a URL is set. The rewrite is rejected when its figures differ from the computed facts.
SANXIANG_LLM_URL = os.environ.get("SANXIANG_LLM_URL", "")
SANXIANG_LLM_MODEL = os.environ.get("SANXIANG_LLM_MODEL", "")
SANXIANG_LLM_API_KEY = os.environ.get("SANXIANG_LLM_API_KEY", "")
SANXIANG_LLM_TIMEOUT = float(os.environ.get("SANXIANG_LLM_TIMEOUT", "20"))

# --- authentication and web hardening (issue 10; docs/security-auth.md) --------------------------
# Lockout: after SANXIANG_LOGIN_MAX_FAILURES failed logins for one username (or ..._PER_IP from one
# address) within SANXIANG_LOGIN_FAILURE_WINDOW seconds, that username (or address) is refused for
# SANXIANG_LOGIN_LOCKOUT_SECONDS, whether or not the username exists. Counters live in the cache.
AUTHENTICATION_BACKENDS = ["sanxiang.org.auth.LockoutModelBackend"]
SANXIANG_LOGIN_MAX_FAILURES = int(os.environ.get("SANXIANG_LOGIN_MAX_FAILURES", "5"))
SANXIANG_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("SANXIANG_LOGIN_MAX_FAILURES_PER_IP", "20"))
SANXIANG_LOGIN_FAILURE_WINDOW = int(os.environ.get("SANXIANG_LOGIN_FAILURE_WINDOW", str(15 * 60)))
SANXIANG_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("SANXIANG_LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
# Single sign-on through a government identity platform (OIDC, mozilla-django-oidc; org/sso.py):
# off unless SANXIANG_OIDC_CLIENT_ID is set. It only finds existing active staff accounts, by the
# claim SANXIANG_OIDC_USERNAME_CLAIM; the second factor and everything after the login still apply.
OIDC_RP_CLIENT_ID = os.environ.get("SANXIANG_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("SANXIANG_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("SANXIANG_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("SANXIANG_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("SANXIANG_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("SANXIANG_OIDC_JWKS_URL") or None
OIDC_RP_SIGN_ALGO = os.environ.get("SANXIANG_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("SANXIANG_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = float(os.environ.get("SANXIANG_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/"
SANXIANG_OIDC_USERNAME_CLAIM = os.environ.get("SANXIANG_OIDC_USERNAME_CLAIM", "preferred_username")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("sanxiang.org.sso.GovernmentIdBackend")
# Two-factor (TOTP, django-otp): mandatory for these roles, optional (self-enrolment) for the others.
SANXIANG_OTP_REQUIRED_ROLES = [
    r for r in os.environ.get("SANXIANG_OTP_REQUIRED_ROLES", "admin,supervisor").split(",") if r
]
OTP_TOTP_ISSUER = "Sanxiang"
# Idle sessions end; sensitive acts (a decision, a publication, issuing a document, exporting a
# dossier) need a password confirmed within SANXIANG_REAUTH_SECONDS.
SANXIANG_SESSION_IDLE_SECONDS = int(os.environ.get("SANXIANG_SESSION_IDLE_SECONDS", str(30 * 60)))
SANXIANG_REAUTH_SECONDS = int(os.environ.get("SANXIANG_REAUTH_SECONDS", str(15 * 60)))
# Per-IP limits (DRF's cache-backed throttle, reused for the portal pages): "<n>/<sec|min|hour|day>".
SANXIANG_RATE_LIMITS = {
    "open_data": os.environ.get("SANXIANG_RATE_OPEN_DATA", "120/min"),
    "portal": os.environ.get("SANXIANG_RATE_PORTAL", "300/min"),
    "portal_search": os.environ.get("SANXIANG_RATE_PORTAL_SEARCH", "60/min"),
    "portal_clue": os.environ.get("SANXIANG_RATE_PORTAL_CLUE", "10/hour"),
}
# The cache holds the counters: the process-local default is fine for one demo process; several
# gunicorn workers or servers need a shared cache for the limits and lockout counters: the one
# SANXIANG_CACHE_URL configures above (docs/deploy.md).

INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "sanxiang.core.middleware.SecurityHeadersMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("sanxiang.core.middleware.SecurityHeadersMiddleware") + 1,
    "sanxiang.core.middleware.RateLimitMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()"
SESSION_COOKIE_AGE = 8 * 3600  # absolute limit; the idle limit is SANXIANG_SESSION_IDLE_SECONDS
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("SANXIANG_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^readyz$", r"^metrics$"]  # probes from the host speak plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The client address the limits count: REMOTE_ADDR, or the n-th address from the right of
# X-Forwarded-For behind n trusted proxies (never the whole header, which a client can forge).
REST_FRAMEWORK["NUM_PROXIES"] = int(os.environ.get("SANXIANG_NUM_PROXIES", "0"))
