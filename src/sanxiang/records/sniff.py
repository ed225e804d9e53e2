"""What a file is, from its first bytes — never from its name (issue 3, point 4).

A small signature table of our own rather than a general sniffer: the allow-list is short (the
formats cameras, body-worn cameras, recorders and office scanners produce), each entry is checked
in tests, and several need more than magic bytes — an MP4 `ftyp` brand decides between video,
audio and HEIF photos; a ZIP is only a document if it is OOXML or OFD (GB/T 33190, China's
electronic document format); MPEG-TS needs its sync byte at three packet boundaries. A generic
library would accept more than we want and decide less than we need (docs/adr/0004).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    mime: str
    kind: str  # photo | video | audio | document  (records.models.MediaKind)
    ext: str
    label: str


def _t(mime: str, kind: str, ext: str, label: str) -> FileType:
    return FileType(mime, kind, ext, label)


JPEG = _t("image/jpeg", "photo", "jpg", _("JPEG 图片"))
PNG = _t("image/png", "photo", "png", _("PNG 图片"))
WEBP = _t("image/webp", "photo", "webp", _("WebP 图片"))
TIFF = _t("image/tiff", "photo", "tif", _("TIFF 图片"))
HEIC = _t("image/heic", "photo", "heic", _("HEIC 图片"))
MP4 = _t("video/mp4", "video", "mp4", _("MP4 视频"))
MOV = _t("video/quicktime", "video", "mov", _("QuickTime 视频"))
GPP = _t("video/3gpp", "video", "3gp", _("3GP 视频"))
WEBM = _t("video/webm", "video", "webm", _("WebM 视频"))
MKV = _t("video/x-matroska", "video", "mkv", _("Matroska 视频"))
AVI = _t("video/x-msvideo", "video", "avi", _("AVI 视频"))
MPEGTS = _t("video/mp2t", "video", "ts", _("MPEG-TS 视频"))
MP3 = _t("audio/mpeg", "audio", "mp3", _("MP3 录音"))
M4A = _t("audio/mp4", "audio", "m4a", _("M4A 录音"))
WAV = _t("audio/wav", "audio", "wav", _("WAV 录音"))
OGG = _t("audio/ogg", "audio", "ogg", _("Ogg 录音"))
AMR = _t("audio/amr", "audio", "amr", _("AMR 录音"))
AAC = _t("audio/aac", "audio", "aac", _("AAC 录音"))
FLAC = _t("audio/flac", "audio", "flac", _("FLAC 录音"))
PDF = _t("application/pdf", "document", "pdf", _("PDF 文档"))
DOCX = _t(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "document",
    "docx",
    _("Word 文档"),
)
XLSX = _t(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", "xlsx", _("Excel 表格")
)
OLE = _t("application/x-ole-storage", "document", "doc", _("Office 97-2003 文档"))
OFD = _t("application/ofd", "document", "ofd", _("OFD 版式文档"))

ALLOWED = (JPEG, PNG, WEBP, TIFF, HEIC, MP4, MOV, GPP, WEBM, MKV, AVI, MPEGTS, MP3, M4A, WAV, OGG, AMR, AAC)
ALLOWED += (FLAC, PDF, DOCX, XLSX, OLE, OFD)

# What a file name's extension claims, to refuse a file whose content contradicts it.
BY_EXTENSION = {t.ext: t for t in ALLOWED} | {
    "jpeg": JPEG,
    "tiff": TIFF,
    "heif": HEIC,
    "m4v": MP4,
    "mts": MPEGTS,
    "m2ts": MPEGTS,
    "xls": OLE,
    "oga": OGG,
    "opus": OGG,
}

_FTYP = {
    **dict.fromkeys(
        (
            "isom",
            "iso2",
            "iso4",
            "iso5",
            "iso6",
            "mp41",
            "mp42",
            "avc1",
            "dash",
            "M4V ",
            "MSNV",
            "XAVC",
            "NDAS",
        ),
        MP4,
    ),
    "qt  ": MOV,
    **dict.fromkeys(("3gp4", "3gp5", "3gp6", "3g2a", "3ge6", "3gg6"), GPP),
    **dict.fromkeys(("M4A ", "M4B ", "F4A "), M4A),
    **dict.fromkeys(("heic", "heix", "mif1", "msf1", "heim", "heis"), HEIC),
}


def _ebml_doctype(head: bytes) -> FileType | None:
    # EBML header: look for the DocType element (0x42 0x82) followed by a size and the name.
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0:
        return None
    window = head[at + 2 : at + 16]
    if b"webm" in window:
        return WEBM
    if b"matroska" in window:
        return MKV
    return None


def _mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    # MPEG audio frame sync: 11 set bits, layer ≠ 00; not ADTS (layer 00).
    return len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _zip_document(spool: IO[bytes] | None) -> FileType | None:
    if spool is None:
        return None
    try:
        spool.seek(0)
        with zipfile.ZipFile(spool) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        spool.seek(0, 2)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    if "OFD.xml" in names:
        return OFD
    return None


def sniff(head: bytes, spool: IO[bytes] | None = None) -> FileType | None:
    """The allowed type these bytes are, or None. `spool` (the whole file, seekable) is consulted
    only for ZIP containers."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": WEBP, b"AVI ": AVI, b"WAVE": WAV}.get(head[8:12])
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[4:8] == b"ftyp":
        return _FTYP.get(head[8:12].decode("latin-1"))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _ebml_doctype(head)
    if len(head) >= 377 and head[0] == head[188] == head[376] == 0x47:
        return MPEGTS
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"fLaC"):
        return FLAC
    if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return AAC
    if _mp3(head):
        return MP3
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _zip_document(spool)
    return None


def by_name(filename: str) -> FileType | None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return BY_EXTENSION.get(ext)


def by_mime(mime: str) -> FileType | None:
    return next((t for t in ALLOWED if t.mime == mime), None)
