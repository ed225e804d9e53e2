import pytest


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Rule parameters a test sets are rolled back with it; so must the process-wide cache be."""
    from sanxiang.catalog import rules

    yield
    rules.cache.invalidate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users need a password, not a slow one (PBKDF2 costs ~0.4 s a user)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
