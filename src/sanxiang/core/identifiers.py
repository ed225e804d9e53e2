"""Checks of the identifiers parties give (rules.md §16.4).

* Resident ID number (居民身份证号码, GB 11643-1999): 17 digits, then a mod-11 check character.
  The birth date inside it must be a real date.
* Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from an alphabet
  without I, O, Z, S, V; the last is a mod-31 check character.

Both functions return the normalised value or raise `InvalidInput` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from sanxiang.core.errors import InvalidInput

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def validate_id_number(value: str, *, field: str = "id_number") -> str:
    number = (value or "").strip().upper()
    if not _ID_PATTERN.match(number):
        raise InvalidInput(
            "party.id_number.format", _("身份证号码应为18位，前17位为数字，末位为数字或X。"), field=field
        )
    try:
        birth = birth_date_of(number)
    except ValueError:
        raise InvalidInput(
            "party.id_number.birth_date", _("身份证号码中的出生日期无效。"), field=field
        ) from None
    if birth.year < 1900 or birth > dt.date.today():
        raise InvalidInput("party.id_number.birth_date", _("身份证号码中的出生日期无效。"), field=field)
    if id_check_character(number[:17]) != number[17]:
        raise InvalidInput("party.id_number.checksum", _("身份证号码校验位不正确，请核对。"), field=field)
    return number


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    code = (value or "").strip().upper()
    if not _USCC_PATTERN.match(code):
        raise InvalidInput(
            "party.credit_code.format",
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。"),
            field=field,
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise InvalidInput(
            "party.credit_code.checksum", _("统一社会信用代码校验位不正确，请核对。"), field=field
        )
    return code


def make_id_number(region: str, birth: dt.date, serial: int) -> str:
    """A well-formed ID number (for synthetic demo and test data)."""
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_character(first17)


def make_credit_code(first17: str) -> str:
    return first17 + uscc_check_character(first17)
