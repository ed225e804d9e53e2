"""Tiny, structurally valid media files for the demo and the tests (a few hundred bytes each).

`salt` makes the content — and so the SHA-256 — differ between calls when duplicates are not
wanted. The video files are containers with a header and a small payload: enough for the sniffer
and for the record, not for a player.
"""

from __future__ import annotations

import io
import struct


def png(
    salt: str = "", size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (40, 110, 180)
) -> bytes:
    from PIL import Image, ImageDraw, PngImagePlugin

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, size[0] - 5, size[1] - 5), outline=(255, 255, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("sanxiang-sample", salt)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg(salt: str = "", size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    seed = sum(salt.encode()) % 200
    image = Image.new("RGB", size, (seed, 120, 200 - seed))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, comment=salt.encode())
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(salt: str = "") -> bytes:
    """ftyp (isom) + free + mdat: an ISO BMFF file as a body-worn camera writes it."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + _box(b"free", b"") + _box(b"mdat", b"\x00" * 64 + salt.encode())


def webm(salt: str = "") -> bytes:
    """An EBML header with DocType webm, then a small Segment."""
    header = (
        b"\x1a\x45\xdf\xa3\x9f"  # EBML, size 31
        b"\x42\x86\x81\x01"  # EBMLVersion 1
        b"\x42\xf7\x81\x01"  # EBMLReadVersion 1
        b"\x42\xf2\x81\x04"  # EBMLMaxIDLength 4
        b"\x42\xf3\x81\x08"  # EBMLMaxSizeLength 8
        b"\x42\x82\x84webm"  # DocType webm
        b"\x42\x87\x81\x02"  # DocTypeVersion 2
        b"\x42\x85\x81\x02"  # DocTypeReadVersion 2
    )
    body = salt.encode()[:100]
    return header + b"\x18\x53\x80\x67" + bytes([0x80 | len(body)]) + body


def mp3(salt: str = "") -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 64 + salt.encode()


def pdf(salt: str = "") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
        b"% " + salt.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
