"""The annual statistics report's audio/video coverage section comes from the record (PUB-11)."""

import pytest

from sanxiang.cases import services
from sanxiang.publicity import annual
from tests.cases.walk import inputs_for
from tests.records.helpers import bodycam_video
from tests.records.test_guards import seizure_ready

pytestmark = pytest.mark.django_db


def test_a_seizure_recorded_on_video_counts_in_the_annual_report(world):
    case = seizure_ready(world)
    bodycam_video(world, case, "seizure", title="查封现场录像")
    services.transition(case, "execute", actor=world.officer, data=inputs_for(world, case, "execute"))
    year = case.events.get(transition="execute").at.year

    data = annual.build(year, [world.agency])
    section = next(s for s in data["sections"] if s["key"] == "av_coverage")
    assert section["available"] is True
    assert section["rows"] == [[world.agency.name, 1, 1, 0, "100.0%"]]
    assert section["total"][1:] == [1, 1, 0, "100.0%"]

    empty = annual.build(year - 1, [world.agency])
    section = next(s for s in empty["sections"] if s["key"] == "av_coverage")
    assert section["rows"] == [[world.agency.name, 0, 0, 0, "—"]]
