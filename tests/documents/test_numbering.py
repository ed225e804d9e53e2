"""文号: per agency, type and year; no gaps, no duplicates, even under concurrency; voided numbers stay."""

import threading

import pytest
from django.db import close_old_connections

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.documents import numbering, services
from sanxiang.documents.models import Document, DocumentNumber, DocumentStatus, NumberStatus
from sanxiang.records.models import Entry
from tests.documents.helpers import general_case
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_format():
    assert numbering.format_number("云市监", "处罚", 2026, 15) == "云市监处罚〔2026〕15号"


def test_series_per_agency_type_and_year(world):
    first = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    second = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    notice = services.issue(general_case(world, until="propose"), "penalty_notice", actor=world.officer)
    other = World()
    elsewhere = services.issue(general_case(other), "penalty_decision", actor=other.officer)
    short = world.agency.short_name
    assert first.number_text == f"{short}处罚〔2026〕1号"
    assert second.number_text == f"{short}处罚〔2026〕2号"
    assert notice.number_text == f"{short}罚告〔2026〕1号"
    assert elsewhere.number_text == f"{other.agency.short_name}处罚〔2026〕1号"
    with clock.frozen(clock.now().replace(year=2027, month=1, day=4)):
        case = general_case(world)
        assert services.issue(case, "penalty_decision", actor=world.officer).number_text.endswith(
            "〔2027〕1号"
        )


def test_a_refused_issue_takes_no_number(world):
    case = general_case(world)
    services.issue(case, "penalty_decision", actor=world.officer)
    with pytest.raises(DomainError) as refused:
        services.issue(case, "penalty_decision", actor=world.officer)
    assert refused.value.code == "documents.already_issued"
    bare = general_case(world)
    bare.party.address = ""
    bare.party.save(update_fields=["address"])
    with pytest.raises(DomainError) as refused:
        services.issue(bare, "penalty_decision", actor=world.officer)
    assert refused.value.code == "documents.field.missing" and "住所" in refused.value.message
    assert DocumentNumber.objects.filter(agency=world.agency, code="penalty_decision").count() == 1
    nxt = services.issue(general_case(world), "penalty_decision", actor=world.officer)
    assert nxt.number.serial == 2


def test_voided_number_stays_recorded_and_is_never_reused(world):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    with pytest.raises(DomainError) as refused:
        services.void_number(document.number, actor=world.officer, reason="打印错误")
    assert refused.value.code == "documents.role"
    with pytest.raises(DomainError) as refused:
        services.void_number(document.number, actor=world.head, reason="  ")
    assert refused.value.code == "documents.number.reason_required"
    services.void_number(document.number, actor=world.head, reason="文书内容有误，作废重出")
    number = DocumentNumber.objects.get(pk=document.number_id)
    assert number.status == NumberStatus.VOIDED and number.void_reason == "文书内容有误，作废重出"
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.VOIDED
    again = services.issue(case, "penalty_decision", actor=world.officer)
    assert again.number.serial == 2 and again.number_text != document.number_text
    assert Entry.objects.filter(kind="document.number_voided", case=case).count() == 1


def test_a_served_number_cannot_be_voided(world):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    services.record_service(document, actor=world.officer, method="direct", served_on=clock.today())
    with pytest.raises(DomainError) as refused:
        services.void_number(document.number, actor=world.head, reason="x")
    assert refused.value.code == "documents.number.served"


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_issuing_has_no_gaps_or_duplicates():
    world = World()
    cases = [general_case(world) for _ in range(8)]
    taken, errors = [], []
    barrier = threading.Barrier(4)

    def worker(mine):
        try:
            barrier.wait()
            for case in mine:
                taken.append(services.issue(case, "penalty_decision", actor=world.officer).number.serial)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(cases[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(taken) == list(range(1, 9))
    numbers = list(DocumentNumber.objects.filter(agency=world.agency).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 8
    assert Entry.objects.filter(kind="document.issued").count() == 8
