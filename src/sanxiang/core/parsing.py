"""Reading integers from what users type (query strings, form fields, path parts).

`str.isdigit()` is not enough: it accepts digits `int()` refuses ("²", "①") and numbers no database
column holds (SQLite raises OverflowError beyond 64 bits) — both were server errors found by
schemathesis. `parse_int` accepts ASCII decimal digits only, within a signed 64-bit integer.
"""

from __future__ import annotations

from typing import Any

MAX = 2**63 - 1


def parse_int(raw: Any, default: int | None = None) -> int | None:
    """The non-negative integer `raw` spells, or `default`."""
    if isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        return raw if 0 <= raw <= MAX else default
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return default
    value = int(text)
    return value if value <= MAX else default
