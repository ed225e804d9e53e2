"""Column schemas of the import/export formats (docs/exchange-formats.md, version 1).

A column has a code key (used in JSON and accepted as a CSV/XLSX header) and a Chinese header
label (what exports write and what people type). Cells are parsed by kind; a bad cell yields a
Chinese reason tied to its row and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language, gettext

FORMAT_VERSION = 1


@functools.lru_cache(maxsize=64)
def _choice_map(choices: Any, language: str | None) -> dict[str, str]:
    """Value and (translated and Chinese) label → value, per choices class and language."""
    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        mapping[value] = value
        mapping[str(label)] = value
    return mapping


_LIST_SPLIT = re.compile(r"[;；,，、\n]+")
_TRUE = {"是", "true", "1", "y", "yes", "t"}
_FALSE = {"否", "false", "0", "n", "no", "f", ""}


class CellError(ValueError):
    pass


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?")


@functools.lru_cache(maxsize=4096)
def _date_of(text: str) -> dt.date:
    """Cached: a file of 10⁶ rows holds a few thousand distinct dates (a refusal is not cached)."""
    match = _DATE.fullmatch(text)
    if not match:
        raise CellError(gettext("“%(text)s”不是日期（格式如 2026-03-10）") % {"text": text})
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(gettext("“%(text)s”不是有效日期") % {"text": text}) from None


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = "text"  # text | int | decimal | date | bool | list | choice
    required: bool = False
    choices: Any = None  # a TextChoices class: value or Chinese label accepted
    max_length: int = 0
    help: str = ""

    def parse(self, raw: Any) -> Any:
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        if empty:
            if self.required:
                raise CellError(gettext("必填项为空"))
            return [] if self.kind == "list" else (False if self.kind == "bool" else None)
        return _PARSERS[self.kind](self, raw)

    def _text(self, raw: Any) -> str:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a code typed into a number-formatted Excel cell
        if isinstance(raw, (dt.datetime, dt.date)):
            raw = raw.isoformat()
        text = str(raw).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(gettext("长度超过 %(max_length)s 个字符") % {"max_length": self.max_length})
        return text

    def _int(self, raw: Any) -> int:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise CellError(gettext("“%(raw)s”不是整数") % {"raw": raw}) from None
        if value != value.to_integral_value():
            raise CellError(gettext("“%(raw)s”不是整数") % {"raw": raw})
        return int(value)

    def _decimal(self, raw: Any) -> Decimal:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(gettext("“%(raw)s”不是数字") % {"raw": raw}) from None
        if not value.is_finite() or value < 0:
            raise CellError(gettext("金额应为非负数"))
        return value.quantize(Decimal("0.01"))

    def _date(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        return _date_of(str(raw).strip())

    def _bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(gettext("“%(raw)s”应为“是”或“否”") % {"raw": raw})

    def _list(self, raw: Any) -> list[str]:
        if isinstance(raw, list):
            return [str(v).strip() for v in raw if str(v).strip()]
        return [part.strip() for part in _LIST_SPLIT.split(self._text(raw)) if part.strip()]

    def _choice(self, raw: Any) -> str:
        text = str(raw).strip()
        found = _choice_map(self.choices, get_language()).get(text)
        if found is None:
            allowed = "、".join(str(label) for _, label in self.choices.choices)
            raise CellError(
                gettext("“%(text)s”不是可选值（%(allowed)s）") % {"text": text, "allowed": allowed}
            )
        return found

    def export(self, value: Any) -> Any:
        if self.kind == "choice" and value:
            return str(dict(self.choices.choices).get(value, value))
        return value


_PARSERS = {
    kind: getattr(Col, f"_{kind}") for kind in ("text", "int", "decimal", "date", "bool", "list", "choice")
}
