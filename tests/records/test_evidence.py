"""The evidence store (issue 3, point 4): streamed, content-addressed, sniffed, limited, immutable,
superseded with reasons, served with ranges and thumbnails — through service, web and API."""

import io

import pytest
from rest_framework.test import APIClient

from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.records import evidence as store
from sanxiang.records import samples, sniff
from sanxiang.records.models import Blob, Entry, Evidence, Supersession
from tests.factories import PASSWORD
from tests.records.helpers import upload

pytestmark = pytest.mark.django_db


def add(world, case, data, *, kind="photo", filename="", **meta):
    return store.add_evidence(
        case=case,
        source=io.BytesIO(data),
        actor=world.officer,
        title=meta.pop("title", "证据"),
        evidence_type=meta.pop("evidence_type", "physical"),
        media_kind=kind,
        filename=filename,
        **meta,
    )


SNIFFED = [
    (samples.png(), sniff.PNG),
    (samples.jpeg(), sniff.JPEG),
    (samples.mp4(), sniff.MP4),
    (samples.webm(), sniff.WEBM),
    (samples.mp3(), sniff.MP3),
    (samples.pdf(), sniff.PDF),
    (b"RIFF\x00\x00\x00\x00AVI LIST", sniff.AVI),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", sniff.WAV),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", sniff.MOV),
    (b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00", sniff.M4A),
    (b"\x00\x00\x00\x14ftypheic\x00\x00\x00\x00", sniff.HEIC),
    (b"#!AMR\n\x00", sniff.AMR),
    (bytes([0x47] + [0] * 187 + [0x47] + [0] * 187 + [0x47] + [0] * 10), sniff.MPEGTS),
]


@pytest.mark.parametrize(("data", "expected"), SNIFFED, ids=[t.ext for _, t in SNIFFED])
def test_sniffer_knows_the_allowed_types(data, expected):
    assert sniff.sniff(data[: sniff.HEAD_BYTES]) == expected


def test_sniffer_reads_zip_documents():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert sniff.sniff(buffer.getvalue()[:64], buffer) == sniff.DOCX
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    assert sniff.sniff(plain.getvalue()[:64], plain) is None


def test_refused_types_and_mismatches_have_clear_errors(world):
    case = world.case()
    refusals = {
        "evidence.type_not_allowed": lambda: add(
            world, case, b"MZ\x90\x00 this is a program", kind="document"
        ),
        "evidence.type_mismatch": lambda: add(world, case, samples.png(), kind="video"),
        "evidence.name_mismatch": lambda: add(world, case, samples.png(), filename="bodycam.mp4"),
        "evidence.empty": lambda: add(world, case, b""),
        "evidence.title_required": lambda: add(world, case, samples.png(), title=" "),
    }
    for code, attempt in refusals.items():
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert refused.value.code == code and refused.value.message
    # a name that only differs in the photo format is fine: the stored type is the sniffed one
    item = add(world, case, samples.png("x"), filename="IMG_0001.JPG")
    assert item.blob.media_type == "image/png"
    assert not Evidence.objects.exclude(pk=item.pk).exists()


def test_size_limits_per_type_are_configuration(world, settings):
    case = world.case()
    settings.SANXIANG_EVIDENCE_MAX_BYTES = {"photo": 1000}
    with pytest.raises(InvalidInput) as refused:
        add(world, case, samples.png("big", size=(400, 300)) + b"\x00" * 2000)
    assert refused.value.code == "evidence.too_large"
    add(world, case, samples.mp4("video limit untouched") + b"\x00" * 5000, kind="video")
    assert Blob.objects.count() == 1


def test_large_upload_is_streamed_and_stopped_early(world, settings):
    """An oversized stream is refused as soon as the limit is passed, without reading the rest."""
    settings.SANXIANG_EVIDENCE_MAX_BYTES = {"video": 3 * 1024 * 1024}
    case = world.case()
    served = []

    def endless():
        yield samples.mp4("head") + b"\x00" * (1024 * 1024)
        while True:
            served.append(1)
            yield b"\x00" * (1024 * 1024)

    with pytest.raises(InvalidInput, match="不得超过"):
        store.add_evidence(
            case=case,
            source=endless(),
            actor=world.officer,
            title="超大",
            evidence_type="audiovisual",
            media_kind="video",
        )
    assert len(served) <= 3


def test_cut_off_upload_leaves_nothing(world):
    case = world.case()
    entries = Entry.objects.count()

    def cut():
        yield samples.mp4("part")
        raise ConnectionResetError("client went away")

    with pytest.raises(InvalidInput) as refused:
        store.add_evidence(
            case=case,
            source=cut(),
            actor=world.officer,
            title="中断",
            evidence_type="audiovisual",
            media_kind="video",
        )
    assert refused.value.code == "evidence.upload_incomplete"
    data = samples.mp4("declared")
    with pytest.raises(InvalidInput, match="SHA-256"):
        add(
            world,
            case,
            data[:-3],
            kind="video",
            expected_sha256=__import__("hashlib").sha256(data).hexdigest(),
        )
    assert not Blob.objects.exists() and not Evidence.objects.exists()
    assert Entry.objects.count() == entries


def test_bodycam_metadata_is_required_and_recorded(world):
    case = world.case()
    with pytest.raises(InvalidInput) as refused:
        add(world, case, samples.mp4("b"), kind="video", device_number="DSJ-7")
    assert refused.value.code == "evidence.bodycam_times"
    item = upload(
        world,
        case,
        kind="video",
        device_number="DSJ-7",
        captured_by=world.partner.username,
        captured_at="2026-03-10T08:00",
        captured_until="2026-03-10T08:40",
        place="某超市",
    )
    payload = item.entry.payload
    assert payload["device_number"] == "DSJ-7" and payload["captured_by"] == world.partner.username
    assert payload["captured_at"].startswith("2026-03-10T00:00") and payload["place"] == "某超市"
    with pytest.raises(InvalidInput, match="晚于"):
        add(world, case, samples.mp4("c"), kind="video", captured_at="2030-01-01T00:00")


def test_only_the_agency_adds_evidence_and_not_to_closed_cases(world):
    from tests.factories import World

    case = world.case()
    stranger = World()
    with pytest.raises(DomainError) as refused:
        store.add_evidence(
            case=case,
            source=io.BytesIO(samples.png()),
            actor=stranger.officer,
            title="x",
            evidence_type="physical",
            media_kind="photo",
        )
    assert refused.value.status == 404
    from sanxiang.cases import services

    closed = services.transition(
        world.case("inspection"), "cancel", actor=world.head, data={"summary": "取消"}
    )
    with pytest.raises(DomainError, match="结案"):
        upload(world, closed)


def test_supersede_keeps_the_original_and_records_the_reason(world):
    case = world.case()
    first = upload(world, case, title="模糊照片")
    with pytest.raises(InvalidInput):
        store.supersede_evidence(first, actor=world.officer, reason=" ")
    new = store.supersede_evidence(
        first,
        actor=world.officer,
        reason="原照片模糊，重新拍摄",
        replacement={"source": io.BytesIO(samples.png("clear")), "title": "清晰照片"},
    )
    first.refresh_from_db()
    assert first.is_superseded and first.supersession.replacement == new
    assert new.act == first.act and new.media_kind == "photo"
    record = Supersession.objects.get().entry
    assert record.kind == "evidence.superseded" and record.corrects == first.entry
    assert (
        record.payload["reason"] == "原照片模糊，重新拍摄" and record.payload["replacement"] == new.entry.seq
    )
    with pytest.raises(DomainError, match="已被替换"):
        store.supersede_evidence(first, actor=world.officer, reason="再次")
    withdrawn = store.supersede_evidence(new, actor=world.officer, reason="系非法取得，依法排除")
    assert withdrawn is None and Evidence.objects.count() == 2  # nothing is ever deleted


def test_web_upload_view_and_range_requests(world, client):
    case = world.case()
    assert client.login(username=world.officer.username, password=PASSWORD)
    page = client.get(f"/records/cases/{case.number}/evidence/new/")
    assert page.status_code == 200
    video = samples.mp4("web") + bytes(range(256)) * 8
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/records/cases/{case.number}/evidence/new/",
        {
            "file": SimpleUploadedFile("DSJ_0001.mp4", video, content_type="video/mp4"),
            "title": "执法记录仪视频",
            "evidence_type": "audiovisual",
            "media_kind": "video",
            "act": "inspection",
            "device_number": "DSJ-1",
            "captured_by": world.officer.username,
            "captured_at": "2026-03-10T08:00",
            "captured_until": "2026-03-10T08:30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Evidence.objects.get()
    # a wrong file shows the error next to the field, with status 422
    bad = client.post(
        f"/records/cases/{case.number}/evidence/new/",
        {
            "file": SimpleUploadedFile("x.mp4", samples.png(), content_type="video/mp4"),
            "title": "x",
            "evidence_type": "audiovisual",
            "media_kind": "video",
        },
    )
    assert bad.status_code == 422 and "与声明的类型" in bad.content.decode()
    detail = client.get(f"/records/evidence/{item.pk}/")
    assert detail.status_code == 200 and b"<video" in detail.content
    token = detail.context["token"]
    ranged = client.get(f"/records/evidence/{item.pk}/stream/?t={token}", HTTP_RANGE="bytes=10-19")
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 10-19/{len(video)}"
    assert b"".join(ranged.streaming_content) == video[10:20]
    tail = client.get(f"/records/evidence/{item.pk}/stream/?t={token}", HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == video[-5:]
    assert (
        client.get(
            f"/records/evidence/{item.pk}/stream/?t={token}", HTTP_RANGE=f"bytes={len(video)}-"
        ).status_code
        == 416
    )
    assert client.get(f"/records/evidence/{item.pk}/stream/?t=forged").status_code == 404
    whole = client.get(f"/records/evidence/{item.pk}/download/")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == video
    assert "attachment" in whole["Content-Disposition"]


def test_photo_thumbnail(world, client):
    case = world.case()
    item = upload(world, case)
    assert client.login(username=world.officer.username, password=PASSWORD)
    response = client.get(f"/records/evidence/{item.pk}/thumb.jpg")
    assert response.status_code == 200 and response.content[:3] == b"\xff\xd8\xff"
    video = upload(world, case, kind="video", title="视频")
    assert client.get(f"/records/evidence/{video.pk}/thumb.jpg").status_code == 404


def test_api_upload_content_and_supersede(world):
    case = world.case()
    api = APIClient()
    api.force_authenticate(world.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.post(
        "/api/evidence/",
        {
            "case": case.number,
            "file": SimpleUploadedFile("a.png", samples.png("api")),
            "title": "照片",
            "evidence_type": "physical",
            "media_kind": "photo",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == Blob.objects.get().sha256 and body["media_type"] == "image/png"
    refused = api.post(
        "/api/evidence/",
        {
            "case": case.number,
            "file": SimpleUploadedFile("a.pdf", samples.png("x")),
            "title": "x",
            "evidence_type": "documentary",
            "media_kind": "document",
        },
        format="multipart",
    )
    assert refused.status_code == 422 and refused.json()["code"] == "evidence.type_mismatch"
    content = api.get(f"/api/evidence/{body['id']}/content/", HTTP_RANGE="bytes=0-7")
    assert content.status_code == 206 and b"".join(content.streaming_content) == b"\x89PNG\r\n\x1a\n"
    listed = api.get(f"/api/evidence/?case={case.number}").json()
    assert [i["id"] for i in listed["results"]] == [body["id"]]
    gone = api.post(f"/api/evidence/{body['id']}/supersede/", {"reason": "重复上传"}, format="multipart")
    assert gone.status_code == 200 and gone.json()["superseded"]["superseded"]["reason"] == "重复上传"
    other = APIClient()
    from tests.factories import World

    other.force_authenticate(World().officer)
    assert other.get(f"/api/evidence/{body['id']}/").status_code == 404
