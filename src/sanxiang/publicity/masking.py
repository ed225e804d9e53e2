"""脱敏 — the one masking component every public output goes through (DESIGN.md I3, rules.md MASK-*).

Two layers:

* `mask_text(text, persons)` / `mask_person_name(name)` run when a publication is published. They
  replace what is *known* about the natural persons of the case (names, ID numbers, phones,
  addresses, bank accounts, licence plates) and then every *pattern* of such data, so that a value
  typed into free text without being known is caught too. The published snapshot stores only the
  result; no public page ever sees the unmasked draft.
* `scrub(text)` is the pattern-only pass the portal applies once more to every response body it
  sends (HTML, JSON, CSV, Atom): a safety net for ID and phone numbers should anything ever slip
  into a snapshot. Patterns here are conservative so that certificate, case and decision numbers
  survive it.

Organisations keep their name and unified social credit code (rules.md §16.1). Names of natural
persons are masked by the rule `SX-MASK-01.name_pattern` (default 张某某); names that are not
known to the system cannot be found by pattern, which is why publication has a confidentiality
review step (PUB-09) before anything goes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# --- names -----------------------------------------------------------------------------------

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "太史",
        "端木",
        "上官",
        "司马",
        "东方",
        "独孤",
        "南宫",
        "万俟",
        "闻人",
        "夏侯",
        "诸葛",
        "尉迟",
        "公羊",
        "赫连",
        "澹台",
        "皇甫",
        "宗政",
        "濮阳",
        "公冶",
        "太叔",
        "申屠",
        "公孙",
        "慕容",
        "仲孙",
        "钟离",
        "长孙",
        "宇文",
        "司徒",
        "鲜于",
        "司空",
        "闾丘",
        "子车",
        "亓官",
        "司寇",
        "巫马",
        "公西",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "拓跋",
        "夹谷",
        "轩辕",
        "令狐",
        "段干",
        "百里",
        "呼延",
        "东郭",
        "南门",
        "羊舌",
        "微生",
        "梁丘",
        "左丘",
        "西门",
        "第五",
        "即墨",
        "达奚",
        "褚师",
    ]
)

NAME_PATTERNS = ("surname_mou", "surname_mou_by_length", "surname_stars")


def surname_of(name: str) -> str:
    name = name.strip()
    if "·" in name or "•" in name:  # transliterated names (阿依古丽·买买提): keep the first character
        return name[:1]
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_person_name(name: str, pattern: str = "surname_mou") -> str:
    """张三 → 张某某 (default); `surname_mou_by_length`: 张三 → 张某, 张小明 → 张某某;
    `surname_stars`: 张小明 → 张**."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = surname_of(name)
    rest = max(len(name) - len(surname), 1)
    if pattern == "surname_stars":
        return surname + "*" * rest
    if pattern == "surname_mou_by_length":
        return surname + "某" * min(rest, 2)
    return surname + "某某"


# --- patterns --------------------------------------------------------------------------------

ID_MASK = "［身份证号已隐去］"
PHONE_MASK = "［电话已隐去］"
BANK_MASK = "［账号已隐去］"
ADDRESS_MASK = "［住址已隐去］"
PLATE_MASK = "［车牌已隐去］"

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# Legacy 15-digit ID numbers: region, YYMMDD, serial (a plausible date keeps other numbers out).
_ID15 = rf"[1-9]\d{{5}}\d{{2}}{_MMDD}\d{{3}}"
# 18-digit resident ID numbers, whether or not the checksum is right, and legacy ones.
ID_RE = re.compile(rf"{_NOT_ALNUM_BEFORE}(?:\d{{17}}[\dXx]|{_ID15}){_NOT_ALNUM_AFTER}")
# The same, strict: a birth date in 1800–2099 (what `scrub` and the leak checks look for).
STRICT_ID_RE = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_MMDD}\d{{3}}[\dXx]|{_ID15}){_NOT_ALNUM_AFTER}"
)
# Mobile numbers, optionally +86 and grouped 3-4-4 with spaces or hyphens; landlines with area code.
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-)\s?\d{7,8}(?:-\d{1,5})?(?!\d)")
# Bank accounts: long digit runs, or card numbers grouped by four.
BANK_RE = re.compile(r"(?<!\d)(?:\d{12,30}|\d{4}(?:[-\s]\d{4}){2,5}(?:[-\s]\d{1,4})?)(?!\d)")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z][·・\s]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]{_NOT_ALNUM_AFTER}"
)
_NUMERAL = "0-9０-９一二三四五六七八九十百零〇两"
# A house number after a road, village or estate marker: 建设路12号3栋2单元501室, 王家村3组.
HOUSE_RE = re.compile(
    rf"(?<=[路街巷弄道村组区苑园里庄屯寨坊厦寓号栋幢座])\s*[{_NUMERAL}A-Za-z]+\s*(?:号|弄|栋|幢|座|组|单元|层|楼|室|户)"
    rf"(?:\s*[{_NUMERAL}A-Za-z\-]+\s*(?:号|栋|幢|座|单元|层|楼|室|户))*"
)


@dataclass(frozen=True)
class PersonalData:
    """What the system knows about one natural person whose data may appear in a publication."""

    name: str = ""
    id_numbers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    bank_accounts: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default=())  # other strings to remove (e.g. e-mail)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _known_replacements(persons: Iterable[PersonalData], pattern: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for p in persons:
        pairs += [(v, ID_MASK) for v in p.id_numbers]
        pairs += [(v.upper(), ID_MASK) for v in p.id_numbers]
        pairs += [(v, PHONE_MASK) for v in p.phones]
        pairs += [(_digits(v), PHONE_MASK) for v in p.phones]
        pairs += [(v, BANK_MASK) for v in p.bank_accounts]
        pairs += [(_digits(v), BANK_MASK) for v in p.bank_accounts]
        pairs += [(v, ADDRESS_MASK) for v in p.addresses]
        pairs += [(v, PLATE_MASK) for v in p.plates]
        pairs += [(v, "［已隐去］") for v in p.extra]
        name = p.name.strip()
        if len(name) >= 2:
            masked = mask_person_name(name, pattern)
            pairs.append((name, masked))
            given = name[len(surname_of(name)) :]
            if len(given) >= 2 and "·" not in given:
                pairs.append((given, "某某"))
    # Longest first, so 张三丰 is replaced before 张三 and a full address before its parts.
    return sorted({(k.strip(), v) for k, v in pairs if len(k.strip()) >= 2}, key=lambda kv: -len(kv[0]))


def mask_patterns(text: str) -> str:
    """Every pattern of personal data, known or not (used after the known values are replaced)."""
    text = ID_RE.sub(ID_MASK, text)
    text = MOBILE_RE.sub(PHONE_MASK, text)
    text = LANDLINE_RE.sub(PHONE_MASK, text)
    text = BANK_RE.sub(BANK_MASK, text)
    text = PLATE_RE.sub(PLATE_MASK, text)
    return HOUSE_RE.sub(ADDRESS_MASK, text)


def mask_text(text: str | None, persons: Iterable[PersonalData] = (), pattern: str = "surname_mou") -> str:
    """Free text as it may be published: known personal data replaced, then every pattern."""
    if not text:
        return ""
    for old, new in _known_replacements(persons, pattern):
        text = text.replace(old, new)
    return mask_patterns(text)


# --- the last pass on every public response --------------------------------------------------

# Only the two patterns the crawler test guards, each strict enough to leave certificate numbers,
# case numbers and decision numbers alone.
_SCRUB_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """ID and mobile numbers out of any public text (a safety net, not the masking itself)."""
    text = STRICT_ID_RE.sub(ID_MASK, text)
    return _SCRUB_MOBILE_RE.sub(PHONE_MASK, text)


def leaks(text: str) -> list[str]:
    """The ID and phone patterns found in `text` (for tests and the crawler check)."""
    found = STRICT_ID_RE.findall(text) + _SCRUB_MOBILE_RE.findall(text) + LANDLINE_RE.findall(text)
    return [f for f in found if f]
