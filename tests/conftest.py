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


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


def pytest_configure(config):
    config.addinivalue_line("markers", "real_clock: do not freeze the clock")
