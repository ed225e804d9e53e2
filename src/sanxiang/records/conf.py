"""Settings of the records app, with their defaults. None of these is a legal number (I8); they are
operating limits an installation tunes in settings.py (docs/records.md, "Configuration")."""

from __future__ import annotations

from django.conf import settings

MiB = 1024 * 1024

# Largest accepted upload per media kind, in bytes (SANXIANG_EVIDENCE_MAX_BYTES overrides any).
EVIDENCE_MAX_BYTES = {
    "photo": 50 * MiB,
    "document": 200 * MiB,
    "audio": 1024 * MiB,
    "video": 8 * 1024 * MiB,
}
# How long an approved access request to a sensitive case lasts.
ACCESS_GRANT_HOURS = 72
# How long a supervisor's stated reason is remembered for repeat views of the same case.
ACCESS_REASON_MINUTES = 30
# Unusual access: more than this many evidence reads by one user in one hour is a bulk download;
# reads outside these hours (or on non-working days) are off-hours.
BULK_READS_PER_HOUR = 20
OFFICE_HOURS = (8, 19)  # [start, end) local time
# Media stream links handed to the browser stay valid this long.
STREAM_TOKEN_SECONDS = 4 * 3600
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_MAX_PIXELS = 60_000_000


def get(name: str):
    default = globals()[name]
    value = getattr(settings, f"SANXIANG_{name}", None)
    if value is None:
        return default
    if isinstance(default, dict):
        return {**default, **value}
    return value


def max_bytes(kind: str) -> int:
    return int(get("EVIDENCE_MAX_BYTES").get(kind, 0))


def storage():
    """Evidence bytes go to the `evidence` storage if one is configured (e.g. S3 through
    django-storages), else to the default storage (./var/media)."""
    from django.core.files.storage import storages

    return storages["evidence"] if "evidence" in settings.STORAGES else storages["default"]
