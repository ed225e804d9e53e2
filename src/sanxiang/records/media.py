"""Serving stored evidence: HTTP range requests for audio/video, thumbnails for photos, and the
short-lived stream links that let a player fetch ranges without logging each one as a new read
(the page that issued the link logged the read once)."""

from __future__ import annotations

import io
import re

from django.core import signing
from django.http import HttpResponse, StreamingHttpResponse

from sanxiang.records import conf
from sanxiang.records.models import Blob, Evidence

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_SALT = "sanxiang.records.stream"


def stream_token(user, evidence: Evidence) -> str:
    return signing.dumps({"u": user.pk, "e": evidence.pk}, salt=_SALT, compress=True)


def token_valid(token: str, user, evidence: Evidence) -> bool:
    try:
        data = signing.loads(token, salt=_SALT, max_age=conf.get("STREAM_TOKEN_SECONDS"))
    except signing.BadSignature:
        return False
    return data.get("u") == user.pk and data.get("e") == evidence.pk


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(start, end inclusive) for a single satisfiable range; None for no/ignored header;
    "unsatisfiable" when it cannot be served."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None  # multi-range or garbage: serve the whole file (RFC 9110 permits ignoring)
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def starts_a_read(request) -> bool:
    """A request that begins reading the file (no Range, or a range from byte 0) — the one a
    download or playback is logged for."""
    header = request.headers.get("Range", "")
    parsed = parse_range(header, 1 << 62)
    return parsed is None or (isinstance(parsed, tuple) and parsed[0] == 0)


def _iterate(handle, start: int, length: int, chunk: int = 256 * 1024):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            block = handle.read(min(chunk, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block
    finally:
        handle.close()


def serve(request, blob: Blob, *, filename: str = "", attachment: bool = False) -> HttpResponse:
    size = blob.size
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if isinstance(wanted, tuple) else (0, size - 1)
    length = end - start + 1
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=blob.media_type)
    else:
        handle = conf.storage().open(blob.storage_name, "rb")
        response = StreamingHttpResponse(
            _iterate(handle, start, length), status=206 if wanted else 200, content_type=blob.media_type
        )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{blob.sha256}"'
    if attachment:
        from django.utils.http import content_disposition_header

        response["Content-Disposition"] = content_disposition_header(True, filename or blob.sha256)
    return response


def thumbnail(blob: Blob) -> bytes | None:
    """A JPEG thumbnail of a photo, made once and kept in storage under thumbs/ (derived data,
    not evidence: it is not hashed into the record and can be rebuilt)."""
    if not blob.media_type.startswith("image/") or blob.media_type == "image/heic":
        return None
    storage = conf.storage()
    name = f"thumbs/{blob.sha256[:2]}/{blob.sha256}.jpg"
    if storage.exists(name):
        with storage.open(name, "rb") as cached:
            return cached.read()
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = conf.get("THUMBNAIL_MAX_PIXELS")
    try:
        with storage.open(blob.storage_name, "rb") as source, Image.open(source) as image:
            image.draft("RGB", conf.get("THUMBNAIL_SIZE"))
            image = image.convert("RGB")
            image.thumbnail(conf.get("THUMBNAIL_SIZE"))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    data = out.getvalue()
    from django.core.files.base import ContentFile

    storage.save(name, ContentFile(data))
    return data
