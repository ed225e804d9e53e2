import pytest

from sanxiang.documents import providers
from tests.documents.helpers import DISCUSSION, REVIEW


@pytest.fixture
def review_providers():
    """Stand-ins for what the legal-review app registers in production (restored afterwards)."""
    saved = {name: providers._providers.get(name) for name in ("review_opinion", "collective_discussion")}
    providers.register("review_opinion", lambda case: REVIEW if case.current_proposal else None)
    providers.register("collective_discussion", lambda case: DISCUSSION if case.current_proposal else None)
    yield
    for name, fn in saved.items():
        if fn is None:
            providers.unregister(name)
        else:
            providers.register(name, fn)
