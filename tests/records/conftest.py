import pytest


@pytest.fixture(autouse=True)
def _private_keys(settings, tmp_path_factory):
    """Checkpoint keys of the test run live in a temporary folder, never in ./var/keys."""
    settings.SANXIANG_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"
