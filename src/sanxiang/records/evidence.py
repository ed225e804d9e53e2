"""The evidence store: uploads are streamed to storage in chunks, content-addressed by SHA-256,
stored once, and recorded as an entry in the same transaction as the Evidence row."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput
from sanxiang.records import services
from sanxiang.records.models import Blob, Evidence

CHUNK = 1024 * 1024


def _chunks(source: IO[bytes] | Iterable[bytes]) -> Iterable[bytes]:
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK)
    elif hasattr(source, "read"):
        while block := source.read(CHUNK):
            yield block
    else:
        yield from source


def store_blob(source, media_type: str) -> Blob:
    """Stream `source` to a temporary file while hashing, then into storage under its hash."""
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as spool:
        for block in _chunks(source):
            digest.update(block)
            size += len(block)
            spool.write(block)
        if size == 0:
            raise InvalidInput("evidence.empty", "上传的文件为空。", field="file")
        sha256 = digest.hexdigest()
        existing = Blob.objects.filter(sha256=sha256).first()
        if existing is not None:
            return existing
        spool.seek(0)
        name = f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"
        if not default_storage.exists(name):
            name = default_storage.save(name, File(spool, name=sha256))
    return Blob.objects.create(sha256=sha256, size=size, media_type=media_type, storage_name=name)


@transaction.atomic
def add_evidence(
    *, case, source, actor, title: str, evidence_type: str, media_kind: str, media_type: str, **meta
) -> Evidence:
    if not title.strip():
        raise InvalidInput("evidence.title_required", "请填写证据名称。", field="title")
    blob = store_blob(source, media_type)
    evidence = Evidence.objects.create(
        case=case,
        blob=blob,
        title=title.strip(),
        evidence_type=evidence_type,
        media_kind=media_kind,
        uploaded_by=actor,
        uploaded_at=clock.now(),
        **meta,
    )
    entry = services.append(
        kind="evidence.added",
        case=case,
        actor=actor,
        step=evidence.step,
        payload={
            "evidence": evidence.pk,
            "sha256": blob.sha256,
            "size": blob.size,
            "media_type": blob.media_type,
            "title": evidence.title,
            "evidence_type": evidence.evidence_type,
            "media_kind": evidence.media_kind,
            "act": evidence.act,
            "event": evidence.event.seq if evidence.event_id else None,
            "device_number": evidence.device_number,
        },
    )
    Evidence.objects.filter(pk=evidence.pk).update(entry=entry)
    evidence.entry = entry
    return evidence
