"""The case page's timeline shows each event's note — its summary, else its findings.

Regression: the template passed `event.data.findings` as a filter argument, which Django resolves
strictly, so any event with a summary but no findings (an on-the-spot decision, a closure…) made
the whole case page fail. The demo data walks such events on most cases.
"""

import pytest

from tests.cases.walk import PATHS, walk
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_timeline_shows_summary_or_findings(client, world):
    case = walk(world, world.case("penalty.simple", party=None), PATHS["penalty.simple"][:1])
    general = walk(world, world.case(), PATHS["penalty.general"][:2])
    assert client.login(username=world.head.username, password=PASSWORD)
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    assert "占道经营。" in page.content.decode()
    page = client.get(f"/cases/{general.number}/")
    assert page.status_code == 200
    assert "现场发现过期食品12件。" in page.content.decode()
