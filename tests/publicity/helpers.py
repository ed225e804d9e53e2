"""Shared test helpers for publicity and portal: a decided case with a natural person as party,
published through the services."""

from __future__ import annotations

import datetime as dt

from sanxiang.cases import services as case_services
from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.publicity import services
from sanxiang.publicity.models import Publication
from tests.cases.walk import PATHS, walk
from tests.factories import person_id, staff

DECIDE_PATH = PATHS["penalty.general"][:6]  # file … decide


def editor(world):
    if not hasattr(world, "editor"):
        world.editor = staff(world.agency, Role.PUBLICITY_EDITOR, certified=False)
    return world.editor


def resident(
    world,
    *,
    name="王建国",
    birth=dt.date(1980, 5, 17),
    phone="13912345678",
    address="云溪市建设路18号3栋501室",
):
    return case_services.register_party(
        agency=world.agency,
        actor=None,
        kind="person",
        name=name,
        id_number=person_id(birth),
        address=address,
        phone=phone,
    )


def decided_case(world, party=None, *, facts="", title="销售过期食品", path=DECIDE_PATH):
    party = party if party is not None else resident(world)
    case = world.case(party=party, title=title, facts=facts)
    return walk(world, case, path)


def publication_of(case) -> Publication:
    return Publication.objects.get(case=case)


def publish_case(world, case):
    pub = publication_of(case)
    pub = services.check(pub, actor=editor(world), confidentiality_reviewed=True)
    return services.publish(pub, actor=editor(world))


def decide_simple(world, party=None, **inputs):
    """行政处罚简易程序: decided on the spot (a draft with PUB-05's 7 working days)."""
    party = party if party is not None else resident(world)
    case = world.case("penalty.simple", party=party, title="占道经营")
    basis = [str(a.pk) for a in world.item.penalty_basis.all()]
    data = {
        "officers": world.officers(),
        "outcome": "penalty",
        "penalty_types": ["fine"],
        "fine_amount": "100",
        "legal_basis": basis,
        "summary": "占道经营。",
        **inputs,
    }
    return case_services.transition(case, "decide_on_site", actor=world.officer, data=data)


def on(day: dt.date):
    return clock.frozen(dt.datetime.combine(day, dt.time(10, 0)))
