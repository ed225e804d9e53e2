"""How numbers, money and dates are written in enforcement documents."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

_DIGITS = "零一二三四五六七八九"
_UPPER = "零壹贰叁肆伍陆柒捌玖"


def cn_int(n: int) -> str:
    """Chinese numerals for counts in legal text: 5 → 五, 15 → 十五, 60 → 六十, 90 → 九十."""
    if n < 0:
        return "负" + cn_int(-n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + cn_int(rest) if rest < 10 else _tens(rest))
        return _DIGITS[n // 100] + "百" + tail
    return str(n)


def _tens(n: int) -> str:
    return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")


def cn_date(day: dt.date | None) -> str:
    """2026年3月10日 (GB/T 9704-2012 writes dates in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def money(value: Decimal | int | str | None) -> str:
    if value in (None, ""):
        return ""
    return f"{Decimal(value):,.2f}元"


def rmb_upper(value: Decimal | int | str) -> str:
    """人民币大写: 8000 → 捌仟元整; 1234.5 → 壹仟贰佰叁拾肆元伍角."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("negative amount")
    yuan, cents = divmod(int(amount * 100), 100)
    text = _integer_upper(yuan) + "元" if yuan else ""
    jiao, fen = divmod(cents, 10)
    if not cents:
        return (text or "零元") + "整"
    if jiao:
        text += _UPPER[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _UPPER[fen] + "分"
    return text


def _integer_upper(n: int) -> str:
    units = ["", "拾", "佰", "仟"]
    groups = ["", "万", "亿", "万亿"]
    parts, group = [], 0
    while n:
        n, chunk = divmod(n, 10000)
        if chunk:
            text, zero = "", False
            for i in range(3, -1, -1):
                digit = chunk // 10**i % 10
                if digit:
                    if zero:
                        text += "零"
                    text, zero = text + _UPPER[digit] + units[i], False
                elif text:
                    zero = True
            parts.append(text + groups[group])
            if chunk < 1000 and n:
                parts.append("零")
        elif parts and parts[-1] != "零":
            parts.append("零")
        group += 1
    return "".join(reversed(parts)).strip("零") or "零"
