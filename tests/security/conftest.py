import pytest

from tests.security.helpers import IDLE_SECONDS, REAUTH_SECONDS, REQUIRED_ROLES


@pytest.fixture
def strict(settings):
    """The production login rules, with django-otp's wait after a wrong code switched off (it
    would refuse the right code typed within a second of a wrong one)."""
    settings.SANXIANG_OTP_REQUIRED_ROLES = REQUIRED_ROLES
    settings.SANXIANG_REAUTH_SECONDS = REAUTH_SECONDS
    settings.SANXIANG_SESSION_IDLE_SECONDS = IDLE_SECONDS
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    return settings
