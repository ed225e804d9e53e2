"""Masking through every public output (I3): a natural person's generated name, ID number, phone
and address — in the party's structured fields and inside the free-text facts — published through
the services, then read back from the HTML pages, the JSON API, the CSV, the Atom feed and the
record entry. The response safety net is switched off here, so the masking itself is tested."""

import datetime as dt
import itertools
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.cases import services as case_services
from sanxiang.core.identifiers import make_id_number
from sanxiang.exchange import publications
from sanxiang.portal import api, public
from sanxiang.publicity.models import PublicDecision
from sanxiang.records.models import Entry
from tests.factories import World
from tests.publicity.helpers import decided_case, publish_case
from tests.publicity.test_masking import GIVEN, SURNAMES, addresses, landlines, mobiles

pytestmark = pytest.mark.django_db(transaction=False)

people = st.fixed_dictionaries(
    {
        "surname": st.sampled_from(SURNAMES),
        "given": st.text(alphabet=GIVEN, min_size=2, max_size=2),
        "birth": st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2000, 12, 31)),
        "serial": st.integers(0, 999),
        "phone": st.one_of(mobiles, landlines),
        "address": addresses,
    }
)


def outputs(client, decision) -> dict[str, str]:
    with mock.patch.object(api.OpenDataThrottle, "rate", "100000/min"):
        return {
            "detail": client.get(f"/portal/decisions/{decision.pk}/").content.decode(),
            "search": client.get("/portal/decisions/", {"q": decision.title}).content.decode(),
            "home": client.get("/portal/").content.decode(),
            "json": client.get("/api/open/decisions", {"q": decision.title}).content.decode(),
            "json_one": client.get(f"/api/open/decisions/{decision.pk}").content.decode(),
            "csv": client.get("/api/open/decisions.csv").content.decode("utf-8-sig"),
            "atom": client.get("/portal/decisions/feed.atom").content.decode(),
            "record": Entry.objects.filter(kind="publication.published").order_by("-seq").first().body,
            # added by the security review (issue 10): the agency's public page, the open-data page,
            # the annual-report list, and the 双公示 exchange feeds built from the snapshots
            "agency": client.get(f"/portal/agencies/{decision.agency_code}/").content.decode(),
            "open_data": client.get("/portal/open-data/").content.decode(),
            "reports": client.get("/portal/reports/").content.decode(),
            "feed_penalty": json.dumps(list(publications.rows("penalty")), ensure_ascii=False, default=str),
            "feed_permit": json.dumps(list(publications.rows("permit")), ensure_ascii=False, default=str),
        }


_examples = itertools.count()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(person=people)
def test_nothing_unmasked_reaches_any_public_output(db, person):
    cache.clear()
    world = World()
    n = next(_examples)
    name = person["surname"] + person["given"]
    id_number = make_id_number("430102", person["birth"], person["serial"])
    party = case_services.register_party(
        agency=world.agency,
        actor=None,
        kind="person",
        name=name,
        id_number=id_number,
        phone=person["phone"],
        address=person["address"],
    )
    facts = (
        f"经查，{name}（公民身份号码{id_number}，联系电话{person['phone']}，住{person['address']}）"
        f"销售过期食品。{name}对违法事实无异议。"
    )
    title = f"销售过期食品{n}"
    with mock.patch.object(public.masking, "scrub", lambda text: text):
        publish_case(world, decided_case(world, party=party, facts=facts, title=title))
        decision = PublicDecision.objects.get(title=title)
        for where, text in outputs(Client(), decision).items():
            for secret in (name, id_number, person["phone"], person["address"]):
                assert secret not in text, (where, secret)
            assert person["given"] not in text.replace("某某", ""), (where, person["given"])
