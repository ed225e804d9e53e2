import pytest


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Rule parameters a test sets are rolled back with it; so must the process-wide cache be."""
    from sanxiang.catalog import rules

    yield
    rules.cache.invalidate()
