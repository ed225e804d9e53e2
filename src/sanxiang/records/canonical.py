"""Canonical JSON — the byte form every record entry is hashed in.

Rules (docs/record-format.md): UTF-8; object keys sorted by code point; no whitespace; strings
as JSON with non-ASCII characters kept literally; integers only — no floats (amounts are decimal
strings), booleans and null as JSON. Any implementation that follows these rules recomputes the
same bytes and therefore the same hashes.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def _normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in record entries; use a decimal string")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} into a record entry")


def dumps(value: Any) -> str:
    return json.dumps(
        _normalise(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def encode(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
