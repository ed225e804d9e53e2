"""Parse the law texts of `catalog/data/laws/` (Markdown: `## 第X章`, articles as `第X条 …`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

LAWS_DIR = Path(__file__).resolve().parent / "data" / "laws"

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条(?:\s+|$)(.*)$")
_HEADING = re.compile(r"^(#{2,4})\s*(.+?)\s*$")
_FILE_NAME = re.compile(r"^(?P<name>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)\.md$")


def chinese_numeral(text: str) -> int:
    """`一百二十三` → 123; `十五` → 15; `二十` → 20."""
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def int_to_chinese(n: int) -> str:
    """123 → 一百二十三, 15 → 十五, 105 → 一百零五 (article labels)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + digits[rest]
    return head + (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))


@dataclass
class ParsedArticle:
    number: int
    label: str
    chapter: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedLaw:
    name: str
    full_title: str
    version_date: dt.date
    articles: list[ParsedArticle]
    path: Path


def parse_law(path: Path) -> ParsedLaw:
    match = _FILE_NAME.match(path.name)
    if not match:
        raise ValueError(f"law file name must be NAME(YYYY-MM-DD).md: {path.name}")
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), match["name"])
    articles: list[ParsedArticle] = []
    chapter, in_body = "", False
    for raw in lines:
        line = raw.strip()
        if "INFO END" in line:
            in_body = True
            continue
        heading = _HEADING.match(line)
        if heading:
            in_body = True
            if len(heading.group(1)) == 2:
                chapter = re.sub(r"\s+", " ", heading.group(2))
            continue
        article = _ARTICLE.match(line)
        if article and in_body:
            number = chinese_numeral(article.group(1))
            articles.append(
                ParsedArticle(number, f"第{article.group(1)}条", chapter, [article.group(2).strip()])
            )
        elif line and articles and in_body:
            articles[-1].paragraphs.append(line)
    return ParsedLaw(match["name"], title, dt.date.fromisoformat(match["date"]), articles, path)


def law_files(directory: Path = LAWS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.md") if _FILE_NAME.match(p.name))
