import pytest


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Rule parameters are cached per process; a value a test sets must not outlive its rollback."""
    from sanxiang.catalog import rules

    rules.cache.invalidate()
    yield
    rules.cache.invalidate()
