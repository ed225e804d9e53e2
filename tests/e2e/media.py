"""Small real media files for uploads (the record types a file by its content)."""

from __future__ import annotations

from pathlib import Path

from sanxiang.records import samples


def write(folder: Path, name: str, kind: str, salt: str) -> Path:
    data = {"photo": samples.png, "video": samples.mp4, "document": samples.pdf}[kind](salt)
    path = folder / name
    path.write_bytes(data)
    return path
