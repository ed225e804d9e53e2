import datetime as dt

import pytest
from hypothesis import HealthCheck, settings

from sanxiang.core import clock

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

# Most tests run on a fixed weekday so that working-day arithmetic is reproducible.
FIXED_NOW = dt.datetime(2026, 3, 10, 10, 0)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with clock.frozen(FIXED_NOW):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores files in its own folder, never in ./var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users need a password, not a slow one: PBKDF2 costs ~0.4 s of CPU per user, and the
    usual `world` makes four. Tests of the production hasher set PASSWORD_HASHERS themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _relaxed_login_security(settings):
    """The general suite logs staff in with `client.force_login`: no second factor, no
    re-authentication window to fall out of. The tests of these (tests/security/test_auth*.py)
    set them back."""
    settings.SANXIANG_OTP_REQUIRED_ROLES = []
    settings.SANXIANG_REAUTH_SECONDS = 10**9
    settings.SANXIANG_SESSION_IDLE_SECONDS = 10**9


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached portal pages, rate-limit and lockout counters
    and lookups of one test's data must not answer the next test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


def pytest_configure(config):
    config.addinivalue_line("markers", "real_clock: do not freeze the clock")


def _allow_record_deletes(sender, connection, **kwargs):
    from sanxiang.records.maintenance import allow_deletes

    allow_deletes(connection)


@pytest.fixture(autouse=True, scope="session")
def _records_test_flush():
    """The record's tables refuse DELETE (records/maintenance.py); transactional tests empty them
    between tests, so each SQLite test connection gets the documented per-connection switch.
    PostgreSQL needs nothing: Django's flush uses TRUNCATE there."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_allow_record_deletes, weak=False, dispatch_uid="records-test-flush")
    yield
