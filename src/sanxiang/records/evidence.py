"""The evidence store (issue 3, point 4).

An upload is streamed in chunks to a temporary file while it is hashed and measured — never held
whole in memory — and its type is sniffed from its first bytes against an allow-list. Only then,
with the file already in storage under its SHA-256, does one short transaction write the `Blob`
(once per content), the record entry and the `Evidence` row that points at that entry. So a
cut-off upload, a wrong type or an oversized file leaves nothing behind that counts as evidence,
and the database's write lock is never held while bytes arrive.

Rows here are never updated (records/maintenance.py): an item is set aside only by a
`Supersession` with a reason, optionally naming its replacement.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import UnreadablePostError
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, Forbidden, InsufficientStorage, InvalidInput, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.records import conf, services, sniff
from sanxiang.records.models import Blob, Evidence, EvidenceType, MediaKind, Supersession

CHUNK = 1024 * 1024
log = logging.getLogger("sanxiang.records")


def _chunks(source: IO[bytes] | Iterable[bytes]) -> Iterable[bytes]:
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK)
    elif hasattr(source, "read"):
        while block := source.read(CHUNK):
            yield block
    else:
        yield from source


@dataclass
class Stored:
    blob: Blob
    type: sniff.FileType
    created: bool


def _mismatch(found: sniff.FileType, declared: str) -> InvalidInput:
    return InvalidInput(
        "evidence.type_mismatch",
        _("文件内容为%(label)s，与声明的类型“%(declared)s”不符。")
        % {"label": found.label, "declared": MediaKind(declared).label},
        field="file",
    )


def _spool(source, declared_kind: str | None, filename: str) -> tuple[IO[bytes], str, int, sniff.FileType]:
    """Copy `source` to a temporary file in chunks, hashing as it goes; stop as soon as the type
    is known to be refused or the size exceeds the limit for that type."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - returned open to the caller, closed on every error
    digest, size, head, found = hashlib.sha256(), 0, b"", None
    try:
        for block in _chunks(source):
            digest.update(block)
            size += len(block)
            spool.write(block)
            if found is None and len(head) < sniff.HEAD_BYTES:
                head += block[: sniff.HEAD_BYTES - len(head)]
                if len(head) >= sniff.HEAD_BYTES:
                    found = _identify(head, spool, declared_kind, filename, final=False)
            if found is not None and size > conf.max_bytes(found.kind):
                raise _too_large(found, size)
    except (UnreadablePostError, ConnectionError, TimeoutError) as cut:
        spool.close()
        raise InvalidInput(
            "evidence.upload_incomplete", _("上传中断，文件不完整，未保存。请重新上传。"), field="file"
        ) from cut
    except OSError as error:
        spool.close()
        if error.errno in (errno.ENOSPC, errno.EDQUOT):  # the temporary folder is full
            raise _storage_full() from error
        raise
    except BaseException:
        spool.close()
        raise
    if size == 0:
        spool.close()
        raise InvalidInput("evidence.empty", _("上传的文件为空。"), field="file")
    try:
        found = _identify(head, spool, declared_kind, filename, final=True)
        if size > conf.max_bytes(found.kind):
            raise _too_large(found, size)
    except BaseException:
        spool.close()
        raise
    return spool, digest.hexdigest(), size, found


def _too_large(found: sniff.FileType, size: int) -> InvalidInput:
    limit = conf.max_bytes(found.kind)
    return InvalidInput(
        "evidence.too_large",
        _("%(label)s不得超过%(limit)s MB（本次已超过 %(size)s MB）。")
        % {"label": found.label, "limit": limit // conf.MiB, "size": size // conf.MiB},
        field="file",
    )


def _identify(head: bytes, spool, declared_kind: str | None, filename: str, *, final: bool) -> sniff.FileType:
    found = sniff.sniff(head, spool if final else None)
    if found is None and not final and head.startswith(b"PK\x03\x04"):
        return sniff.DOCX  # a ZIP container: size limit of documents until its contents are read
    if found is None:
        raise InvalidInput(
            "evidence.type_not_allowed",
            _(
                "不支持的文件类型。允许：JPEG/PNG/WebP/TIFF/HEIC 图片，MP4/MOV/3GP/WebM/MKV/AVI/TS 视频，"
                "MP3/M4A/WAV/OGG/AMR/AAC/FLAC 录音，PDF/Word/Excel/OFD 文档。"
            ),
            field="file",
        )
    if declared_kind and found.kind != declared_kind:
        raise _mismatch(found, declared_kind)
    claimed = sniff.by_name(filename)
    if filename and "." in filename and (claimed is None or claimed.kind != found.kind):
        raise InvalidInput(
            "evidence.name_mismatch",
            _("文件名“%(filename)s”的扩展名与文件内容（%(label)s）不符。")
            % {"filename": filename, "label": found.label},
            field="file",
        )
    return found


def store_blob(
    source, *, declared_kind: str | None = None, filename: str = "", expected_sha256: str = ""
) -> Stored:
    """Stream `source` into storage under its SHA-256 and return its (possibly existing) Blob.
    Runs the database part in its own short transaction; call it before opening yours."""
    spool, sha256, size, found = _spool(source, declared_kind, filename)
    with spool:
        if expected_sha256 and expected_sha256.strip().lower() != sha256:
            raise InvalidInput(
                "evidence.upload_incomplete",
                _("收到的文件与声明的SHA-256不一致（上传不完整或已损坏），未保存。"),
                field="file",
            )
        existing = Blob.objects.filter(sha256=sha256).first()
        if existing is not None:
            return Stored(existing, found, False)
        name = _save_file(spool, sha256, size)
    try:
        with transaction.atomic():
            blob = Blob.objects.create(sha256=sha256, size=size, media_type=found.mime, storage_name=name)
    except IntegrityError:  # the same content arrived concurrently; the first row wins
        return Stored(Blob.objects.get(sha256=sha256), found, False)
    return Stored(blob, found, True)


def _save_file(spool, sha256: str, size: int) -> str:
    """Put the spooled bytes in storage under their hash and return the stored name.

    A file already there without a Blob row is an orphan: left by an upload whose database part
    never ran, or cut off by a full disk or a killed process. It is reused only if it really holds
    these bytes, else written again — so a truncated file can never become evidence. A failed
    write removes what it left; a full disk is refused with `evidence.storage_full`."""
    storage = conf.storage()
    name = f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    if storage.exists(name):
        if _holds(storage, name, sha256, size):
            return name
        storage.delete(name)
    spool.seek(0)
    try:
        return storage.save(name, File(spool, name=sha256))
    except OSError as error:
        _remove_partial(storage, name, sha256, size)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _storage_full() from error
        raise


def _holds(storage, name: str, sha256: str, size: int) -> bool:
    if storage.size(name) != size:
        return False
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        for block in stored.chunks(CHUNK):
            digest.update(block)
    return digest.hexdigest() == sha256


def _remove_partial(storage, name: str, sha256: str, size: int) -> None:
    try:
        if storage.exists(name) and not _holds(storage, name, sha256, size):
            storage.delete(name)
    except OSError:  # the next upload of these bytes checks the file again (_save_file)
        log.warning("evidence: could not remove the partial file %s", name, exc_info=True)


def _storage_full() -> InsufficientStorage:
    return InsufficientStorage(
        "evidence.storage_full",
        _("证据存储空间已满，文件未保存，也未登记为证据。请联系系统管理员扩容后重新上传。"),
        field="file",
    )


# --- evidence items ----------------------------------------------------------------------------


def _require_handler_side(case: Case, actor) -> None:
    if not agency_in_scope(actor, case.agency):
        raise NotFound("case.not_found", _("案件不存在或无权查阅。"))
    if not agency_in_scope(actor, case.agency, CHANGE) or not actor.roles & {Role.OFFICER, Role.HEAD}:
        raise Forbidden("evidence.forbidden", _("只有本机关执法人员或负责人可以添加证据。"))
    if case.is_closed:
        raise DomainError("evidence.case_closed", _("案件已结案归档，不能再添加证据。"))


def acts_of(case: Case) -> dict[str, str]:
    """The acts (执法行为) of the case's procedure, code → label of the first transition doing it."""
    acts: dict[str, str] = {}
    for move in case.definition.transitions:
        if move.act and move.act not in acts:
            acts[move.act] = move.label
    return acts


def _when(value: Any, label: str, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(
                "evidence.time_invalid", _("“%(label)s”不是有效时间。") % {"label": label}, field=field
            ) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    if value > clock.now():
        raise InvalidInput(
            "evidence.time_future", _("“%(label)s”不能晚于当前时间。") % {"label": label}, field=field
        )
    return value


def _clean_meta(case: Case, actor, meta: dict[str, Any]) -> dict[str, Any]:
    title = (meta.get("title") or "").strip()
    if not title:
        raise InvalidInput("evidence.title_required", _("请填写证据名称。"), field="title")
    if meta.get("evidence_type") not in EvidenceType.values:
        raise InvalidInput("evidence.type_required", _("请选择证据种类。"), field="evidence_type")
    if meta.get("media_kind") not in MediaKind.values or meta["media_kind"] == MediaKind.OTHER:
        raise InvalidInput(
            "evidence.media_kind_required",
            _("请选择文件类型（照片、录音、录像或文档）。"),
            field="media_kind",
        )
    act, event = (meta.get("act") or "").strip(), meta.get("event")
    if event is not None and not isinstance(event, CaseEvent):
        seq = parse_int(event)
        event = CaseEvent.objects.filter(case=case, seq=seq).first() if seq is not None else None
        if event is None:
            raise InvalidInput("evidence.event_unknown", _("所选办案环节不存在。"), field="event")
    if event is not None and event.case_id != case.pk:
        raise InvalidInput("evidence.event_unknown", _("所选办案环节不属于本案。"), field="event")
    if event is not None and not act:
        act = case.definition.transition(event.transition).act if event.transition != "open" else ""
    if act and act not in acts_of(case):
        raise InvalidInput("evidence.act_unknown", _("所选执法行为不属于本案的办理程序。"), field="act")
    captured_at = _when(meta.get("captured_at"), _("采集/开始时间"), "captured_at")
    captured_until = _when(meta.get("captured_until"), _("结束时间"), "captured_until")
    if captured_at and captured_until and captured_until < captured_at:
        raise InvalidInput("evidence.time_order", _("结束时间不能早于开始时间。"), field="captured_until")
    device = (meta.get("device_number") or "").strip()
    captured_by = meta.get("captured_by")
    if captured_by is not None and not hasattr(captured_by, "pk"):
        from sanxiang.org.models import User

        captured_by = User.objects.filter(agency=case.agency, username=str(captured_by)).first()
        if captured_by is None:
            raise InvalidInput(
                "evidence.officer_unknown", _("采集人不是本机关工作人员。"), field="captured_by"
            )
    if device:  # 执法记录仪: who wore it, from when to when, where
        if captured_at is None or captured_until is None:
            raise InvalidInput(
                "evidence.bodycam_times", _("执法记录仪视频须填写开始和结束时间。"), field="captured_at"
            )
        if captured_by is None:
            raise InvalidInput(
                "evidence.bodycam_officer", _("执法记录仪视频须填写佩戴人员。"), field="captured_by"
            )
    step = (
        meta.get("step") or (event.step if event is not None else "") or _step_of_act(case, act) or case.step
    )
    return {
        "title": title[:200],
        "description": (meta.get("description") or "").strip(),
        "evidence_type": meta["evidence_type"],
        "media_kind": meta["media_kind"],
        "original_name": (meta.get("filename") or "")[:255],
        "act": act,
        "event": event,
        "step": str(step),
        "captured_at": captured_at,
        "captured_until": captured_until,
        "place": (meta.get("place") or "").strip()[:200],
        "device_number": device[:60],
        "captured_by": captured_by,
    }


def _step_of_act(case: Case, act: str) -> str:
    for move in case.definition.transitions:
        if move.act == act:
            return str(move.step or case.definition.stage(move.target or move.sources[0]).step)
    return ""


def _payload(meta: dict[str, Any], blob: Blob) -> dict[str, Any]:
    return {
        "sha256": blob.sha256,
        "size": blob.size,
        "media_type": blob.media_type,
        "title": meta["title"],
        "description": meta["description"],
        "evidence_type": meta["evidence_type"],
        "media_kind": meta["media_kind"],
        "original_name": meta["original_name"],
        "act": meta["act"],
        "event": meta["event"].seq if meta["event"] is not None else None,
        "captured_at": meta["captured_at"],
        "captured_until": meta["captured_until"],
        "place": meta["place"],
        "device_number": meta["device_number"],
        "captured_by": meta["captured_by"].username if meta["captured_by"] is not None else None,
    }


def add_evidence(
    *,
    case: Case,
    source,
    actor,
    title: str,
    evidence_type: str,
    media_kind: str,
    filename: str = "",
    expected_sha256: str = "",
    media_type: str = "",  # accepted for compatibility; the stored type is the sniffed one
    **meta: Any,
) -> Evidence:
    """Add an evidence item to `case`: store the file, then record it (entry, then row)."""
    _require_handler_side(case, actor)
    cleaned = _clean_meta(
        case,
        actor,
        {
            **meta,
            "title": title,
            "evidence_type": evidence_type,
            "media_kind": media_kind,
            "filename": filename,
        },
    )
    stored = store_blob(
        source, declared_kind=cleaned["media_kind"], filename=filename, expected_sha256=expected_sha256
    )
    with transaction.atomic():
        return _record(case, actor, cleaned, stored.blob)


def _record(case: Case, actor, cleaned: dict[str, Any], blob: Blob, *, supersedes: Evidence | None = None):
    payload = _payload(cleaned, blob)
    entry = services.append(
        kind="evidence.added", case=case, actor=actor, step=cleaned["step"], payload=payload
    )
    return Evidence.objects.create(
        case=case, blob=blob, uploaded_by=actor, uploaded_at=entry.at, entry=entry, **cleaned
    )


def supersede_evidence(evidence: Evidence, *, actor, reason: str, replacement: dict[str, Any] | None = None):
    """Set an item aside with a reason (证据替换/撤回); `replacement` (the arguments of
    `add_evidence` without `case`/`actor`) adds the item that takes its place."""
    case = evidence.case
    _require_handler_side(case, actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("evidence.supersede_reason", _("请填写替换或撤回的理由。"), field="reason")
    if Supersession.objects.filter(evidence=evidence).exists():
        raise DomainError("evidence.already_superseded", _("该证据已被替换或撤回。"))
    new_blob, cleaned = None, None
    if replacement:
        replacement = dict(replacement)
        source = replacement.pop("source")
        filename = replacement.pop("filename", "")
        expected = replacement.pop("expected_sha256", "")
        replacement.pop("media_type", None)
        merged = {
            "act": evidence.act,
            "event": evidence.event,
            "step": evidence.step,
            "evidence_type": evidence.evidence_type,
            "media_kind": evidence.media_kind,
            **replacement,
            "filename": filename,
        }
        cleaned = _clean_meta(case, actor, merged)
        new_blob = store_blob(
            source, declared_kind=cleaned["media_kind"], filename=filename, expected_sha256=expected
        ).blob
    with transaction.atomic():
        if Supersession.objects.select_for_update().filter(evidence=evidence).exists():
            raise DomainError("evidence.already_superseded", _("该证据已被替换或撤回。"))
        new = _record(case, actor, cleaned, new_blob) if cleaned is not None else None
        entry = services.append(
            kind="evidence.superseded",
            case=case,
            actor=actor,
            step=evidence.step,
            corrects=evidence.entry,
            payload={
                "evidence": evidence.entry.seq,
                "sha256": evidence.blob.sha256,
                "replacement": new.entry.seq if new is not None else None,
                "reason": reason,
            },
        )
        Supersession.objects.create(
            evidence=evidence, replacement=new, reason=reason[:300], actor=actor, at=entry.at, entry=entry
        )
    return new
