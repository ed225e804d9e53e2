"""送达: methods, consent, proof, dates — and the case transitions that service completes."""

import datetime as dt
import io

import pytest

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.documents import services
from sanxiang.documents.models import ServiceRecord
from sanxiang.records import samples
from sanxiang.records.models import Entry
from tests.documents.helpers import fire, general_case

pytestmark = pytest.mark.django_db


def upload(name="proof.jpg", media_type="image/jpeg", kind="photo"):
    """A small but real file of its kind: the evidence store reads the type from the content."""
    make = {"photo": samples.jpeg, "document": samples.pdf, "video": samples.mp4, "audio": samples.mp3}[kind]
    return services.Upload(io.BytesIO(make(name)), name, media_type, kind)


def decided(world):
    case = general_case(world)
    return case, services.issue(case, "penalty_decision", actor=world.officer)


def test_direct_service_fires_serve_and_records_proof(world):
    case, document = decided(world)
    record = services.record_service(
        document,
        actor=world.officer,
        method="direct",
        served_on=clock.today(),
        recipient="李四",
        proofs=[upload("receipt.pdf", "application/pdf", "document")],
    )
    case.refresh_from_db()
    assert case.stage == "served" and case.served_on == clock.today()
    assert record.effective_on == clock.today() and record.proofs.count() == 1
    assert case.deadlines.get(code="service").status == "met"
    entry = Entry.objects.get(kind="document.served")
    assert entry.payload["number"] == document.number_text and entry.payload["proofs"][0]["sha256"]
    assert Entry.objects.filter(kind="evidence.added", case=case).count() == 1
    later = services.attach_proof(record, actor=world.officer, upload=upload("signed.jpg"))
    assert later.proofs.count() == 2


def test_served_before_the_document_date_is_refused_through_both_doors(world):
    case, document = decided(world)
    with pytest.raises(DomainError) as refused:
        services.record_service(document, actor=world.officer, method="direct", served_on=dt.date(2026, 3, 9))
    assert refused.value.code == "documents.service.before_issue"
    with pytest.raises(DomainError) as refused:
        fire(world, case, "serve", served_on="2026-03-09", method="direct")
    assert refused.value.code in {"documents.service.before_issue", "case.service.before_decision"}
    case.refresh_from_db()
    assert case.stage == "decided" and not ServiceRecord.objects.exists()


def test_electronic_service_needs_the_partys_consent(world):
    case, document = decided(world)
    with pytest.raises(DomainError) as refused:
        services.record_service(document, actor=world.officer, method="electronic", served_on=clock.today())
    assert refused.value.code == "documents.service.consent_required"
    with pytest.raises(DomainError) as refused:
        fire(world, case, "serve", served_on="2026-03-10", method="electronic")
    assert refused.value.code == "documents.service.consent_required"
    consent = services.record_consent(
        case,
        actor=world.officer,
        address="party@example.invalid",
        signed_on=clock.today(),
        upload=upload("consent.pdf", "application/pdf", "document"),
    )
    record = services.record_service(
        document, actor=world.officer, method="electronic", served_on=clock.today()
    )
    assert record.consent == consent
    assert Entry.objects.filter(kind="document.service_consent").count() == 1


def test_lien_and_public_notice_need_photo_or_video(world):
    case, document = decided(world)
    for method in ("lien", "public_notice"):
        with pytest.raises(DomainError) as refused:
            services.record_service(document, actor=world.officer, method=method, served_on=clock.today())
        assert refused.value.code == "documents.service.proof_required"
        with pytest.raises(DomainError):
            fire(world, case, "serve", served_on="2026-03-10", method=method)
    record = services.record_service(
        document,
        actor=world.officer,
        method="lien",
        served_on=clock.today(),
        witnesses="社区工作人员赵六",
        proofs=[upload("lien.mp4", "video/mp4", "video")],
    )
    assert record.method == "lien" and record.proofs.get().media_kind == "video"


def test_the_generic_serve_door_records_the_service_of_the_decision(world):
    case, document = decided(world)
    fire(world, case, "serve", served_on="2026-03-10", method="direct")
    record = ServiceRecord.objects.get()
    assert record.document == document and "送达决定书" in record.note


def test_serving_the_notice_of_rights_fires_notify_and_starts_the_windows(world):
    case = general_case(world, until="propose")
    notice = services.issue(case, "penalty_notice", actor=world.officer)
    services.record_service(notice, actor=world.officer, method="direct", served_on=clock.today())
    case.refresh_from_db()
    assert case.stage == "notified" and case.attributes["notice_served_on"] == "2026-03-10"
    assert case.deadlines.get(code="statement").due_on == dt.date(2026, 3, 17)
    assert ServiceRecord.objects.get().document == notice


def test_service_of_a_superseded_version_is_refused(world):
    _, document = decided(world)
    services.correct(document, actor=world.officer, reason="笔误", overrides={"facts": "更正后的事实"})
    with pytest.raises(DomainError) as refused:
        services.record_service(document, actor=world.officer, method="direct", served_on=clock.today())
    assert refused.value.code == "documents.not_current"


def test_correction_without_change_is_refused(world):
    _, document = decided(world)
    with pytest.raises(DomainError) as refused:
        services.correct(document, actor=world.officer, reason="无")
    assert refused.value.code == "documents.correction.unchanged"
